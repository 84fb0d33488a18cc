"""Writes of programs and posts."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import transaction

from lianbing.engine import taxonomy
from lianbing.engine.profiles import PostProfile
from lianbing.people import versioning
from lianbing.people.models import Cadre, Mentor, Unit

from .adapters import post_field_values
from .models import Post, PostCoreAbility, Program


@transaction.atomic
def program_create(*, name: str, started_on: datetime.date, ended_on: datetime.date) -> Program:
    """Open a training batch."""
    program = Program(name=name, started_on=started_on, ended_on=ended_on)
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def program_add_cadres(*, program: Program, cadres: Iterable[Cadre]) -> None:
    """Put cadres into the program's pool."""
    program.cadres.add(*cadres)


@transaction.atomic
def post_create(
    *, program: Program, profile: PostProfile, unit: Unit, mentor: Mentor | None = None
) -> Post:
    """Create a post of the program from its profile, with its weighted core abilities."""
    post = Post(
        **post_field_values(profile),
        program=program,
        unit=unit,
        category=taxonomy.category(profile.category).code,
        mentor=mentor,
    )
    post.full_clean()
    post.save()
    for ability_key, weight in profile.core_abilities:
        core = PostCoreAbility(
            post=post,
            ability=taxonomy.ability(ability_key).code,
            weight=Decimal(str(round(weight, 1))),
        )
        core.full_clean()
        core.save()
    return post


@transaction.atomic
def post_set_preferred_by(*, post: Post, cadres: Iterable[Cadre]) -> None:
    """Record which cadres asked for this post (志愿岗位)."""
    post.preferred_by.set(list(cadres))


@transaction.atomic
def post_save(
    *,
    post: Post,
    version: int | None,
    token: str,
    values_of: Callable[[Post], versioning.Values],
) -> Post:
    """Save a post edited in a form loaded at ``version``; refused if someone saved since.

    Raises :class:`versioning.RecordChangedError` naming what changed.
    """
    return versioning.versioned_save(
        instance=post, version=version, token=token, values_of=values_of
    )
