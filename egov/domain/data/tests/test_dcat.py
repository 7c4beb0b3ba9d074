from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from egov.domain.data import dcat
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, make_entry

pytestmark = pytest.mark.django_db

HYDRA = dcat.HYDRA


@pytest.fixture
def entries() -> list[Any]:
    unit = OrgUnitFactory(name="兴安盟生态环境局")
    admin = data_admin(unit)
    published = [make_entry(actor=admin, provider=unit, title=f"兴安盟空气质量日报{i}") for i in range(3)]
    make_entry(actor=admin, provider=unit, title="草稿目录", publish=False)
    make_entry(actor=admin, provider=unit, title="不予开放目录", open_type="closed")
    return published


def _parse(response: Any, fmt: str) -> Graph:
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode("utf-8"), format=fmt)


def test_catalog_jsonld_has_each_open_dataset_with_a_title(client: Client, entries: list[Any]) -> None:
    graph = _parse(client.get("/catalog.jsonld"), "json-ld")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 3
    titles = {str(graph.value(node, DCTERMS.title)) for node in datasets}
    assert titles == {entry.title for entry in entries}
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    assert set(graph.objects(catalog, DCAT.dataset)) == datasets
    assert len(set(graph.objects(predicate=DCAT.distribution))) == 3
    assert len(graph) == len(_parse(client.get("/catalog.ttl"), "turtle"))


def test_catalog_is_paged_with_hydra(client: Client, entries: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    first = _parse(client.get("/catalog.ttl"), "turtle")
    second = _parse(client.get("/catalog.ttl?page=2"), "turtle")
    assert len(set(first.subjects(RDF.type, DCAT.Dataset))) == 2
    assert len(set(second.subjects(RDF.type, DCAT.Dataset))) == 1
    page = URIRef("http://testserver/catalog.ttl?page=1")
    assert first.value(page, HYDRA.totalItems).toPython() == 3
    assert str(first.value(page, HYDRA.nextPage)) == "http://testserver/catalog.ttl?page=2"
    assert str(first.value(page, HYDRA.lastPage)) == "http://testserver/catalog.ttl?page=2"
    assert client.get("/catalog.jsonld?page=0").status_code == 400


def test_dataset_jsonld(client: Client, entries: list[Any]) -> None:
    entry = entries[0]
    response = client.get(f"/dataset/{entry.name}.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    graph = _parse(response, "json-ld")
    node = URIRef(f"http://testserver/dataset/{entry.name}")
    assert str(graph.value(node, DCTERMS.title)) == entry.title
    assert str(graph.value(node, DCTERMS.identifier)) == str(entry.pk)
    assert "兴安盟生态环境局" in json.dumps(json.loads(response.content), ensure_ascii=False)
    assert client.get("/dataset/no-such.jsonld").status_code == 404
