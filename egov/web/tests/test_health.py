from __future__ import annotations

import os
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_each_dependency_ok(client: Client, settings) -> None:
    # given the embedded set-up: no Redis configured
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client: Client, settings) -> None:
    # given a database that refuses connections (and no Redis configured)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with mock.patch("egov.web.health.connection.cursor", side_effect=OperationalError("connection refused")):
        # when
        response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error: OperationalError", "redis": "not configured"}


@pytest.mark.django_db
def test_healthz_checks_redis_when_configured(client: Client, settings) -> None:
    # given a Redis cache that is unreachable
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with mock.patch("egov.web.health.cache.set", side_effect=ConnectionError("refused")):
        response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error: ConnectionError"}


def test_healthz_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (CI's PostgreSQL + Redis run)")
def test_healthz_reports_a_real_redis_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
