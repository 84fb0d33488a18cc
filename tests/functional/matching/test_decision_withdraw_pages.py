"""Withdrawing a review decision from the pair panel and the run page, with and without htmx."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.matching.models import Decision, MatchRun
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _placed_pair(run: MatchRun) -> tuple[int, int]:
    placement = run.placements.first()
    assert placement is not None
    return placement.cadre_id, placement.post_id


def _forbid(staff: Client, run: MatchRun, cadre_id: int, post_id: int) -> Decision:
    response = staff.post(
        reverse("matching:decision_create", args=[run.pk]),
        {"kind": "forbid", "cadre": cadre_id, "post": post_id, "reason": "需回避"},
        **HTMX,
    )
    assert response["HX-Trigger"] == "decisionRecorded"
    return run.decisions.get(kind="forbid", cadre_id=cadre_id, post_id=post_id, withdrawn_at=None)


def _url(decision: Decision) -> str:
    return reverse("matching:decision_withdraw", args=[decision.run_id, decision.pk])


def _decision_item(page: str, decision: Decision) -> str:
    match = re.search(rf'<li [^>]*data-decision="{decision.pk}".*?</li>', page, re.S)
    assert match is not None, page
    return match.group(0)


def _balance(staff: Client, run: MatchRun) -> str:
    return staff.get(reverse("matching:balance", args=[run.pk])).content.decode()


def test_the_pair_panel_offers_to_withdraw_each_decision_in_force(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)

    page = staff.get(reverse("matching:pair", args=[run.pk, cadre_id, post_id]), **HTMX)

    item = _decision_item(page.content.decode(), decision)
    assert f'hx-post="{_url(decision)}"' in item
    assert 'hx-target="#pair-panel"' in item
    assert "撤销的理由</label>" in item
    assert 'name="reason"' in item
    assert " required " in item
    assert "撤销决定</button>" in item
    assert f'name="return_post" value="{post_id}"' in item


def test_withdrawing_in_the_pair_panel_strikes_the_decision_through_and_refreshes_the_table(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    assert "待纳入优化的研判决定：0 项" in _balance(staff, run)

    response = staff.post(
        _url(decision), {"reason": "回避情形已消除", "return_post": post_id}, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "decisionRecorded"
    assert "<html" not in page
    assert 'data-testid="pair-detail"' in page
    item = _decision_item(page, decision)
    assert 'data-withdrawn="1"' in item
    assert "text-decoration-line-through" in item
    assert re.search(r"已于 \d{4}-\d\d-\d\d \d\d:\d\d 由 干部科 撤销：回避情形已消除", item)
    assert "（待重新优化）" in item
    assert "撤销决定</button>" not in item
    assert "请点击“重新优化”，使配置方案不再受它约束" in page
    decision.refresh_from_db()
    assert decision.withdrawn_by is not None
    assert decision.withdrawn_by.username == "ganbuke"
    # What the table fetches on the event: the withdrawal is pending.
    assert "待纳入优化的研判决定：1 项" in _balance(staff, run)


def test_a_withdrawal_with_no_reason_gets_a_chinese_message_in_the_panel(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)

    response = staff.post(_url(decision), {"reason": " ", "return_post": post_id}, **HTMX)

    page = response.content.decode()
    assert 'data-testid="decision-error"' in page
    assert "请写明撤销的理由" in page
    assert "HX-Trigger" not in response
    assert "撤销决定</button>" in _decision_item(page, decision)
    decision.refresh_from_db()
    assert decision.withdrawn_at is None


def test_without_htmx_a_withdrawal_from_the_pair_returns_to_the_balance_table_with_a_message(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)

    response = staff.post(
        _url(decision), {"reason": "研究后不再回避", "return_post": post_id}, follow=True
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("matching:balance", args=[run.pk])
    assert "已撤销研判决定。它还没有纳入优化，配置方案无需调整。" in page
    assert "待纳入优化的研判决定：0 项" in page
    decision.refresh_from_db()
    assert decision.withdraw_reason == "研究后不再回避"


def test_the_run_page_lists_decisions_with_a_withdraw_form_and_withdrawn_ones_struck_through(
    staff: Client, run: MatchRun
) -> None:
    (a, post_a), (b, post_b) = list(run.placements.values_list("cadre_id", "post_id"))[:2]
    kept = _forbid(staff, run, a, post_a)
    withdrawn = _forbid(staff, run, b, post_b)
    staff.post(_url(withdrawn), {"reason": "误操作"})

    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    kept_item = _decision_item(page, kept)
    assert f'hx-post="{_url(kept)}"' in kept_item
    assert 'hx-target="#run-decisions"' in kept_item
    assert "撤销决定</button>" in kept_item
    assert "待重新优化" in kept_item
    withdrawn_item = _decision_item(page, withdrawn)
    assert "text-decoration-line-through" in withdrawn_item
    assert "撤销：误操作" in withdrawn_item
    assert "撤销决定</button>" not in withdrawn_item
    assert "有 1 项研判决定（或其撤销）尚未纳入优化" in page


def test_withdrawing_on_the_run_page_with_htmx_updates_the_list_and_the_finalise_warning(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    before = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()
    assert 'data-testid="finalise-pending"' not in before

    response = staff.post(_url(decision), {"reason": "常委会改变意见"}, **HTMX)

    page = response.content.decode()
    assert response["HX-Trigger"] == "decisionRecorded"
    assert page.lstrip().startswith('<div id="run-decisions">')
    assert "撤销：常委会改变意见" in _decision_item(page, decision)
    assert '<div id="pending-decisions" hx-swap-oob="true">' in page
    assert "有 1 项研判决定（或其撤销）尚未纳入优化" in page


def test_without_htmx_a_withdrawal_on_the_run_page_returns_to_it_with_a_message(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    staff.post(_url(decision), {"reason": "第一次"})

    response = staff.post(_url(decision), {"reason": "第二次"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("matching:run_detail", args=[run.pk])
    assert "无需再撤销" in response.content.decode()
    decision.refresh_from_db()
    assert decision.withdraw_reason == "第一次"


def test_finalising_after_withdrawing_an_applied_decision_asks_to_reoptimise_first(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    staff.post(_url(decision), {"reason": "撤回"}, **HTMX)

    refused = staff.post(
        reverse("matching:finalise", args=[run.pk]), {"confirm": "on"}, follow=True
    )
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    accepted = staff.post(
        reverse("matching:finalise", args=[run.pk]), {"confirm": "on"}, follow=True
    )

    assert "没有纳入优化" in refused.content.decode()
    assert "练兵安排已生成" in accepted.content.decode()
    run.refresh_from_db()
    assert run.is_finalised
    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()
    assert "撤销决定</button>" not in page
    assert "撤销：撤回" in _decision_item(page, decision)


def test_a_withdrawal_is_one_update_in_the_audit_trail_under_the_withdrawing_user(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)

    staff.post(_url(decision), {"reason": "撤回", "return_post": post_id}, **HTMX)

    events = list(
        AuditEvent.objects.filter(
            object_type="matching.Decision",
            object_id=str(decision.pk),
            action=AuditAction.UPDATE,
        )
    )
    assert len(events) == 1
    assert events[0].username == "ganbuke"
    assert events[0].path == _url(decision)


def test_the_print_page_keeps_withdrawn_decisions_struck_through_with_who_and_why(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    staff.post(_url(decision), {"reason": "撤回"})

    page = staff.get(reverse("matching:print", args=[run.pk])).content.decode()

    assert "<s>需回避</s>" in page
    assert re.search(r"已于 [\d\- :]+ 由 干部科 撤销：撤回", page)


def test_withdrawing_is_for_department_staff_and_the_runs_own_decisions(
    client: Client, staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)
    decision = _forbid(staff, run, cadre_id, post_id)
    other = factories.match_run(factories.staff_user("zuzhibu2"))
    client.force_login(User.objects.create_user(username="mentor1", password="x-Lianbing-1"))

    assert client.post(_url(decision), {"reason": "撤回"}).status_code == 403
    assert (
        staff.post(
            reverse("matching:decision_withdraw", args=[other.pk, decision.pk]), {"reason": "撤回"}
        ).status_code
        == 404
    )
    assert staff.get(_url(decision)).status_code == 405
    decision.refresh_from_db()
    assert decision.withdrawn_at is None
