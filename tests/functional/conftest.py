"""Fixtures of the page tests: a signed-in staff client and a computed run."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from lianbing.matching.models import MatchRun
from tests import factories


@pytest.fixture
def staff(user: User) -> Client:
    """A client signed in as ``user`` (a module may override ``user`` with another staff account)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run() -> MatchRun:
    """A run of five cadres on three posts, computed by another staff member, ``zuzhibu``."""
    return factories.match_run(factories.staff_user("zuzhibu"))
