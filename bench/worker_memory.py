"""A web worker's resident memory while it serves the pages people use, one after another (the 250 MB budget).

    EGOV_VAR_DIR=/tmp/demo EGOV_ENV=dev .venv/bin/python manage.py migrate && … load_demo   # once
    EGOV_VAR_DIR=/tmp/demo .venv/bin/python bench/worker_memory.py [--rounds 3]

One process plays a worker of the combined deployment (both zones, `config.urls`) on the Hinggan demo data:
the portal home and an article, the search (jieba and the pinyin suggestions load on the first query), the
service hall and a 办事指南, the open-data portal, CKAN `package_search` and the DCAT catalogue, then a civil
servant's 待办, a case page and the agent dashboard. It prints the RSS after each page of the first round and
the peak of the process (``ru_maxrss``) after ``--rounds`` rounds; every page must answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    started = rss_mb()
    import django

    django.setup()
    from django.test import Client
    from django.urls import resolve, reverse

    resolve("/")  # the URL configuration is imported once at worker start-up
    after_setup = rss_mb()
    from egov.domain.agency.models import AgentAssignment
    from egov.domain.portal.models import ArticlePage
    from egov.domain.services.models import ServiceItem
    from egov.kernel.accounts.models import User

    article = ArticlePage.objects.live().order_by("pk").first()
    item = ServiceItem.objects.order_by("pk").first()
    agent = User.objects.get(username="daiban_wlht")  # the demo 代办员 (README)
    assignment = AgentAssignment.objects.filter(agent=agent).select_related("case").first()
    case = assignment.case if assignment else None
    assert article is not None and item is not None and case is not None, "load the demo data first"
    public = [
        ("portal home", "/"),
        ("article", article.url),
        ("search 乌兰浩特 政务", reverse("search:search") + "?q=乌兰浩特+政务"),
        ("service hall", reverse("services:index")),
        ("办事指南", reverse("services:guide", args=[item.code])),
        ("open data", reverse("data:index")),
        ("package_search", reverse("data:ckan_action", args=["package_search"]) + '?q=人口&facet.field=["tags"]'),
        ("DCAT catalogue", reverse("data:catalog_jsonld")),
    ]
    office = [
        ("待办", reverse("workflow:list", args=["todo"])),
        ("case page", reverse("workflow:case", args=[case.number])),
        ("agent dashboard", reverse("agency:dashboard")),
    ]
    anonymous, staff = Client(), Client()
    # The real sign-in (password, then the TOTP code of the demo account's fixed key): staff pages need both.
    from django_otp.oath import totp

    from egov.kernel.orgs.demo.accounts import demo_totp_key

    for _attempt in range(2):  # a code is accepted once: a second run within 30 s waits for the next one
        staff.post(reverse("accounts:office_login"), {"username": agent.username, "password": "Hinggan@2026"})
        code = f"{totp(bytes.fromhex(demo_totp_key(agent.username))):06d}"
        if staff.post(reverse("accounts:office_verify"), {"code": code}).status_code == 302:
            break
        time.sleep(31)
    figures: dict[str, float] = {
        "before_django_mb": round(started, 1),
        "after_setup_and_urls_mb": round(after_setup, 1),
    }
    for round_number in range(args.rounds):
        for client, pages in ((anonymous, public), (staff, office)):
            for name, path in pages:
                response = client.get(path, HTTP_HOST="127.0.0.1")
                assert response.status_code == 200, (name, path, response.status_code, response.get("Location"))
                if round_number == 0:
                    figures[f"after {name}_mb"] = round(rss_mb(), 1)
    figures["rss_end_mb"] = round(rss_mb(), 1)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
