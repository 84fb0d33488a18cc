"""Fuzzing every page the department opens: no query string and no form post gives a 500.

The pages come from the URL resolver (as in ``test_role_matrix``), so a page
added later is fuzzed without touching this file. Each GET page receives
random values for every query parameter its views module reads; each form
found on a page is posted with random values in every field.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianbing.matching.services.runs import match_run_create
from tests import factories
from tests.functional.test_role_matrix import all_pages

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: Values that broke pages before: unicode digits that ``str.isdigit`` accepts,
#: numbers beyond 64 bits, signs, spaces, NUL.
AWKWARD = [
    "²", "١٢", "１２", "0", "-1", "+1", " 1", "1.5", "1e9", "",
    "9" * 23, str(2**63), str(2**31), "\x00", "<script>", "'", "%",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(AWKWARD),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    st.text(max_size=40),
)

_READS = re.compile(
    r"""(?:GET|POST)\.get(?:list)?\(\s*["'](\w+)["']|_param\(\s*request,\s*["'](\w+)["']"""
)
_SKIP = ("admin:", "accounts:logout")


def _parameters(view: Callable[..., Any]) -> set[str]:
    """The query parameters the page's views module reads (a superset of the page's own)."""
    source = inspect.getsource(sys.modules[inspect.unwrap(view).__module__])
    return {a or b for a, b in _READS.findall(source)} | {"page"}


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: sample choices or None})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str] | None]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append((a.get("action") or "", {}))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag in ("input", "textarea") and name and name != "csrfmiddlewaretoken":
            fields[name] = None
        elif tag == "select" and name:
            fields[name] = []
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            choices = fields[self._select]
            assert choices is not None
            choices.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@pytest.fixture
def staff() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(factories.staff_user())  # type: ignore[arg-type]
    return client


@pytest.fixture
def urls() -> list[tuple[str, str, set[str]]]:
    """Every page with real ids of a program, a finished run, a survey round and a demand."""
    run = match_run_create(
        program=factories.matching_program(cadres=4, posts=3),
        created_by=factories.staff_user("zuzhibu"),  # type: ignore[arg-type]
    )
    post = run.program.posts.select_related("unit").first()
    cadre = run.program.cadres.first()
    survey_round = factories.survey_round()
    demand = factories.demand(round_=survey_round, host=post.unit)
    ids: dict[str, Any] = {  # any other id: 1, which may not exist (a 404)
        "run_id": run.pk,
        "post_id": post.pk,
        "cadre_id": cadre.pk,
        "unit_id": post.unit.pk,
        "round_id": survey_round.pk,
        "demand_id": demand.pk,
        "job_id": 1,
        "export_id": 1,
        "kind": "cadres",
    }
    pages = []
    for page in all_pages():
        if not page.name or ":" not in page.name or page.name.startswith(_SKIP):
            continue
        url = reverse(page.name, kwargs={n: ids.get(n, 1) for n in resolve(page.url).kwargs})
        pages.append((page.name, url, _parameters(page.view)))
    return pages


def _fuzz_query(staff: Client, name: str, url: str, parameters: set[str]) -> list[str]:
    failures: list[str] = []

    @FUZZ
    @given(query=st.fixed_dictionaries({p: VALUES for p in sorted(parameters)}))
    def fuzz(query: dict[str, str]) -> None:
        response = staff.get(url, query)
        if response.status_code >= 500:
            failures.append(f"{name} {query!r}")

    fuzz()
    return failures


def _fuzz_form(staff: Client, action: str, fields: dict[str, list[str] | None]) -> list[str]:
    failures: list[str] = []

    @FUZZ
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        post = {
            name: data.draw(st.one_of(st.sampled_from(choices), VALUES) if choices else VALUES)
            for name, choices in fields.items()
        }
        response = staff.post(action, post)
        if response.status_code >= 500:
            failures.append(f"{action} {post!r}")

    fuzz()
    return failures


def test_no_query_string_makes_a_page_answer_500(staff: Client, urls: list[Any]) -> None:
    failures = [f for name, url, params in urls for f in _fuzz_query(staff, name, url, params)]

    assert failures == []


def test_no_form_post_makes_a_page_answer_500(staff: Client, urls: list[Any]) -> None:
    forms: list[tuple[str, dict[str, list[str] | None]]] = []
    for _name, url, _parameters in urls:
        response = staff.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        forms += [(action or url, fields) for action, fields in parser.forms if fields]
    assert len(forms) > 5, "hardly any form found: the walk is broken"

    failures = [f for action, fields in forms for f in _fuzz_form(staff, action, fields)]

    assert failures == []
