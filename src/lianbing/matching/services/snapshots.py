"""A run's stored outcome: its snapshot, the decisions behind it, its placement rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from lianbing.engine import pipeline, scoring

from .. import adapters
from ..models import Decision, DecisionKind, MatchRun, RunCandidate, RunPlacement, RunSnapshot
from .guards import MatchingError


def load_snapshot(run: MatchRun) -> adapters.Snapshot:
    try:
        row = RunSnapshot.objects.defer("matrices").get(run=run)
    except RunSnapshot.DoesNotExist:
        raise MatchingError(_("该方案还没有计算结果，请等待计算完成。")) from None
    return adapters.snapshot_from_row(row.inputs, read_matrices(run.pk), row.state)


def read_matrices(run_pk: int) -> bytes:
    """A run's score archive as stored (140 MB at province scale).

    Django's PostgreSQL cursors take a ``bytea`` as hex text, twice its size,
    before decoding it; on PostgreSQL the archive is read as a binary result
    on the same connection instead.
    """
    if connection.vendor != "postgresql":
        data = RunSnapshot.objects.filter(run_id=run_pk).values_list("matrices", flat=True).get()
        return bytes(data)
    import psycopg

    table = RunSnapshot._meta.db_table
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"SELECT matrices FROM {table} WHERE run_id = %s", [run_pk], binary=True)
        found = cursor.fetchone()
    if found is None:
        raise MatchingError(_("该方案还没有计算结果，请等待计算完成。"))
    return bytes(found[0])


def decision_mask(
    snap: adapters.Snapshot, decisions: Sequence[Decision], *, stored_outcome: bool = False
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The allowed mask after the decisions in force, and the pinned (cadre, post) index pairs.

    Withdrawn decisions are skipped, whoever passes them, except with
    ``stored_outcome``: the export rebuilds the mask the run's stored placement
    was solved under, which still honours a withdrawal no re-optimisation has
    taken in yet (see :func:`decisions_in_stored_outcome`).
    """
    allowed = snap.matrix.allowed.copy()
    pins: list[tuple[int, int]] = []
    for d in decisions:
        if d.withdrawn_at is not None and not stored_outcome:
            continue
        i = snap.cadre_index(d.cadre_id)
        j = snap.post_index(d.post_id) if d.post_id else None
        if i is None:
            continue
        if d.kind == DecisionKind.EXCLUDE:
            allowed[i, :] = False
        elif d.kind == DecisionKind.FORBID and j is not None:
            allowed[i, j] = False
        elif d.kind == DecisionKind.PIN and j is not None:
            pins.append((i, j))
    return allowed, pins


def decisions_in_stored_outcome(run: MatchRun) -> list[Decision]:
    """The decisions the run's stored placement was solved under.

    Those a re-optimisation used, including one withdrawn since whose
    withdrawal no re-optimisation has taken in yet: until then the stored
    placement still honours it, and the export describes the stored placement.
    """
    return list(run.decisions.filter(applied_at__isnull=False, withdrawal_applied_at__isnull=True))


def store_outcome(
    run: MatchRun,
    cadre_pks: Sequence[int],
    post_pks: Sequence[int],
    result: pipeline.MatchResult,
    *,
    pinned: set[tuple[int, int]],
) -> None:
    """Replace the run's placement and balance-table rows and figures by ``result``'s."""
    m = result.scores
    a = result.assignment
    run.placements.all().delete()
    run.candidates.all().delete()
    RunPlacement.objects.bulk_create(
        RunPlacement(
            run=run,
            cadre_id=cadre_pks[i],
            post_id=post_pks[j],
            pinned=(i, j) in pinned,
            **_pair_scores(m, i, j),
        )
        for i, j in result.placed()
    )
    RunCandidate.objects.bulk_create(
        RunCandidate(
            run=run,
            post_id=post_pks[j],
            cadre_id=cadre_pks[i],
            rank=rank,
            recommended=int(a.post_of[i]) == j,
            **_pair_scores(m, i, j),
        )
        for j, candidates in enumerate(result.shortlist.candidates)
        for rank, i in enumerate(candidates, start=1)
    )
    run.total = float(a.total)
    run.greedy_total = float(a.greedy_total)
    run.optimal = bool(a.optimal)
    run.solver_status = a.status
    run.solver_reason = a.reason
    run.filled = int(a.filled)


def _pair_scores(m: scoring.ScoreMatrix, i: int, j: int) -> dict[str, float]:
    return {
        "total": round(float(m.total[i, j]), 2),
        "fit": round(float(m.fit[i, j]), 2),
        "development": round(float(m.development[i, j]), 2),
        "complement": round(float(m.complement[i, j]), 2),
    }
