"""Conversions between ORM rows and the engine's types, and the run snapshot's format.

Cadres become :class:`CadreProfile` with their newest ability assessment;
posts become :class:`PostProfile` with their weighted core abilities. A
snapshot keeps the profiles as JSON and the score matrices as a compressed
numpy archive, so a run can be explained, re-optimised and exported exactly
as it was computed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import assignment, pipeline, scoring, shortlist
from lianbing.engine.footing import Footing
from lianbing.engine.profiles import CadreProfile, PostProfile

from .models import MatchRun

_MATRIX_NAMES = ("fit", "development", "complement", "total", "forbidden_reason")
#: Kept beside the matrices since the pair scores were put on a common footing
#: (issue 10): without them a pair's contributions in points, the sensitivity
#: and the 以事择人 tier cannot be recomputed. Snapshots written before lack them
#: and are read without (the engine then explains with the raw components).
_FOOTING_NAMES = ("centre", "spread", "weights", "effective")


def match_params(run: MatchRun) -> pipeline.MatchParams:
    """The engine parameters a run stands for (raises ValueError with a Chinese message)."""
    return pipeline.MatchParams(
        weights=scoring.Weights(
            fit=run.weight_fit, development=run.weight_development, complement=run.weight_complement
        ),
        fit_floor=run.fit_floor,
        preference_bonus=run.preference_bonus,
        per_post=run.per_post,
        max_per_cadre=run.max_per_cadre,
        max_per_origin_unit=run.max_per_origin_unit,
        min_per_category=dict(run.min_per_category or {}),
        objective=run.objective,
    )


# --------------------------------------------------------------------- snapshot


def profiles_to_json(
    cadre_pks: Sequence[int],
    post_pks: Sequence[int],
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    categories: Sequence[str],
) -> dict[str, Any]:
    return {
        "cadre_pks": list(cadre_pks),
        "post_pks": list(post_pks),
        "cadres": [asdict(c) for c in cadres],
        "posts": [asdict(p) for p in posts],
        "categories": list(categories),
    }


def _cadre_from_json(data: Mapping[str, Any]) -> CadreProfile:
    return CadreProfile(
        **{
            **data,
            "abilities": tuple(data["abilities"]),
            "avoided_units": tuple(data["avoided_units"]),
            "preferred_posts": tuple(data["preferred_posts"]),
        }
    )


def _post_from_json(data: Mapping[str, Any]) -> PostProfile:
    return PostProfile(
        **{**data, "core_abilities": tuple((a, float(w)) for a, w in data["core_abilities"])}
    )


def matrices_to_bytes(matrix: scoring.ScoreMatrix) -> bytes:
    """The score matrices, the expertise tiers and the footing as a compressed archive."""
    arrays: dict[str, Any] = {name: getattr(matrix, name) for name in _MATRIX_NAMES}
    if matrix.tier is not None:
        arrays["tier"] = matrix.tier
    if matrix.footing is not None:
        for name in _FOOTING_NAMES:
            arrays[f"footing_{name}"] = np.array(getattr(matrix.footing, name), dtype=np.float64)
    buffer = io.BytesIO()
    # The archive np.savez_compressed writes, at deflate level 1 instead of its
    # default 6: at 10,000 x 2,000 it compresses in a third of the time (18 s
    # to 5 s on a loaded 2-core machine) for a 3% larger blob; np.load reads both.
    with zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True
    ) as archive:
        for name, values in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(values), allow_pickle=False)
    return buffer.getvalue()


def _triple(values: NDArray[np.float64]) -> tuple[float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]))


def matrices_from_bytes(data: bytes | memoryview) -> scoring.ScoreMatrix:
    """The archive of :func:`matrices_to_bytes`; an older one has no tier and no footing."""
    with np.load(io.BytesIO(bytes(data))) as archive:
        arrays = {name: archive[name] for name in _MATRIX_NAMES}
        stored = set(archive.files)
        tier = archive["tier"] if "tier" in stored else None
        footing = (
            Footing(**{name: _triple(archive[f"footing_{name}"]) for name in _FOOTING_NAMES})
            if all(f"footing_{name}" in stored for name in _FOOTING_NAMES)
            else None
        )
    reason = arrays["forbidden_reason"]
    return scoring.ScoreMatrix(
        **arrays, allowed=reason == scoring.ALLOWED, tier=tier, footing=footing
    )


def state_to_json(
    result: pipeline.MatchResult, pinned: Iterable[tuple[int, int]] = ()
) -> dict[str, Any]:
    a = result.assignment
    return {
        "post_of": [int(x) for x in a.post_of],
        "candidates": [list(c) for c in result.shortlist.candidates],
        "shortfall": {str(k): v for k, v in result.shortlist.shortfall.items()},
        "total": float(a.total),
        "greedy_total": float(a.greedy_total),
        "optimal": bool(a.optimal),
        "status": a.status,
        "reason": a.reason,
        "filled": int(a.filled),
        "pinned": [list(p) for p in pinned],
        # The largest total under the same mask (differs on a 稳定优先 run): the analysis reads it.
        "optimum_total": None if result.optimum_total is None else float(result.optimum_total),
    }


@dataclass(frozen=True)
class Snapshot:
    """A run's snapshot in engine types, with the pks of its rows and columns."""

    cadre_pks: tuple[int, ...]
    post_pks: tuple[int, ...]
    cadres: tuple[CadreProfile, ...]
    posts: tuple[PostProfile, ...]
    categories: tuple[str, ...]
    matrix: scoring.ScoreMatrix
    state: Mapping[str, Any]

    def cadre_index(self, pk: int) -> int | None:
        try:
            return self.cadre_pks.index(pk)
        except ValueError:
            return None

    def post_index(self, pk: int) -> int | None:
        try:
            return self.post_pks.index(pk)
        except ValueError:
            return None

    @property
    def seats(self) -> NDArray[np.int64]:
        return np.array([p.seats for p in self.posts], dtype=np.int64)

    def result(self, params: pipeline.MatchParams) -> pipeline.MatchResult:
        """The run's current result as the engine's :class:`MatchResult` (for the exports)."""
        s = self.state
        placement = assignment.Assignment(
            post_of=np.array(s["post_of"], dtype=np.int64),
            total=float(s["total"]),
            optimal=bool(s["optimal"]),
            status=assignment.SolverStatus(s["status"]),
            greedy_total=float(s["greedy_total"]),
            filled=int(s["filled"]),
            reason=str(s["reason"]),
        )
        balance = shortlist.Shortlist(
            candidates=[list(c) for c in s["candidates"]],
            shortfall={int(k): v for k, v in s["shortfall"].items()},
        )
        return pipeline.MatchResult(
            cadres=self.cadres,
            posts=self.posts,
            params=params,
            scores=self.matrix,
            assignment=placement,
            shortlist=balance,
            categories=self.categories,
            seats=self.seats,
        )


def snapshot_from_row(
    inputs: Mapping[str, Any], matrices: bytes | memoryview, state: Mapping[str, Any]
) -> Snapshot:
    return Snapshot(
        cadre_pks=tuple(inputs["cadre_pks"]),
        post_pks=tuple(inputs["post_pks"]),
        cadres=tuple(_cadre_from_json(c) for c in inputs["cadres"]),
        posts=tuple(_post_from_json(p) for p in inputs["posts"]),
        categories=tuple(inputs["categories"]),
        matrix=matrices_from_bytes(matrices),
        state=state,
    )
