"""A pair's panel reads one column block and a few profiles of the run's snapshot, not all of it.

At province scale the snapshot's score archive is about 100 MB and its
profiles 8 MB of JSON; reading them whole took seconds a click. The panel
must still say exactly what the whole snapshot says.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianbing.engine import scoring
from lianbing.matching import adapters
from lianbing.matching.models import MatchRun, RunSnapshot
from lianbing.matching.pair_detail import pair_detail
from lianbing.matching.services.snapshots import load_snapshot
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked_run(monkeypatch: pytest.MonkeyPatch) -> MatchRun:
    """Twelve posts stored in blocks of five columns (three blocks, the last one short)."""
    monkeypatch.setattr(adapters, "BLOCK_POSTS", 5)
    return factories.match_run(factories.staff_user("shengwei"), cadres=9, posts=12)


def _runner_up(snap: adapters.Snapshot, i: int, j: int) -> int:
    holders = [k for k, p in enumerate(snap.state["post_of"]) if p == j]
    column = np.where(snap.matrix.allowed[:, j], snap.matrix.total[:, j], -np.inf)
    column[holders] = -np.inf
    return int(np.argmax(column))


def test_the_archive_is_stored_in_column_blocks(blocked_run: MatchRun) -> None:
    data = bytes(RunSnapshot.objects.get(run=blocked_run).matrices)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()

    assert {"total-00000.npy", "total-00001.npy", "total-00002.npy"} <= set(names)
    assert "total.npy" not in names


def test_every_pair_reads_as_the_whole_snapshot_says(blocked_run: MatchRun) -> None:
    snap = load_snapshot(blocked_run)
    m = snap.matrix
    for j in (0, 4, 5, 11):  # the first and last column of a block, the short last block
        for i in (0, 4, 8):
            p = pair_detail(run=blocked_run, cadre_id=snap.cadre_pks[i], post_id=snap.post_pks[j])
            assert p is not None
            assert p.cadre == snap.cadres[i]
            assert p.post == snap.posts[j]
            assert p.scores == {
                "total": float(m.total[i, j]),
                "fit": float(m.fit[i, j]),
                "development": float(m.development[i, j]),
                "complement": float(m.complement[i, j]),
            }
            assert p.sentences == scoring.explain(snap.cadres[i], snap.posts[j], m, i, j)
            assert p.category_label.strip()
            assert p.placed_here == (snap.state["post_of"][i] == j)
            if p.placed_here and p.comparison is not None:
                other = snap.cadres[_runner_up(snap, i, j)].name
                assert (p.comparison.placed_name, p.comparison.other_name) == (
                    snap.cadres[i].name,
                    other,
                )


def test_the_panel_reads_neither_the_whole_archive_nor_all_profiles(
    blocked_run: MatchRun,
) -> None:
    cadre_id, post_id = blocked_run.placements.values_list("cadre_id", "post_id").first()

    with CaptureQueriesContext(connection) as captured:
        assert pair_detail(run=blocked_run, cadre_id=cadre_id, post_id=post_id) is not None

    selects = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in selects if '"matching_runsnapshot"."matrices"' in sql]
    assert not [sql for sql in selects if '"matching_runsnapshot"."inputs" AS' in sql]
    assert not [sql for sql in selects if '"matching_runsnapshot"."inputs" FROM' in sql]


def test_an_archive_written_whole_is_still_read(blocked_run: MatchRun) -> None:
    """Snapshots written before the blocks keep each matrix whole (``total.npy``)."""
    snap = load_snapshot(blocked_run)
    m = snap.matrix
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        fit=m.fit,
        development=m.development,
        complement=m.complement,
        total=m.total,
        forbidden_reason=m.forbidden_reason,
    )
    RunSnapshot.objects.filter(run=blocked_run).update(matrices=buffer.getvalue())

    whole = adapters.matrices_from_bytes(buffer.getvalue())
    assert np.array_equal(whole.total, m.total)
    assert whole.footing is None
    p = pair_detail(run=blocked_run, cadre_id=snap.cadre_pks[2], post_id=snap.post_pks[7])
    assert p is not None
    assert p.scores["total"] == float(m.total[2, 7])
    assert not p.on_footing


def test_a_runs_pks_are_read_once_a_process_and_never_mixed_between_runs(
    blocked_run: MatchRun,
) -> None:
    other = factories.match_run(factories.staff_user("shiwei"), cadres=6, posts=4)
    first = blocked_run.placements.values_list("cadre_id", "post_id").first()
    pair_detail(run=blocked_run, cadre_id=first[0], post_id=first[1])

    with CaptureQueriesContext(connection) as captured:
        again = pair_detail(run=blocked_run, cadre_id=first[0], post_id=first[1])
    for cadre_id, post_id in other.placements.values_list("cadre_id", "post_id"):
        p = pair_detail(run=other, cadre_id=cadre_id, post_id=post_id)
        assert p is not None
        assert (p.cadre_pk, p.post_pk, p.placed_here) == (cadre_id, post_id, True)
    # The first run's pairs are not found in the other run, nor the other way round.
    assert pair_detail(run=other, cadre_id=first[0], post_id=first[1]) is None

    assert again is not None
    assert not [q for q in captured.captured_queries if "cadre_pks" in q["sql"]]


def test_the_inputs_are_compressed_with_lz4_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("LZ4 compression of a column is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'matching_runsnapshot'::regclass AND attname = 'inputs'"
        )
        (method,) = cursor.fetchone()
    assert method == "l"
