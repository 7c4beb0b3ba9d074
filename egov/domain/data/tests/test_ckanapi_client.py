"""The real ``ckanapi`` client (library and command line) against a live server: what harvesters use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ckanapi import NotFound, RemoteCKAN, SearchQueryError

from egov.domain.data.models import DataTheme
from egov.domain.data.tests.factories import OrgUnitFactory, data_admin, make_entry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue() -> list[str]:
    unit = OrgUnitFactory(name="兴安盟卫生健康委员会", code="152200-WJW")
    admin = data_admin(unit)
    theme = DataTheme.objects.create(name="health", title="医疗卫生")
    entries = [
        make_entry(actor=admin, provider=unit, title="兴安盟医疗机构名录", tags=["医疗"], theme=theme),
        make_entry(actor=admin, provider=unit, title="兴安盟预防接种门诊信息", tags=["疫苗"], theme=theme),
        make_entry(actor=admin, provider=unit, title="兴安盟卫生监督草稿", publish=False),
    ]
    return sorted(entry.name for entry in entries[:2])


def test_remote_ckan_lists_searches_and_shows(live_server: Any, catalogue: list[str]) -> None:
    with RemoteCKAN(live_server.url) as ckan:
        assert ckan.action.package_list() == catalogue
        found = ckan.action.package_search(fq="tags:疫苗", q="接种")
        assert found["count"] == 1
        assert found["results"][0]["title"] == "兴安盟预防接种门诊信息"
        shown = ckan.action.package_show(id=catalogue[0])
        assert shown["organization"]["name"] == "152200-wjw"
        assert ckan.action.organization_list() == ["152200-wjw"]
        with pytest.raises(NotFound):
            ckan.action.package_show(id="no-such-dataset")
        with pytest.raises(SearchQueryError):
            ckan.action.package_search(fq="colour:red")
    with RemoteCKAN(live_server.url, get_only=True) as ckan:
        assert ckan.action.package_search(fq="groups:health", rows=1)["count"] == 2


def test_ckanapi_command_line_dumps_every_dataset(live_server: Any, catalogue: list[str], tmp_path: Path) -> None:
    output = tmp_path / "datasets.jsonl"
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    completed = subprocess.run(
        [str(Path(bin_dir) / "ckanapi"), "dump", "datasets", "--all", "-q", "-r", live_server.url, "-O", str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    dumped = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(package["name"] for package in dumped) == catalogue
    assert all(package["resources"][0]["format"] == "CSV" for package in dumped)
