"""Service items in the platform search (object type "services.item"): the current published guide."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse

from egov.kernel.search.services import Indexable, register_indexable

SEARCH_TYPE = "services.item"


def load(object_id: str) -> Indexable | None:
    from egov.domain.services.models import ServiceItem, VersionStatus

    item = (
        ServiceItem.objects.select_related("org_unit", "current_version")
        .filter(pk=object_id, current_version__status=VersionStatus.PUBLISHED)
        .first()
    )
    if item is None or item.current_version is None:
        return None
    version = item.current_version
    try:
        url = reverse("services:guide", args=[item.code])
    except NoReverseMatch:  # an office-only process has no public URLs; the public index still links the path
        url = f"/services/items/{item.code}/"
    body = "\n".join(
        [item.org_unit.name, version.get_item_type_display(), version.conditions, version.result_name, item.basic_code]
    )
    return Indexable(
        title=item.name,
        body=body,
        url=url,
        site="services",
        published=version.published_at,
        facets={"org_unit": item.org_unit.display_name, "audience": version.get_audience_display()},
    )


def all_ids() -> Iterable[str]:
    from egov.domain.services.selectors import public_items

    return (str(pk) for pk in public_items().values_list("pk", flat=True).iterator())


def register() -> None:
    register_indexable(SEARCH_TYPE, load, all_ids=all_ids, label="办事事项")
