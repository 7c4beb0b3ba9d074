"""The CKAN-compatible action API and the DCAT-AP export of the open data portal (public zone).

Plain Django views rather than ninja: CKAN clients depend on the exact envelope, status codes and error
``__type`` strings, which these views write by hand.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from egov.domain.data import ckan, selectors

_JSON_DUMPS = {"ensure_ascii": False}


def _bad_request(message: str) -> JsonResponse:
    # CKAN answers a malformed call with a bare JSON string, not the envelope.
    return JsonResponse(f"Bad request - {message}", status=400, safe=False, json_dumps_params=_JSON_DUMPS)


def _request_data(request: HttpRequest) -> dict[str, Any]:
    """GET parameters, a JSON body or form fields, as CKAN reads them (repeated keys become lists)."""
    if request.method == "GET":
        source = request.GET
    elif request.content_type == "application/x-www-form-urlencoded" or request.content_type == "multipart/form-data":
        source = request.POST
    else:
        body = request.body.decode("utf-8") if request.body else ""
        if not body.strip():
            return {}
        data = json.loads(body)
        if not isinstance(data, dict):
            raise TypeError(data)
        return data
    return {key: values[0] if len(values) == 1 else values for key, values in source.lists()}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, name: str) -> HttpResponse:
    function = ckan.ACTIONS.get(name)
    envelope: dict[str, Any] = {"help": request.build_absolute_uri(f"/api/3/action/help_show?name={name}")}
    if function is None and name not in ckan.WRITE_ACTIONS:
        return _bad_request(f"Action name not known: {name}")
    try:
        data = _request_data(request)
    except (ValueError, UnicodeDecodeError):
        return _bad_request(f"JSON Error: {_('请求体不是有效的 JSON')}")
    except TypeError:
        return _bad_request(f"Bad request data: {_('请求数据必须是 JSON 对象')}")
    data.pop("callback", None)
    try:
        if function is None:
            raise ckan.AuthorizationError(_("开放数据接口只读，不支持此操作"))
        envelope["success"] = True
        envelope["result"] = function(request, data)
    except ckan.ActionError as exc:
        envelope.pop("result", None)
        envelope["success"] = False
        envelope["error"] = ckan.error_body(exc)
        return JsonResponse(envelope, status=exc.status, json_dumps_params=_JSON_DUMPS)
    return JsonResponse(envelope, json_dumps_params=_JSON_DUMPS)


def _page(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


def _invalid_page() -> HttpResponse:
    return HttpResponse(_("页码必须是正整数"), status=400, content_type="text/plain; charset=utf-8")


def _dcat() -> ModuleType:
    """The DCAT module, imported on the first DCAT request: rdflib adds ~17 MB to a worker that loads it, and
    most workers never serve a harvester."""
    from egov.domain.data import dcat

    return dcat


@require_GET
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    page = _page(request)
    if page is None:
        return _invalid_page()
    dcat = _dcat()
    graph = dcat.catalog_graph(request, page=page, extension="jsonld")
    return HttpResponse(dcat.to_jsonld(graph), content_type="application/ld+json; charset=utf-8")


@require_GET
def catalog_ttl(request: HttpRequest) -> HttpResponse:
    page = _page(request)
    if page is None:
        return _invalid_page()
    graph = _dcat().catalog_graph(request, page=page, extension="ttl")
    return HttpResponse(graph.serialize(format="turtle"), content_type="text/turtle; charset=utf-8")


@require_GET
def dataset_jsonld(request: HttpRequest, id_or_name: str) -> HttpResponse:
    entry = selectors.portal_dataset(id_or_name)
    if entry is None:
        return HttpResponse(_("未找到该数据集"), status=404, content_type="text/plain; charset=utf-8")
    dcat = _dcat()
    return HttpResponse(dcat.to_jsonld(dcat.dataset_graph(request, entry)), content_type="application/ld+json")
