"""A cap on the size of a request body, enforced before the body is read.

Django reads a multipart body whatever its size, into memory up to
``FILE_UPLOAD_MAX_MEMORY_SIZE`` and into temporary files beyond: a client could
fill the disk or tie up a worker with one upload. Two controls:

- :class:`RequestSizeLimitMiddleware` answers 413 with a Chinese page when the
  declared ``Content-Length`` is over ``LIANBING_MAX_REQUEST_BYTES``, without
  touching the body;
- :class:`CappedUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``) counts the
  bytes that actually arrive and stops reading once they pass the cap, for a
  body whose length cannot be trusted (a server that hands Django more than the
  header declared, as the ASGI handler does). The middleware then answers the
  same 413 page, so the view never sees a half-read upload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

#: Set on the request by the upload handler when it stopped reading.
_OVER_CAP = "lianbing_body_over_cap"


def max_request_bytes() -> int:
    return int(settings.LIANBING_MAX_REQUEST_BYTES)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        # Django reads nothing of a body whose length is not a number.
        return 0


def _too_large(request: HttpRequest, received: int) -> HttpResponse:
    cap = max_request_bytes()
    logger.warning(
        "Request body refused: %s bytes over the cap of %s (%s %s)",
        received,
        cap,
        request.method,
        request.path,
    )
    return render(
        request,
        "accounts/request_too_large.html",
        {"cap_mb": cap // (1024 * 1024), "received_mb": f"{received / (1024 * 1024):.1f}"},
        status=413,
    )


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = _declared_length(request)
        if declared > max_request_bytes():
            return _too_large(request, declared)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # Parse here, with the capped handler, before CSRF or the view read a
            # half-received upload as a form that merely lacks its file.
            request.POST  # noqa: B018 - parsing is the point
            if getattr(request, _OVER_CAP, 0):
                return _too_large(request, getattr(request, _OVER_CAP))
        return self.get_response(request)


class CappedUploadHandler(FileUploadHandler):
    """Counts the bytes of every uploaded file as they stream in; stops past the cap."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_request_bytes():
            if self.request is not None:
                setattr(self.request, _OVER_CAP, self.received)
            # connection_reset: do not read the rest of the body to drain it.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
