"""Portal pages in the platform search: every live, public page of the default locale, one object type per
page model (``portal.article``, ``portal.policy`` …), kept in sync by Wagtail's publish/unpublish signals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from egov.kernel.search.services import Indexable, register_indexable, remove_object, schedule_reindex

# model name → (object type, label in the search page's type filter)
TYPES: dict[str, tuple[str, str]] = {
    "articlepage": ("portal.article", "新闻动态"),
    "noticepage": ("portal.notice", "通知公告"),
    "policydocumentpage": ("portal.policy", "政策文件"),
    "interpretationpage": ("portal.interpretation", "政策解读"),
    "leaderpage": ("portal.leader", "领导之窗"),
    "topicpage": ("portal.topic", "专题专栏"),
    "columnpage": ("portal.column", "栏目"),
    "homepage": ("portal.home", "网站首页"),
}
MODEL_OF_TYPE = {object_type: model for model, (object_type, _label) in TYPES.items()}


def object_type_of(page: Page) -> str | None:
    found = TYPES.get(page.specific_class._meta.model_name) if page.specific_class else None
    return found[0] if found else None


def _loader(object_type: str) -> Any:
    def load(object_id: str) -> Indexable | None:
        from egov.domain.portal.models import DatedPage, PolicyDocumentPage, PortalPage

        page = Page.objects.filter(pk=object_id).first()
        if page is None or object_type_of(page) != object_type:
            return None
        page = page.specific
        if not isinstance(page, PortalPage) or not page.live or page.locale_id != Locale.get_default().pk:
            return None
        if PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True)).exists():
            return None  # restricted pages are not public
        url = page.get_url()
        if not url:
            return None
        published = getattr(page, "published_at", None) or page.first_published_at
        facets: dict[str, Any] = {}
        if isinstance(page, DatedPage):
            facets["source"] = page.source
        if isinstance(page, PolicyDocumentPage):
            facets.update(
                validity=page.validity,
                document_number=page.document_number,
                issuing_body=page.issuing_body,
                subject=page.subject,
            )
        home = page.home
        if home is not None:
            facets["site_name"] = home.site_name
        body = "\n".join(
            part
            for part in (
                getattr(page, "subtitle", ""),
                getattr(page, "document_number", ""),
                getattr(page, "keywords", ""),
                page.plain_text(),
            )
            if part
        )
        return Indexable(title=page.title, body=body, url=url, site=page.home_key, published=published, facets=facets)

    return load


def _all_ids(object_type: str) -> Any:
    def all_ids() -> Iterable[str]:
        from django.apps import apps

        model = apps.get_model("portal", MODEL_OF_TYPE[object_type])
        live = model.objects.live().public().filter(locale=Locale.get_default())
        return (str(pk) for pk in live.values_list("pk", flat=True).iterator())

    return all_ids


def _schedule(page: Page) -> None:
    object_type = object_type_of(page)
    if object_type:
        schedule_reindex(object_type=object_type, object_id=str(page.pk))


def _schedule_subtree(page: Page) -> None:
    """A move or a slug change alters the URLs of the page and everything below it."""
    for descendant in Page.objects.descendant_of(page, inclusive=True).specific(defer=True):
        _schedule(descendant)


@receiver(page_published)
def _on_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    _schedule(instance)


@receiver(page_unpublished)
def _on_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    # Wagtail still serves the live pages below an unpublished one, so only the page itself leaves the index.
    _schedule(instance)


@receiver(post_page_move)
def _on_moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    _schedule_subtree(instance)


@receiver(page_slug_changed)
def _on_slug_changed(sender: Any, instance: Page, **kwargs: Any) -> None:
    _schedule_subtree(instance)


def _on_deleted(sender: Any, instance: Page, **kwargs: Any) -> None:
    object_type = TYPES.get(sender._meta.model_name)
    if object_type:
        remove_object(object_type=object_type[0], object_id=str(instance.pk))


def register() -> None:
    from django.apps import apps

    for model_name, (object_type, label) in TYPES.items():
        register_indexable(object_type, _loader(object_type), all_ids=_all_ids(object_type), label=label)
        post_delete.connect(
            _on_deleted, sender=apps.get_model("portal", model_name), dispatch_uid=f"portal-{model_name}"
        )
