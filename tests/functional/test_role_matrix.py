"""Role x URL matrix: every URL pattern of the project, every role.

The patterns come from the URL resolver, so a page added later is covered
without touching this file: it fails until the page declares its policy.
A refusal by the policy layer is a 403 *and* an ``access / denied`` line in the
audit trail; an admitted request is anything else (a page, a redirect, a 404
for a missing object, a 405 for a GET on a POST-only view).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from lianbing.accounts.models import AuditAction, AuditEvent, AuditResult, Role
from lianbing.accounts.policy import policy_of
from lianbing.activities.access import ASSESSOR_ROLES as ACTIVITY_ASSESSORS
from lianbing.activities.access import READERS as ACTIVITY_READERS
from lianbing.training.access import READERS as TRAINING_READERS
from tests import factories

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
SUPERUSER = "superuser"
ACTORS = [*Role.values, NO_ROLE, SUPERUSER, ANONYMOUS]

#: The intended design for the pages of the foundation and of accounts:
#: url name -> roles admitted (superusers act as staff and system admin).
EXPECTED: dict[str, set[str]] = {
    # Every role has a home page (the three administrators see only their own scope).
    "web:dashboard": set(Role.values),
    "web:calendar": {Role.STAFF, Role.AUDITOR},
    "web:program_calendar": {Role.STAFF, Role.AUDITOR},
    "web:cadre_list": {Role.STAFF, Role.HOST_CONTACT, Role.MENTOR},
    "web:cadre_detail": {Role.STAFF, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE},
    "web:post_list": {Role.STAFF, Role.HOST_CONTACT, Role.MENTOR},
    "web:post_detail": {Role.STAFF, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE},
    "web:unit_list": {Role.STAFF},
    "web:unit_create": {Role.STAFF},
    "web:mentor_list": {Role.STAFF},
    "web:mentor_export": {Role.STAFF},
    "web:unit_detail": {Role.STAFF, Role.HOST_CONTACT},
    "accounts:audit_list": {Role.AUDITOR},
    "accounts:audit_export": {Role.AUDITOR},
    "accounts:role_list": {Role.SECURITY_ADMIN},
    "accounts:otp_setup": {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR},
    "admin:index": {Role.SYSTEM_ADMIN},
    "admin:auth_user_changelist": {Role.SYSTEM_ADMIN},
    "admin:people_cadre_changelist": {Role.SYSTEM_ADMIN},
    "training:secondment_detail": {
        Role.STAFF,
        Role.AUDITOR,
        Role.HOST_CONTACT,
        Role.MENTOR,
        Role.TRAINEE,
    },
    "training:attachment_download": {
        Role.STAFF,
        Role.AUDITOR,
        Role.HOST_CONTACT,
        Role.MENTOR,
        Role.TRAINEE,
    },
    "training:log_create": {Role.TRAINEE},
    "training:log_comment": {Role.MENTOR, Role.STAFF},
    "training:milestone_update": {Role.TRAINEE},
    "training:assessment_record": {Role.MENTOR},
    # Training plans: read by everyone of the training period, written by one role each.
    "training:plan_current": set(TRAINING_READERS),
    "training:plan_detail": set(TRAINING_READERS),
    "training:plan_compare": set(TRAINING_READERS),
    "training:plan_print": set(TRAINING_READERS),
    "training:plan_start": {Role.MENTOR},
    "training:plan_edit": {Role.MENTOR},
    "training:plan_submit": {Role.MENTOR},
    "training:plan_revise": {Role.MENTOR},
    "training:plan_return": {Role.STAFF},
    "training:plan_approve": {Role.STAFF},
    "training:plan_comment": {Role.STAFF, Role.MENTOR, Role.TRAINEE},
    "training:plan_export": {Role.STAFF},
    "training:secondment_list": {Role.STAFF, Role.AUDITOR},
    "training:secondment_export": {Role.STAFF, Role.AUDITOR},
    "training:pairing": {Role.STAFF},
    "training:pairing_propose": {Role.STAFF},
    "training:pairing_confirm": {Role.STAFF},
    "training:pairing_confirm_all": {Role.STAFF},
    "training:overview": {Role.STAFF, Role.AUDITOR, Role.HOST_CONTACT},
    "evaluation:record": {Role.STAFF, Role.AUDITOR, Role.TRAINEE, Role.HOST_CONTACT},
    "evaluation:record_docx": {Role.STAFF, Role.AUDITOR, Role.TRAINEE, Role.HOST_CONTACT},
    # Evaluation rounds: managed by the department, read by the auditor, rated by account raters.
    "evaluation:round_list": {Role.STAFF, Role.AUDITOR, Role.MENTOR, Role.INSPECTOR},
    "evaluation:round_create": {Role.STAFF},
    "evaluation:round_detail": {Role.STAFF, Role.AUDITOR},
    "evaluation:round_status": {Role.STAFF},
    "evaluation:item_save": {Role.STAFF},
    "evaluation:item_remove": {Role.STAFF},
    "evaluation:team_create": {Role.STAFF},
    "evaluation:round_team": {Role.STAFF, Role.AUDITOR},
    "evaluation:team_cover": {Role.STAFF},
    "evaluation:member_add": {Role.STAFF},
    "evaluation:member_remove": {Role.STAFF},
    "evaluation:conflict_declare": {Role.STAFF},
    "evaluation:conflict_withdraw": {Role.STAFF},
    "evaluation:rate": {Role.MENTOR, Role.INSPECTOR},
    "evaluation:rate_trainee": {Role.MENTOR, Role.INSPECTOR},
    # Public representatives' one-time links open to anyone, with or without an account.
    "evaluation:public_rate": {*Role.values, NO_ROLE},
    "evaluation:public_rate_session": {*Role.values, NO_ROLE},
    "evaluation:public_thanks": {*Role.values, NO_ROLE},
    # Activity groups: managed by the department, read by everyone who may open the activity.
    "activities:groups": set(ACTIVITY_READERS),
    "activities:groups_move": {Role.STAFF},
    "activities:group_edit": {Role.STAFF},
    "activities:groups_leaders": {Role.STAFF},
    "activities:groups_print": set(ACTIVITY_READERS),
    "evaluation:qr_sheet": {Role.STAFF},
    "evaluation:index": {Role.STAFF, Role.AUDITOR},
    # Activity scores: entered by assessors' roles (the activity narrows it), read by every
    # reader of the activities (object scope narrows it), exported by the department and auditor.
    "activities:score": set(ACTIVITY_ASSESSORS),
    "activities:score_entry": set(ACTIVITY_ASSESSORS),
    "activities:results": set(ACTIVITY_READERS),
    "activities:person": set(ACTIVITY_READERS),
    "activities:series_export": {Role.STAFF, Role.AUDITOR},
    # Empowerment activities: read by everyone they concern, managed by the department.
    "activities:series_list": set(ACTIVITY_READERS),
    "activities:series_create": {Role.STAFF},
    "activities:series_detail": set(ACTIVITY_READERS),
    "activities:series_edit": {Role.STAFF},
    "activities:series_rotation": {Role.STAFF, Role.AUDITOR},
    "activities:pair_rule_add": {Role.STAFF},
    "activities:pair_rule_delete": {Role.STAFF},
    "activities:activity_create": {Role.STAFF},
    "activities:activity_detail": set(ACTIVITY_READERS),
    "activities:activity_edit": {Role.STAFF},
    "activities:activity_status": {Role.STAFF},
}


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    view: Any


_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _sample_route(route: str) -> str:
    def value(match: re.Match[str]) -> str:
        return {"int": "1", "path": "1", "uuid": "00000000-0000-0000-0000-000000000001"}.get(
            match.group(1) or "str", "x1"
        )

    return _CONVERTER.sub(value, route)


def _sample_regex(regex: str) -> str:
    def value(match: re.Match[str]) -> str:
        body = match.group(2)
        if "|" in body:
            return body.split("|")[0]
        return "1" if "\\d" in body or body in (".+", ".*") else "x1"

    text = _GROUP.sub(value, regex)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Page]:
    for p in patterns:
        pattern = p.pattern
        raw = getattr(pattern, "_route", None)
        piece = _sample_route(raw) if raw is not None else _sample_regex(pattern._regex)
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, prefix + piece, full_ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield Page(name=name or prefix + piece, url="/" + prefix + piece, view=p.callback)


def all_pages() -> list[Page]:
    pages = {}
    for page in _walk(get_resolver().url_patterns):
        pages.setdefault(page.url, page)
    return list(pages.values())


def _client_for(actor: str) -> Client:
    # The matrix is about who is admitted: a page that fails on the sample id
    # (a third-party admin view answering 500 for a missing object) still admitted.
    client = Client(raise_request_exception=False)
    if actor == ANONYMOUS:
        return client
    if actor == SUPERUSER:
        user = User.objects.create_superuser(username="root", password="Lianbing-2026!")
    elif actor == NO_ROLE:
        user = factories.account(None)
    else:
        kwargs: dict[str, Any] = {}
        if actor == Role.HOST_CONTACT:
            kwargs["unit_"] = factories.unit(kind="town")
        if actor == Role.MENTOR:
            from lianbing.people import services as people_services

            kwargs["mentor"] = people_services.mentor_create(
                code=f"M-{actor}", name="李俊", unit=factories.unit(kind="town")
            )
        if actor == Role.TRAINEE:
            kwargs["cadre_"] = factories.cadre(code="C-matrix")
        user = factories.account(actor, **kwargs)
    client.force_login(user)
    return client


def _denied_by_policy(url: str) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.ACCESS, result=AuditResult.DENIED, path__startswith=url
    ).exists()


def test_every_url_pattern_declares_an_access_policy() -> None:
    missing = [page.name for page in all_pages() if policy_of(page.view, resolve(page.url)) is None]

    assert missing == [], f"views without an access policy: {missing}"


def test_the_matrix_covers_the_expected_pages() -> None:
    names = {page.name for page in all_pages()}

    assert set(EXPECTED) <= names


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_is_admitted_exactly_where_its_policy_says(actor: str) -> None:
    client = _client_for(actor)
    user = client.session.get("_auth_user_id")
    user_obj = User.objects.filter(pk=user).first() if user else None
    failures: list[str] = []

    for page in all_pages():
        policy = policy_of(page.view, resolve(page.url))
        admitted = (
            policy is not None and policy.permits(user_obj)
            if user_obj
            else bool(policy and policy.public)
        )
        response = client.get(page.url)  # GET never signs out: logout is POST-only
        denied = response.status_code == 403 and _denied_by_policy(page.url)
        if admitted and denied:
            failures.append(f"{page.name} refused")
        if not admitted:
            refused = denied or (
                actor == ANONYMOUS
                and response.status_code == 302
                and "/login/" in response["Location"]
            )
            if not refused:
                failures.append(
                    f"{page.name} answered {response.status_code} {response.get('Location', '')}"
                )

    assert failures == [], failures


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != ANONYMOUS])
def test_the_intended_roles_open_each_foundation_page(actor: str) -> None:
    client = _client_for(actor)
    roles = {Role.STAFF, Role.SYSTEM_ADMIN} if actor == SUPERUSER else {actor}
    pages = {page.name: page for page in all_pages()}

    outcome = {
        name: client.get(pages[name].url).status_code != 403
        or not _denied_by_policy(pages[name].url)
        for name in EXPECTED
    }

    assert outcome == {name: bool(allowed & roles) for name, allowed in EXPECTED.items()}
