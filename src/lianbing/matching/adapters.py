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
from collections.abc import Callable, Iterable, Mapping, Sequence
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


def cadre_from_json(data: Mapping[str, Any]) -> CadreProfile:
    return CadreProfile(
        **{
            **data,
            "abilities": tuple(data["abilities"]),
            "avoided_units": tuple(data["avoided_units"]),
            "preferred_posts": tuple(data["preferred_posts"]),
        }
    )


def post_from_json(data: Mapping[str, Any]) -> PostProfile:
    return PostProfile(
        **{**data, "core_abilities": tuple((a, float(w)) for a, w in data["core_abilities"])}
    )


#: Posts per block of the score archive: each matrix is kept in blocks of this
#: many columns, so that one post's column (a pair's panel) is read and
#: inflated from one block instead of the whole matrix (see :func:`matrices_column`).
BLOCK_POSTS = 20


def _write(archive: zipfile.ZipFile, name: str, values: Any) -> None:
    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array(member, np.asanyarray(values), allow_pickle=False)


def _read(archive: zipfile.ZipFile, name: str) -> NDArray[Any]:
    with archive.open(f"{name}.npy") as member:
        return np.lib.format.read_array(member, allow_pickle=False)


def _block(name: str, k: int) -> str:
    return f"{name}-{k:05d}"


def matrices_to_bytes(matrix: scoring.ScoreMatrix) -> memoryview:
    """The score matrices, the expertise tiers and the footing as a compressed archive.

    A view of the archive's buffer, not a copy of it (at province scale the
    archive is 140 MB, written while the worker still holds the matrices).

    Each matrix is written in blocks of :data:`BLOCK_POSTS` columns
    (``total-00000.npy``, ...), with the matrices' ``shape`` and the block
    width beside them.
    """
    matrices: dict[str, Any] = {name: getattr(matrix, name) for name in _MATRIX_NAMES}
    if matrix.tier is not None:
        matrices["tier"] = matrix.tier
    n_posts = int(matrix.total.shape[1])
    buffer = io.BytesIO()
    # Deflate level 1 instead of np.savez_compressed's 6: at 10,000 x 2,000 it
    # compresses in a third of the time (18 s to 5 s on a loaded 2-core machine)
    # for a 3% larger blob.
    with zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True
    ) as archive:
        _write(archive, "shape", np.array(matrix.total.shape, dtype=np.int64))
        _write(archive, "block_posts", np.array(BLOCK_POSTS, dtype=np.int64))
        for name, values in matrices.items():
            for k, start in enumerate(range(0, max(n_posts, 1), BLOCK_POSTS)):
                block = np.ascontiguousarray(values[:, start : start + BLOCK_POSTS])
                _write(archive, _block(name, k), block)
        if matrix.footing is not None:
            for name in _FOOTING_NAMES:
                values = np.array(getattr(matrix.footing, name), dtype=np.float64)
                _write(archive, f"footing_{name}", values)
    return buffer.getbuffer()


def _triple(values: NDArray[np.float64]) -> tuple[float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]))


def _footing(archive: zipfile.ZipFile, stored: set[str]) -> Footing | None:
    if not all(f"footing_{name}" in stored for name in _FOOTING_NAMES):
        return None
    return Footing(**{name: _triple(_read(archive, f"footing_{name}")) for name in _FOOTING_NAMES})


def _joined(archive: zipfile.ZipFile, name: str, shape: tuple[int, int], width: int) -> Any:
    """One matrix from its blocks, filled into one array (no second copy of the whole)."""
    out: NDArray[Any] | None = None
    for k, start in enumerate(range(0, max(shape[1], 1), width)):
        block = _read(archive, _block(name, k))
        if out is None:
            out = np.empty(shape, dtype=block.dtype)
        out[:, start : start + block.shape[1]] = block
    assert out is not None
    return out


def _score_matrix(arrays: dict[str, Any], footing: Footing | None) -> scoring.ScoreMatrix:
    tier = arrays.pop("tier", None)
    reason = arrays["forbidden_reason"]
    return scoring.ScoreMatrix(
        **arrays, allowed=reason == scoring.ALLOWED, tier=tier, footing=footing
    )


def matrices_from_bytes(data: bytes | memoryview) -> scoring.ScoreMatrix:
    """The archive of :func:`matrices_to_bytes`.

    Older archives hold each matrix whole (``total.npy``), and the oldest no
    tier and no footing; all are read.
    """
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        stored = {name.removesuffix(".npy") for name in archive.namelist()}
        names = [*_MATRIX_NAMES, *(["tier"] if "tier" in stored or "tier-00000" in stored else [])]
        if "block_posts" in stored:
            rows, cols = (int(v) for v in _read(archive, "shape"))
            width = int(_read(archive, "block_posts"))
            arrays = {name: _joined(archive, name, (rows, cols), width) for name in names}
        else:
            arrays = {name: _read(archive, name) for name in names}
        return _score_matrix(arrays, _footing(archive, stored))


class _Ranges(io.RawIOBase):
    """A read-only file over ``read(offset, length)``: a stored archive read in parts.

    :meth:`fetch` reads a part ahead in one call (the archive's directory, a
    member); reads within a fetched part are served from it.
    """

    def __init__(self, read: Callable[[int, int], bytes], size: int) -> None:
        self._read = read
        self.size = size
        self._pos = 0
        self._parts: list[tuple[int, bytes]] = []

    def fetch(self, offset: int, length: int) -> None:
        offset = max(0, offset)
        length = min(length, self.size - offset)
        if length > 0:
            self._parts.append((offset, self._read(offset, length)))

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        """Fills ``buffer`` up to the end of the archive (no short reads: zipfile expects none)."""
        length = min(len(buffer), self.size - self._pos)
        done = 0
        while done < length:
            pos = self._pos + done
            for start, data in self._parts:
                if start <= pos < start + len(data):
                    chunk = data[pos - start : pos - start + length - done]
                    break
            else:
                chunk = self._read(pos, length - done)
            if not chunk:
                break
            buffer[done : done + len(chunk)] = chunk
            done += len(chunk)
        self._pos += done
        return done


#: Read with the archive's end: its directory, even for a few thousand blocks.
_DIRECTORY_BYTES = 256 * 1024
#: Read with the archive's start: the small members written first (shape, block width).
_HEAD_BYTES = 4096
#: A member's local header: 30 bytes, its name and its extra field (zip64 sizes).
_LOCAL_HEADER_BYTES = 1024


def matrices_column(read: Callable[[int, int], bytes], size: int, j: int) -> scoring.ScoreMatrix:
    """Post ``j``'s column of every matrix, as a matrix of one column (index 0).

    ``read(offset, length)`` returns that part of the stored archive of
    ``size`` bytes: only the archive's directory and the one block of each
    matrix that holds the column are read and inflated. An older archive
    (whole matrices) is read whole.
    """
    source = _Ranges(read, size)
    source.fetch(0, _HEAD_BYTES)
    source.fetch(size - _DIRECTORY_BYTES, _DIRECTORY_BYTES)
    with zipfile.ZipFile(source) as archive:
        stored = {name.removesuffix(".npy") for name in archive.namelist()}
        if "block_posts" in stored:
            k, column = divmod(j, int(_read(archive, "block_posts")))
            members = {name: _block(name, k) for name in (*_MATRIX_NAMES, "tier")}
        else:
            column = j
            members = {name: name for name in (*_MATRIX_NAMES, "tier")}
        for member in members.values():
            if member in stored:
                info = archive.getinfo(f"{member}.npy")
                source.fetch(info.header_offset, _LOCAL_HEADER_BYTES + info.compress_size)
        arrays = {
            name: np.ascontiguousarray(_read(archive, member)[:, column : column + 1])
            for name, member in members.items()
            if member in stored
        }
        return _score_matrix(arrays, _footing(archive, stored))


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
        cadres=tuple(cadre_from_json(c) for c in inputs["cadres"]),
        posts=tuple(post_from_json(p) for p in inputs["posts"]),
        categories=tuple(inputs["categories"]),
        matrix=matrices_from_bytes(matrices),
        state=state,
    )
