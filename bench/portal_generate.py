"""Bench data for the portal: ``--articles`` articles and ``--policies`` policy documents spread over
``--sites`` bench sites (site keys ``bench1`` …), written in bulk (Wagtail's add_child would take hours).

    .venv/bin/python bench/portal_generate.py --articles 100000 --policies 20000 [--sites 10] [--index]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_portal_bench .venv/bin/python bench/portal_generate.py …

Run ``manage.py migrate`` on the target database first. Page rows are built as Wagtail stores them
(materialised paths, url_path, live, first/last published), bodies are ~3 KB of sentences of the founding
document. ``--index`` also writes the search entries of the generated pages, in the same batches (bulk
inserts; the FTS5 triggers / generated tsvector column index them): the entries are what the portal's search
loader gives for these pages (title, plain-text body, URL, site, facets), and the jieba segmentation is done
once per corpus sentence and reused (jieba splits at the 。 ending every sentence, so the tokens are the
same as segmenting each page whole). Re-running adds more pages to the same bench sites. Prints the figures
and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

# Not the debug cursor, whatever EGOV_ENV says: it keeps the SQL of the last 9,000 statements, and one bulk insert
# of 2,000 pages is tens of megabytes of SQL (the first 100,000-page run peaked at 3.3 GB).
settings.DEBUG = False

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

from egov.domain.portal.models import ArticlePage, ColumnPage, HomePage, PolicyDocumentPage  # noqa: E402

SEED = Path("/work/shared/seed/000_f0a25dd3d0ab5b16.txt")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
BATCH = 2000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else "兴安盟推进一体化政务服务平台建设。" * 50
    parts = [part.strip() for part in text.replace("\n", "。").split("。") if len(part.strip()) > 8]
    return [f"{part}。" for part in parts] or ["兴安盟推进一体化政务服务平台建设。"]


def step(n: int) -> str:
    out = ""
    for _ in range(STEPLEN):
        n, rest = divmod(n, len(ALPHABET))
        out = ALPHABET[rest] + out
    return out


def add_child(parent: Page, page: Page) -> Page:
    return parent.add_child(instance=page)


def bench_sites(count: int) -> list[tuple[HomePage, ColumnPage, ColumnPage]]:
    """``count`` bench sites, each with a news column and a policy column (created once, reused)."""
    root = Page.get_first_root_node()
    sites = []
    for n in range(1, count + 1):
        home = HomePage.objects.filter(site_key=f"bench{n}").first()
        if home is None:
            home = add_child(
                root,
                HomePage(
                    title=f"基准测试网站{n}",
                    slug=f"bench{n}",
                    site_key=f"bench{n}",
                    site_name=f"基准测试网站{n}（演示数据）",
                    site_code=f"15220{n:05d}",
                ),
            )
        news = ColumnPage.objects.child_of(home).filter(slug="news").first() or add_child(
            home, ColumnPage(title="政务动态", slug="news", kind="news")
        )
        policy = ColumnPage.objects.child_of(home).filter(slug="policy").first() or add_child(
            home, ColumnPage(title="政策文件", slug="policy", kind="policy")
        )
        sites.append((home, news, policy))
    return sites


def _child_rows(model: type[Page], instances: list[Page]) -> tuple[str, list[list[Any]]]:
    fields = [f for f in model._meta.local_concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # identifiers come from the model's own metadata, never from input
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in instances]
    return sql, rows


class SearchEntries:
    """Search index rows for generated pages, as ``egov.domain.portal.search``'s loader would build them."""

    def __init__(self) -> None:
        from egov.kernel.search import text
        from egov.kernel.search.models import SearchDocument

        self.text = text
        self.model = SearchDocument
        self.tokens: dict[str, str] = {}

    def segment(self, part: str) -> str:
        found = self.tokens.get(part)
        if found is None:
            found = self.tokens[part] = self.text.index_tokens(part)
        return found

    def build(self, home: HomePage, page: Page, specific: Any, sentences: list[str]) -> Any:
        from egov.domain.portal.search import TYPES

        object_type = TYPES[type(specific)._meta.model_name][0]
        number = getattr(specific, "document_number", "")
        body = "\n".join(part for part in (number, "".join(sentences)) if part)
        tokens = " ".join(
            t
            for t in (
                self.text.index_tokens(page.title),
                self.segment(number) if number else "",
                *(self.segment(s) for s in sentences),
            )
            if t
        )
        facets: dict[str, Any] = {"source": specific.source}
        if number:
            facets.update(
                validity=specific.validity,
                document_number=number,
                issuing_body=specific.issuing_body,
                subject=specific.subject,
            )
        facets["site_name"] = home.site_name
        return self.model(
            object_type=object_type,
            object_id=str(page.pk),
            site=home.site_key,
            title=page.title[:500],
            body=body,
            url=f"/sites/{home.site_key}/{page.url_path[len(home.url_path) :]}",
            published=specific.published_at,
            year=specific.published_at.year,
            facets=facets,
            tokens=tokens,
        )


def bulk_pages(
    column: ColumnPage,
    model: type[Page],
    count: int,
    make: Callable[[int], dict[str, Any]],
    locale: Locale,
    *,
    home: HomePage,
    index: SearchEntries | None = None,
) -> None:
    """Append ``count`` live pages of ``model`` under ``column`` (base rows with bulk_create, the
    subclass rows with executemany), and their search entries with ``index``."""
    column.refresh_from_db()
    content_type = ContentType.objects.get_for_model(model)
    start = column.numchild
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        specifics: list[Page] = []
        bases: list[Page] = []
        picked: list[list[str]] = []
        for i in range(size):
            n = start + done + i + 1
            slug = f"{model._meta.model_name}-{n}"
            published = now - dt.timedelta(minutes=n)
            values = make(n)
            picked.append(values.pop("sentences"))
            base = Page(
                title=values.pop("title"),
                draft_title="",
                slug=slug,
                content_type=content_type,
                path=column.path + step(n),
                depth=column.depth + 1,
                numchild=0,
                url_path=f"{column.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                locale=locale,
                translation_key=uuid.uuid4(),
            )
            base.draft_title = base.title
            bases.append(base)
            specifics.append(model(published_at=published, **values))
        with transaction.atomic():
            Page.objects.bulk_create(bases)
            for base, specific in zip(bases, specifics, strict=True):
                specific.page_ptr_id = base.pk
                specific.pk = base.pk
            sql, rows = _child_rows(model, specifics)
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            if index is not None:
                index.model.objects.bulk_create(
                    [index.build(home, b, sp, ps) for b, sp, ps in zip(bases, specifics, picked, strict=True)]
                )
            Page.objects.filter(pk=column.pk).update(numchild=start + done + size)
        done += size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--index", action="store_true", help="index the pages in the platform search")
    args = parser.parse_args()
    random.seed(20260126)
    corpus = sentences()
    locale = Locale.get_default()
    sites = bench_sites(args.sites)

    def body(picked: list[str]) -> str:
        return json.dumps(
            [{"type": "paragraph", "value": "".join(f"<p>{s}</p>" for s in picked), "id": str(uuid.uuid4())}],
            ensure_ascii=False,
        )

    def article(n: int) -> dict[str, object]:
        picked = random.sample(corpus, min(len(corpus), 12))
        return {
            "title": f"（演示数据）{random.choice(corpus)[:28]}{n}",
            "source": "兴安盟行政公署",
            "body": body(picked),
            "sentences": picked,
        }

    def policy(n: int) -> dict[str, object]:
        picked = random.sample(corpus, min(len(corpus), 12))
        return {
            "title": f"（演示数据）关于{random.choice(corpus)[:20]}的通知{n}",
            "document_number": f"兴署发〔{2000 + n % 27}〕{n}号",
            "issuing_body": "兴安盟行政公署",
            "written_on": dt.date(2000 + n % 27, 1 + n % 12, 1),
            "validity": random.choice(["有效", "有效", "有效", "已废止"]),
            "body": body(picked),
            "sentences": picked,
        }

    started = time.perf_counter()
    per_site_articles = args.articles // len(sites)
    per_site_policies = args.policies // len(sites)
    index = SearchEntries() if args.index else None
    for home, news, policy_column in sites:
        bulk_pages(news, ArticlePage, per_site_articles, article, locale, home=home, index=index)
        bulk_pages(policy_column, PolicyDocumentPage, per_site_policies, policy, locale, home=home, index=index)
    elapsed = time.perf_counter() - started
    total = (per_site_articles + per_site_policies) * len(sites)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    print(f"generated {total} pages in {elapsed:.1f} s ({total / max(elapsed, 1e-9):.0f} pages/s)")
    print(f"sample article: {ArticlePage.objects.filter(slug='articlepage-1').first().get_url()}")
    if args.index:
        from egov.kernel.search.services import reindex_type

        started = time.perf_counter()
        for object_type in ("portal.column", "portal.home"):  # the few non-generated pages, the usual way
            print(f"indexed {object_type}: {reindex_type(object_type=object_type)}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchdocument")
        print(
            "search entries written with the pages; columns and home pages indexed in "
            f"{time.perf_counter() - started:.1f} s"
        )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
