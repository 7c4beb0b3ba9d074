"""Downloads: only through this permission-checked, audited view; never a public media URL."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from egov.kernel.errors import NotFound
from egov.kernel.files.services import file_open_for_download


def attachment_header(name: str) -> str:
    """An ASCII fallback for old clients plus the exact name per RFC 5987 (Chinese names survive)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
def download(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    try:
        stored, content = file_open_for_download(actor=request.user, file_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = attachment_header(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
