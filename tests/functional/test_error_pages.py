"""Refused, missing and failed pages speak Chinese in the site's layout, and say what to do next."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from lianbing.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    client = Client()
    client.force_login(factories.account(role))  # type: ignore[arg-type]
    return client


def test_a_record_out_of_reach_gets_a_chinese_404_in_the_sites_layout() -> None:
    staff = _client(Role.STAFF)

    response = staff.get(reverse("web:cadre_detail", args=[999_999]))

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert "返回我的首页" in page
    assert 'id="lb-sidebar"' in page
    assert "Not Found" not in page


def test_a_page_the_role_may_not_open_gets_a_chinese_403_that_says_whom_to_ask() -> None:
    inspector = _client(Role.INSPECTOR)

    response = inspector.get(reverse("web:cadre_list"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限访问此页面" in page
    assert "安全管理员" in page
    assert "403 Forbidden" not in page


def test_the_server_error_page_is_chinese_and_needs_no_request_context() -> None:
    request = RequestFactory().get("/")

    response = defaults.server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错" in page
    assert "Server Error" not in page


def test_a_refused_page_logs_one_line_without_a_traceback() -> None:
    inspector = _client(Role.INSPECTOR)
    written = io.StringIO()
    loggers = [logging.getLogger("django.request"), logging.getLogger("django"), logging.root]
    # Only the configured console handlers, not the test runner's capture handlers.
    streams = [h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler]
    before = [h.setStream(written) for h in streams]

    try:
        inspector.get(reverse("web:cadre_list"))
    finally:
        for handler, stream in zip(streams, before, strict=True):
            handler.setStream(stream)

    assert written.getvalue().count("Forbidden (Permission denied): /cadres/") == 1
    assert "Traceback" not in written.getvalue()


DEMO_SETTINGS_PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
missing = client.get("/no-such-page/")
css = client.get("/static/web/lianbing.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "lists_patterns": b"URLconf" in missing.content,
    "css_status": css.status_code,
}))
"""


def test_the_demo_settings_hide_the_url_patterns_and_still_serve_static_files(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lianbing.config.settings.dev"}
    env["LIANBING_VAR_DIR"] = str(tmp_path)
    env.pop("LIANBING_DEBUG", None)

    done = subprocess.run(
        [sys.executable, "-c", DEMO_SETTINGS_PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "debug": False,
        "missing_status": 404,
        "lists_patterns": False,
        "css_status": 200,
    }


def test_every_page_links_a_favicon_that_exists() -> None:
    from django.contrib.staticfiles import finders

    staff = _client(Role.STAFF)

    page = staff.get(reverse("web:dashboard")).content.decode()

    assert '<link rel="icon" href="/static/web/favicon.svg"' in page
    assert finders.find("web/favicon.svg")
