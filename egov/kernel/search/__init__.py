"""Full-text search over every public object (全站检索): pages of every site, policy documents, service
items, later datasets and published replies — one index, Chinese segmentation with jieba.

Contract for the apps that put objects in the search (keep it this small):

* ``services.register_indexable(object_type, loader, *, all_ids, label="")`` in ``AppConfig.ready``:
  ``object_type`` is ``"<app>.<model>"`` (如 ``"portal.article"``); ``loader(object_id) -> Indexable | None``
  returns ``services.Indexable(title, body, url, site="", published=None, facets={})`` for a PUBLIC object
  and None otherwise (unpublished, withdrawn, deleted — the entry is then removed); ``all_ids()`` lists the
  public ids (for ``manage.py search_reindex``). Facets used by the search page: ``validity``
  (有效 / 已修改 / 已废止) and ``document_number`` (文号).
* ``services.schedule_reindex(object_type=, object_id=)`` inside the publishing / unpublishing service:
  after commit the ``tasks.reindex_object`` task asks the loader and indexes or removes the object.
  (``services.index_object`` / ``remove_object`` write the index directly, e.g. from a migration.)
* Reading: ``selectors.search(query, *, types=None, site=None, year=None, facets=None,
  sort="relevance" | "date", page=1, page_size=10) -> SearchResults(total, hits, page, page_size,
  facet_counts, suggestion)``; each hit has type, id, title, title_html, url, snippet_html (escaped, query
  words in ``<mark>``), date, site, facets. Bad input raises ``Rejected`` with a Chinese message.
* Public page ``search:search`` (``/search/?q=&type=&site=&year=&validity=&sort=&page=``; link to it with
  ``site=<key>`` for "search within this site"); public API ``GET /api/public/search``.

The index holds PUBLIC objects only: it is served to anonymous visitors without permission checks.
"""
