"""A request body over the cap is refused before it is read, with a Chinese 413 page."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from django.urls import reverse

from lianbing.imports.models import ImportJob
from tests import factories

pytestmark = pytest.mark.django_db

BOUNDARY = "lianbingboundary"
MB = 1024 * 1024


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(factories.staff_user())  # type: ignore[arg-type]
    return client


def _multipart(size: int) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"PK\x03\x04"
        + b"\0" * size
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def test_the_upload_limits_are_set_and_the_cap_leaves_room_for_a_log_with_five_10_mb_files() -> (
    None
):
    assert settings.LIANBING_MAX_REQUEST_BYTES == 55 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
    assert settings.FILE_UPLOAD_HANDLERS[0].endswith("CappedUploadHandler")


def test_a_huge_declared_length_is_refused_with_413_without_reading_the_body(
    staff: Client,
) -> None:
    response = staff.generic(
        "POST",
        reverse("imports:import_list"),
        data=b"x" * 100,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(10 * 1024 * MB),  # a lie: the body is 100 bytes
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "提交的内容过大，未被接收" in page
    assert "最多 55 MB" in page
    assert 'class="navbar' in page or "<nav" in page  # the site's layout
    assert response.wsgi_request.environ["wsgi.input"].read_started is False
    assert ImportJob.objects.count() == 0


def test_a_body_within_the_cap_still_reaches_the_page(staff: Client) -> None:
    response = staff.post(reverse("imports:import_list"), {"file": io.BytesIO(b"not a workbook")})

    assert response.status_code != 413


@override_settings(LIANBING_MAX_REQUEST_BYTES=256 * 1024)
# Committed, not inside the test's transaction: the ASGI handler may run the
# view on another thread, whose connection to SQLite's shared in-memory test
# database would otherwise find django_session locked by the test's open
# transaction ("database table is locked").
@pytest.mark.django_db(transaction=True)
def test_a_streamed_upload_that_passes_the_cap_is_stopped_with_the_chinese_page_and_nothing_imported(
    staff: Client,
) -> None:
    # Under ASGI Django hands the parser the whole body whatever the header
    # said: the header here claims 1 KB, the body carries 1 MB.
    body = _multipart(MB)
    chunks = [body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024)]
    received: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": reverse("imports:import_list"),
        "raw_path": reverse("imports:import_list").encode(),
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", b"1024"),
            (b"cookie", f"sessionid={staff.cookies['sessionid'].value}".encode()),
        ],
    }

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}
        await asyncio.sleep(3600)  # the client waits for the answer; cancelled once it is sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        received.append(message)

    # As Django's own test client does: keep the test's transaction open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(CSRF_TRUSTED_ORIGINS=[], ALLOWED_HOSTS=["testserver"]):
            # This worker's thread may still be marked as running another
            # test's event loop (Playwright's sync API leaves its loop set
            # between calls), where async_to_sync refuses to start; the mark
            # is set aside for this call and put back after.
            held = asyncio.events._get_running_loop()
            asyncio.events._set_running_loop(None)
            try:
                async_to_sync(ASGIHandler())(scope, receive, send)
            finally:
                asyncio.events._set_running_loop(held)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    start = next(m for m in received if m["type"] == "http.response.start")
    page = b"".join(m.get("body", b"") for m in received if m["type"] == "http.response.body")
    assert start["status"] == 413
    assert "提交的内容过大，未被接收" in page.decode()
    assert ImportJob.objects.count() == 0
