"""The search index: one row per public object, whatever app owns it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """A public object as the search sees it. ``tokens`` is the jieba-segmented title and body, words
    separated by spaces: the full-text index (SQLite FTS5 table ``search_fts`` kept in step by triggers, or
    the generated ``search_vector`` column on PostgreSQL) is built from it, never from raw Chinese text."""

    object_type = models.CharField(_("对象类型"), max_length=64, help_text=_("如 portal.article"))
    object_id = models.CharField(_("对象标识"), max_length=64)
    site = models.CharField(_("站点"), max_length=64, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=500)
    body = models.TextField(_("正文"), blank=True)
    url = models.CharField(_("链接"), max_length=500)
    published = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True, db_index=True)
    facets = models.JSONField(_("其他分面"), default=dict, blank=True, help_text=_('如 {"validity": "有效"}'))
    tokens = models.TextField(_("分词结果"), blank=True)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")
        constraints = (models.UniqueConstraint(fields=["object_type", "object_id"], name="search_document_object"),)
        # PostgreSQL also has search_doc_newest (published DESC NULLS LAST, id DESC; migration 0003).
        indexes = (models.Index(fields=["object_type", "published"], name="search_doc_type_published"),)

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.title}"
