"""Writes of programs and posts."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
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


#: Rows a bulk write sends in one INSERT (below SQLite's variable limit at every width).
BULK_BATCH = 500


@transaction.atomic
def posts_create_many(
    *, program: Program, rows: Sequence[tuple[PostProfile, Unit, Mentor | None]]
) -> tuple[list[Post], list[PostCoreAbility]]:
    """:func:`post_create` for many posts at once: a few INSERTs per batch, not per row.

    The caller has already checked each profile's values with the model's
    ``full_clean`` (the import's check does, listing every bad cell before
    anything is written). Bulk inserts send no signals: the caller records the
    audit lines of the returned posts and core abilities.
    """
    posts = [
        Post(
            **post_field_values(profile),
            program=program,
            unit=unit,
            category=taxonomy.category(profile.category).code,
            mentor=mentor,
        )
        for profile, unit, mentor in rows
    ]
    Post.objects.bulk_create(posts, batch_size=BULK_BATCH)
    cores = [
        PostCoreAbility(
            post=post,
            ability=taxonomy.ability(ability_key).code,
            weight=Decimal(str(round(weight, 1))),
        )
        for post, (profile, _u, _m) in zip(posts, rows, strict=True)
        for ability_key, weight in profile.core_abilities
    ]
    PostCoreAbility.objects.bulk_create(cores, batch_size=BULK_BATCH)
    return posts, cores


@transaction.atomic
def program_set_preferences(
    *, program: Program, cadres: Iterable[Cadre], wanted: Mapping[str, set[int]]
) -> None:
    """The 志愿岗位 of ``cadres`` in this program become exactly ``wanted`` (post code -> cadre ids).

    Other cadres' preferences are left alone; one DELETE per batch of cadres
    and bulk INSERTs, rather than one ``set`` per post.
    """
    through = Post.preferred_by.through
    ids = [c.pk for c in cadres]
    for start in range(0, len(ids), BULK_BATCH):
        through.objects.filter(
            post__program=program, cadre_id__in=ids[start : start + BULK_BATCH]
        ).delete()
    post_ids = dict(
        Post.objects.filter(program=program, code__in=list(wanted)).values_list("code", "pk")
    )
    through.objects.bulk_create(
        [
            through(post_id=post_ids[code], cadre_id=cadre_id)
            for code, cadre_ids in wanted.items()
            for cadre_id in sorted(cadre_ids)
        ],
        batch_size=BULK_BATCH,
    )
