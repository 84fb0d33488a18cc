"""Parts of a run's snapshot, read without loading the whole of it.

At province scale a snapshot holds 10,000 cadre profiles (8 MB of JSON) and
score matrices of 20 million pairs (about 100 MB compressed); a pair's panel
needs two indices, one column of scores and a handful of profiles. Those are
read in place: the row and column pks and the few profiles by JSON paths on
the stored ``inputs``, the column by reading parts of the stored archive
(``substr``; on PostgreSQL it reads only the chunks of the ``bytea`` it covers).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import connection
from django.db.models import Func, JSONField, Value

from lianbing.engine import scoring
from lianbing.engine.profiles import CadreProfile, PostProfile

from . import adapters
from .models import MatchRun, RunSnapshot

_TABLE = RunSnapshot._meta.db_table


class SnapshotParts:
    """What one request reads of ``run``'s snapshot: its state and pks at once, the rest asked."""

    def __init__(self, run: MatchRun) -> None:
        self.run_pk = run.pk
        self._postgres = connection.vendor == "postgresql"
        row = (
            RunSnapshot.objects.filter(run_id=run.pk)
            .values_list("state", "inputs__cadre_pks", "inputs__post_pks")
            .first()
        )
        self.state: Mapping[str, Any] | None = row[0] if row else None
        self._cadre_pks: list[int] = list(row[1]) if row else []
        self._post_pks: list[int] = list(row[2]) if row else []

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
            # One JSON path per list (each unpacks the stored JSON once).
            def items(key: str, indices: list[int]) -> Func:
                path = f"$.{key}[{','.join(str(k) for k in indices)}]"
                return Func(
                    "inputs",
                    Value(path),
                    function="jsonb_path_query_array",
                    template="%(function)s(%(expressions)s::jsonpath)",
                    output_field=JSONField(),
                )

            found = snapshot.values_list(items("cadres", rows), items("posts", columns)).get()
            cadres, posts = list(found[0]), list(found[1])
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
