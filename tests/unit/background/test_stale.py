"""The rule that a job running past the limit has lost its worker (no database)."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from lianbing.background import stale

NOW = datetime.datetime(2026, 3, 15, 9, 30, tzinfo=datetime.UTC)


def _ago(**delta: float) -> datetime.datetime:
    return NOW - datetime.timedelta(**delta)


def test_a_job_started_more_than_the_limit_ago_is_stale() -> None:
    assert stale.is_stale(_ago(minutes=31), NOW, 30)
    assert stale.is_stale(_ago(minutes=30, seconds=1), NOW, 30)
    assert stale.is_stale(_ago(days=2), NOW, 30)


def test_a_job_started_within_the_limit_is_not_stale() -> None:
    assert not stale.is_stale(_ago(minutes=29, seconds=59), NOW, 30)
    assert not stale.is_stale(_ago(minutes=30), NOW, 30)
    assert not stale.is_stale(NOW, NOW, 30)


def test_a_job_that_never_started_is_never_stale() -> None:
    assert not stale.is_stale(None, NOW, 30)
    assert not stale.is_stale(None, NOW + datetime.timedelta(days=365), 1)


def test_the_limit_is_the_one_passed_in() -> None:
    started = _ago(minutes=10)

    assert stale.is_stale(started, NOW, 5)
    assert not stale.is_stale(started, NOW, 15)


def test_the_time_zone_of_the_start_does_not_matter() -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))

    assert stale.is_stale(_ago(minutes=31).astimezone(shanghai), NOW, 30)
    assert not stale.is_stale(_ago(minutes=29).astimezone(shanghai), NOW, 30)


@given(
    seconds=st.integers(min_value=0, max_value=10 * 24 * 3600),
    minutes=st.integers(min_value=1, max_value=24 * 60),
)
def test_stale_means_started_before_the_cutoff(seconds: int, minutes: int) -> None:
    started = _ago(seconds=seconds)

    assert stale.is_stale(started, NOW, minutes) == (seconds > minutes * 60)
    assert stale.is_stale(started, NOW, minutes) == (started < stale.started_before(NOW, minutes))


def test_the_messages_name_the_limit_and_say_what_to_do() -> None:
    assert (
        stale.stopped_message(30) == "后台任务超过 30 分钟未完成，可能已中断，已停止。请重新提交。"
    )
    assert (
        stale.stale_hint(30)
        == "已运行超过 30 分钟，后台可能已中断。可点击“取消”停止它，然后重新提交。"
    )
    assert "超过 45 分钟" in stale.stopped_message(45)
    assert "超过 45 分钟" in stale.stale_hint(45)
