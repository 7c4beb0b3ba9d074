"""Background jobs of the notifications app (django-tasks: database backend, immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from egov.kernel.notify import services


@task()
def deliver_message(message_id: int) -> str:
    """Send one queued e-mail or SMS; a failure re-queues it until MAX_ATTEMPTS, then records the reason."""
    return services.message_deliver(message_id=message_id)


@task()
def notify_digest() -> int:
    """Daily summary of unread in-site messages for staff (scheduled by cron: ``manage.py notify_digest``)."""
    return services.digest_send()
