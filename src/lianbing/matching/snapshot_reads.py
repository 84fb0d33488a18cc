"""Parts of a run's snapshot, read without loading the whole of it.

At province scale a snapshot holds 10,000 cadre profiles (8 MB of JSON) and
score matrices of 20 million pairs (about 100 MB compressed); a pair's panel
needs two indices, one column of scores and a handful of profiles. Those are
read in place: the row and column pks and the few profiles by JSON paths on
the stored ``inputs``, the column by reading parts of the stored archive
(``substr``; on PostgreSQL it reads only the chunks of the ``bytea`` it covers).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping
from typing import Any

from django.db import connection

from lianbing.engine import scoring
from lianbing.engine.profiles import CadreProfile, PostProfile

from . import adapters
from .models import MatchRun, RunSnapshot

_TABLE = RunSnapshot._meta.db_table


#: The pks of a run's cadres and posts in matrix order, by (run pk, run creation time).
#: A run's inputs are written once, when it is computed (a re-optimisation
#: rewrites only the state), so a process keeps the last few runs' pks instead
#: of unpacking the stored inputs for them on every request.
_PKS: OrderedDict[tuple[int, Any], tuple[list[int], list[int]]] = OrderedDict()
_PKS_KEPT = 4
_PKS_LOCK = threading.Lock()


def _pks(run: MatchRun, state: Mapping[str, Any]) -> tuple[list[int], list[int]] | None:
    key = (run.pk, run.created_at)
    with _PKS_LOCK:
        kept = _PKS.get(key)
        # A guard against a run deleted and another made with its pk and time:
        # the kept pks must fit the stored state.
        if kept is not None and len(kept[0]) == len(state.get("post_of", ())):
            _PKS.move_to_end(key)
            return kept
    row = (
        RunSnapshot.objects.filter(run_id=run.pk)
        .values_list("inputs__cadre_pks", "inputs__post_pks")
        .first()
    )
    if row is None or row[0] is None:
        return None
    found = (list(row[0]), list(row[1]))
    with _PKS_LOCK:
        _PKS[key] = found
        while len(_PKS) > _PKS_KEPT:
            _PKS.popitem(last=False)
    return found


class SnapshotParts:
    """What one request reads of ``run``'s snapshot: its state and pks at once, the rest asked."""

    def __init__(self, run: MatchRun) -> None:
        self.run_pk = run.pk
        self._postgres = connection.vendor == "postgresql"
        state = RunSnapshot.objects.filter(run_id=run.pk).values_list("state", flat=True).first()
        pks = _pks(run, state) if state is not None else None
        self.state: Mapping[str, Any] | None = state if pks is not None else None
        self._cadre_pks: list[int] = pks[0] if pks else []
        self._post_pks: list[int] = pks[1] if pks else []

    def exists(self) -> bool:
        return self.state is not None

    def cadre_index(self, pk: int) -> int | None:
        try:
            return self._cadre_pks.index(pk)
        except ValueError:
            return None

    def post_index(self, pk: int) -> int | None:
        try:
            return self._post_pks.index(pk)
        except ValueError:
            return None

    def column(self, j: int) -> scoring.ScoreMatrix:
        """Column ``j`` of the score matrices (a matrix of one column)."""

        def read(offset: int, length: int) -> bytes:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT substr(matrices, %s, %s) FROM {_TABLE} WHERE run_id = %s",
                    [offset + 1, length, self.run_pk],
                )
                return bytes(cursor.fetchone()[0])

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT length(matrices) FROM {_TABLE} WHERE run_id = %s", [self.run_pk]
            )
            size = int(cursor.fetchone()[0])
        return adapters.matrices_column(read, size, j)

    def profiles(
        self, rows: Collection[int], columns: Collection[int]
    ) -> tuple[dict[int, CadreProfile], dict[int, PostProfile]]:
        """The cadre profiles at ``rows`` and the post profiles at ``columns``."""
        rows, columns = sorted({int(i) for i in rows}), sorted({int(j) for j in columns})
        snapshot = RunSnapshot.objects.filter(run_id=self.run_pk)
        if self._postgres:
            # One JSON path per list on the stored JSON unpacked once: the
            # subquery (kept apart by OFFSET 0) makes an in-memory copy that
            # both paths read, where two paths on the column unpack it twice.
            def path(key: str, indices: list[int]) -> str:
                return f"$.{key}[{','.join(str(k) for k in indices)}]"

            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT jsonb_path_query_array(x, %s::jsonpath),"
                    " jsonb_path_query_array(x, %s::jsonpath)"
                    f" FROM (SELECT inputs || '{{}}'::jsonb AS x FROM {_TABLE}"
                    " WHERE run_id = %s OFFSET 0) AS s",
                    [path("cadres", rows), path("posts", columns), self.run_pk],
                )
                found = cursor.fetchone()
            cadres, posts = list(_json(found[0])), list(_json(found[1]))
        else:
            paths = [
                *(f"inputs__cadres__{i}" for i in rows),
                *(f"inputs__posts__{j}" for j in columns),
            ]
            values = snapshot.values_list(*paths).get()
            cadres, posts = list(values[: len(rows)]), list(values[len(rows) :])
        return (
            {i: adapters.cadre_from_json(v) for i, v in zip(rows, cadres, strict=True)},
            {j: adapters.post_from_json(v) for j, v in zip(columns, posts, strict=True)},
        )


def _json(value: Any) -> Any:
    """A jsonb value as the driver hands it: already decoded, or text."""
    return json.loads(value) if isinstance(value, str | bytes) else value
