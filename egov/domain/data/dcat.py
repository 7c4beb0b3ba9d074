"""DCAT-AP export of the portal datasets, built with rdflib (dcat, dct, foaf, vcard) and paged with hydra
the way ckanext-dcat does, so DCAT harvesters read it unchanged."""

from __future__ import annotations

import math

from django.http import HttpRequest
from django.utils.translation import gettext
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from egov.domain.data import selectors
from egov.domain.data.models import LICENSES, CatalogEntry, UpdateFrequency

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
PAGE_SIZE = 100

_FREQUENCY = {
    UpdateFrequency.REALTIME: "UPDATE_CONT",
    UpdateFrequency.DAILY: "DAILY",
    UpdateFrequency.WEEKLY: "WEEKLY",
    UpdateFrequency.MONTHLY: "MONTHLY",
    UpdateFrequency.QUARTERLY: "QUARTERLY",
    UpdateFrequency.YEARLY: "ANNUAL",
    UpdateFrequency.IRREGULAR: "IRREG",
}
_LANG = "zh"


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("hydra", HYDRA),
    ):
        graph.bind(prefix, namespace)
    return graph


def dataset_uri(request: HttpRequest, entry: CatalogEntry) -> URIRef:
    return URIRef(request.build_absolute_uri(f"/dataset/{entry.name}"))


def add_dataset(graph: Graph, request: HttpRequest, entry: CatalogEntry) -> URIRef:
    node = dataset_uri(request, entry)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(entry.pk))))
    graph.add((node, DCTERMS.title, Literal(entry.title, lang=_LANG)))
    graph.add((node, DCTERMS.description, Literal(entry.summary, lang=_LANG)))
    graph.add((node, DCTERMS.modified, Literal(entry.modified_at, datatype=XSD.dateTime)))
    if entry.release_date:
        graph.add((node, DCTERMS.issued, Literal(entry.release_date, datatype=XSD.date)))
    graph.add((node, DCTERMS.accrualPeriodicity, FREQ[_FREQUENCY[UpdateFrequency(entry.update_frequency)]]))
    for tag in entry.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name, lang=_LANG)))
    if entry.theme:
        graph.add((node, DCAT.theme, URIRef(request.build_absolute_uri(f"/group/{entry.theme.name}"))))
    publisher = URIRef(request.build_absolute_uri(f"/organization/{entry.provider.code.lower()}"))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(entry.provider.name, lang=_LANG)))
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(entry.provider.name, lang=_LANG)))
    license_url = LICENSES.get(entry.license_id, {}).get("url")
    for resource in entry.resources.all():
        distribution = URIRef(request.build_absolute_uri(f"/dataset/{entry.name}/resource/{resource.id}"))
        graph.add((node, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(resource.name, lang=_LANG)))
        graph.add((distribution, DCTERMS.format, Literal(resource.format)))
        url = resource.url or (request.build_absolute_uri(resource.file.url) if resource.file else "")
        if url:
            graph.add((distribution, DCAT.accessURL, URIRef(url)))
            graph.add((distribution, DCAT.downloadURL, URIRef(url)))
        if resource.size is not None:
            graph.add((distribution, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        graph.add((distribution, DCTERMS.modified, Literal(resource.last_modified, datatype=XSD.dateTime)))
        if license_url:
            graph.add((distribution, DCTERMS.license, URIRef(license_url)))
    return node


def dataset_graph(request: HttpRequest, entry: CatalogEntry) -> Graph:
    graph = _graph()
    add_dataset(graph, request, entry)
    return graph


def catalog_graph(request: HttpRequest, *, page: int, extension: str) -> Graph:
    """One page of the catalogue: the dcat:Catalog, its datasets and a hydra:PagedCollection node."""
    graph = _graph()
    entries = selectors.portal_datasets().order_by("-modified_at", "pk")
    total = entries.count()
    last_page = max(1, math.ceil(total / PAGE_SIZE))
    catalog = URIRef(request.build_absolute_uri("/catalog"))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(gettext("兴安盟公共数据开放平台"), lang=_LANG)))
    graph.add((catalog, DCTERMS.description, Literal(gettext("兴安盟行政公署公共数据开放目录"), lang=_LANG)))
    graph.add((catalog, FOAF.homepage, URIRef(request.build_absolute_uri("/"))))
    graph.add((catalog, DCTERMS.language, Literal(_LANG)))
    page_entries = selectors.with_details(entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    for entry in page_entries:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, request, entry)))

    def page_url(number: int) -> URIRef:
        return URIRef(request.build_absolute_uri(f"/catalog.{extension}?page={number}"))

    collection = page_url(page)
    graph.add((collection, RDF.type, HYDRA.PagedCollection))
    graph.add((collection, HYDRA.totalItems, Literal(total)))
    graph.add((collection, HYDRA.itemsPerPage, Literal(PAGE_SIZE)))
    graph.add((collection, HYDRA.firstPage, Literal(str(page_url(1)))))
    graph.add((collection, HYDRA.lastPage, Literal(str(page_url(last_page)))))
    if page > 1:
        graph.add((collection, HYDRA.previousPage, Literal(str(page_url(page - 1)))))
    if page < last_page:
        graph.add((collection, HYDRA.nextPage, Literal(str(page_url(page + 1)))))
    return graph


def to_jsonld(graph: Graph) -> str:
    context = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "hydra": str(HYDRA)}
    return graph.serialize(format="json-ld", context=context, auto_compact=True, ensure_ascii=False)
