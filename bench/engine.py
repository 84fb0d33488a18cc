"""End-to-end benchmark of the matching engine, from spreadsheets to the output workbook.

Usage::

    .venv/bin/python bench/engine.py [--sizes 100x100,1000x800,10000x2000] [--no-write-doc]
        [--no-plain]

For each size ``N x M`` (cadres x posts):

1. a pool is generated with the demo generator and written as the two import
   spreadsheets (not timed);
2. a fresh process runs the whole pipeline as ``lianbing match -o`` does: read
   both spreadsheets, score, assign, shortlist, write the result workbook. Each
   step is timed; the process's peak resident memory is read by the parent
   (``os.wait4``, the per-child form of ``getrusage(RUSAGE_CHILDREN)``), so it
   covers exactly that run;
3. another fresh process loads the same score matrix and times
   ``assignment.solve`` (as the pipeline calls it) and scipy's
   ``linear_sum_assignment`` on the seat-expanded matrix with forbidden pairs
   given a large negative score, and checks that both reach the same total;
4. once, a fresh process times ``assignment.solve`` and bare
   ``linear_sum_assignment`` on a plain instance: a uniform random
   10,000 x 2,000 matrix, one seat a post, every pair allowed, no pin (best of
   three each, same process).

The results go into ``docs/performance.md`` as a Markdown table, with the
machine and library versions, measured in one run. Targets: 10,000 x 2,000 end
to end in under 60 s and 2 GiB; the assignment within 3x of scipy, and within
2x on the plain instance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from doc_sections import replace_section

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
DEFAULT_SIZES = "100x100,1000x800,10000x2000"
SEED = 2021
TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3
TARGET_RATIO = 3.0
#: The plain instance: uniform random scores, one seat a post, every pair allowed.
PLAIN_SHAPE = (10_000, 2_000)
PLAIN_TARGET_RATIO = 2.0
#: Score given to forbidden pairs in the scipy reference (far below any real score).
FORBIDDEN_SCORE = -1e6


# ----------------------------------------------------------------- child steps


def prepare(n_cadres: int, n_posts: int, folder: Path) -> None:
    """Generate a pool and write the two spreadsheets into ``folder``."""
    from lianbing.demodata.generator import generate
    from lianbing.xlsx.templates import write_cadres, write_posts

    program = generate(seed=SEED, n_cadres=n_cadres, n_posts=n_posts)
    write_cadres(program.cadres, folder / "cadres.xlsx")
    write_posts(program.posts, folder / "posts.xlsx")


def pipeline_run(folder: Path) -> dict[str, Any]:
    """The pipeline from spreadsheets to workbook, each step timed; saves the matrix."""
    import numpy as np

    from lianbing.engine import pipeline
    from lianbing.xlsx.match_report import write_match_workbook
    from lianbing.xlsx.reader import read_cadres, read_posts

    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    cadres = read_cadres(folder / "cadres.xlsx").rows
    posts = read_posts(folder / "posts.xlsx").rows
    marks.append(("read", time.perf_counter()))
    # The pipeline reports each step as it starts: 评分, 配置, 平衡表.
    result = pipeline.run(
        cadres, posts, progress=lambda message: marks.append((message[:2], time.perf_counter()))
    )
    marks.append(("done", time.perf_counter()))
    write_match_workbook(result, folder / "balance.xlsx")
    end = time.perf_counter()

    at = dict(marks)
    timings = {
        "read": at["read"] - start,
        "score": at["配置"] - at["评分"],
        "assign": at["平衡"] - at["配置"],
        "shortlist": at["done"] - at["平衡"],
        "write": end - at["done"],
        "total": end - start,
    }
    np.save(folder / "total.npy", result.scores.total)
    np.save(folder / "allowed.npy", result.scores.allowed)
    np.save(folder / "seats.npy", result.seats)
    return {
        "timings": timings,
        "status": result.assignment.status,
        "placed": len(result.placed()),
        "allowed_pairs": int(result.scores.allowed.sum()),
        "output_bytes": (folder / "balance.xlsx").stat().st_size,
    }


def _timed(run: Any) -> tuple[Any, float]:
    """Result and seconds of ``run()``; a call under 0.5 s is repeated and the median kept,
    so that millisecond timings are not one cold call."""
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    if seconds >= 0.5:
        return result, seconds
    samples = [seconds]
    deadline = time.perf_counter() + 2.0
    while len(samples) < 50 and time.perf_counter() < deadline:
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return result, statistics.median(samples)


def reference_run(folder: Path) -> dict[str, Any]:
    """``assignment.solve`` and scipy's ``linear_sum_assignment`` on the same matrix."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from lianbing.engine import assignment

    total = np.load(folder / "total.npy")
    allowed = np.load(folder / "allowed.npy")
    seats = np.load(folder / "seats.npy")

    solved, solve_seconds = _timed(lambda: assignment.solve(total, seats=seats, allowed=allowed))

    def scipy_run() -> tuple[Any, Any, Any]:
        columns = np.repeat(np.arange(total.shape[1]), seats)
        expanded = np.where(
            allowed[:, columns], total[:, columns].astype(np.float64), FORBIDDEN_SCORE
        )
        rows, cols = linear_sum_assignment(expanded, maximize=True)
        return expanded, rows, cols

    (expanded, rows, cols), scipy_seconds = _timed(scipy_run)
    keep = expanded[rows, cols] > FORBIDDEN_SCORE / 2
    scipy_total = float(expanded[rows[keep], cols[keep]].sum())
    return {
        "solve": solve_seconds,
        "scipy": scipy_seconds,
        "solve_total": solved.total,
        "scipy_total": scipy_total,
        "solve_filled": solved.filled,
        "scipy_filled": int(keep.sum()),
        "expanded_shape": list(expanded.shape),
    }


def plain_run(folder: Path) -> dict[str, Any]:
    """``assignment.solve`` and bare ``linear_sum_assignment`` on the plain instance, best of 3."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from lianbing.engine import assignment

    scores = np.random.default_rng(SEED).random(PLAIN_SHAPE)

    def best_of_three(run: Any) -> tuple[Any, float]:
        result, best = None, float("inf")
        for _ in range(3):
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        return result, best

    (rows, cols), scipy_seconds = best_of_three(
        lambda: linear_sum_assignment(scores, maximize=True)
    )
    solved, solve_seconds = best_of_three(lambda: assignment.solve(scores))
    return {
        "solve": solve_seconds,
        "scipy": scipy_seconds,
        "solve_total": solved.total,
        "scipy_total": float(scores[rows, cols].sum()),
        "solve_filled": solved.filled,
        "scipy_filled": int(rows.size),
        "optimal": bool(solved.optimal),
    }


# ---------------------------------------------------------------------- parent


def _child(step: str, folder: Path, *extra: str) -> tuple[dict[str, Any], int, float]:
    """Run one step in a fresh interpreter; return its JSON, peak RSS (bytes) and CPU seconds."""
    out = folder / f"{step}.json"
    command = [sys.executable, __file__, "--child", step, "--folder", str(folder), *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{step} failed with exit code {process.returncode}")
    # ru_maxrss is in KiB on Linux.
    cpu = float(usage.ru_utime + usage.ru_stime)
    return json.loads(out.read_text()), int(usage.ru_maxrss) * 1024, cpu


def _versions() -> dict[str, str]:
    import numpy
    import openpyxl
    import ortools
    import scipy

    return {
        "Python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "OR-Tools": ortools.__version__,
        "openpyxl": openpyxl.__version__,
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024**2:.0f} GiB RAM"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({cpu}){memory}, {platform.system()} {platform.release()}"


def _gib(value: int) -> str:
    return f"{value / 1024**3:.2f}"


def _same(ref: dict[str, Any]) -> bool:
    same = abs(ref["solve_total"] - ref["scipy_total"]) <= 1e-3 * max(1.0, ref["scipy_total"])
    return bool(same and ref["solve_filled"] == ref["scipy_filled"])


def _render(
    rows: list[dict[str, Any]],
    plain: dict[str, Any] | None,
    when: str,
    loads: tuple[float, float],
) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in _versions().items())
    lines = [
        "## The matching pipeline",
        "",
        f"Measured by `bench/engine.py` in one run on {when}: {_machine()}; {versions}.",
        "",
        "Each size is a pool from the demo generator (`lianbing.demodata.generator`, seed "
        f"{SEED}) written as the two import spreadsheets. *End to end* is what "
        "`lianbing match --cadres C.xlsx --posts P.xlsx -o balance.xlsx` does, in a fresh "
        "process: read and validate both spreadsheets, score every pair, assign, build the "
        "balance table, write the four-sheet workbook. *Peak memory* is that process's peak "
        "resident set. *Assignment* and *scipy* are timed in another fresh process on the same "
        "score matrix: `assignment.solve(total, seats=..., allowed=...)` as the pipeline calls "
        "it, and `scipy.optimize.linear_sum_assignment` on the matrix expanded to one column "
        "per seat, forbidden pairs scored -10^6; both totals are compared. A call shorter "
        "than 0.5 s is repeated (up to 2 s) and its median reported, for both.",
        "",
        "Targets: 10,000 x 2,000 end to end under 60 s and 2 GiB; assignment within 3x of scipy, "
        "and within 2x on the plain instance below.",
        "",
        f"System load average (1 min) {loads[0]:.2f} at the start and {loads[1]:.2f} at the end "
        f"of the run; with a load above the core count the wall times are inflated, the CPU "
        "time of the end-to-end process (which includes starting Python and the imports) "
        "less so.",
        "",
        "| cadres x posts | seats | allowed pairs | read | score | assign | shortlist | write "
        "| end to end | CPU time | peak memory (GiB) | assignment alone | scipy LSA | ratio "
        "| same total |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        t = row["pipeline"]["timings"]
        ref = row["reference"]
        ratio = ref["solve"] / ref["scipy"] if ref["scipy"] > 0 else float("inf")
        same = _same(ref)
        lines.append(
            f"| {row['n']:,} x {row['m']:,} | {row['seats']:,} "
            f"| {row['pipeline']['allowed_pairs']:,} "
            f"| {t['read']:.2f} s | {t['score']:.2f} s | {t['assign']:.2f} s "
            f"| {t['shortlist']:.2f} s | {t['write']:.2f} s | **{t['total']:.2f} s** "
            f"| {row['cpu']:.2f} s | {_gib(row['peak'])} | {ref['solve']:.2f} s | {ref['scipy']:.2f} s "
            f"| {ratio:.2f}x | {'yes' if same else 'NO'} |"
        )
    if plain is not None:
        ratio = plain["solve"] / plain["scipy"] if plain["scipy"] > 0 else float("inf")
        n, m = PLAIN_SHAPE
        lines += [
            "",
            f"**Plain instance** ({n:,} x {m:,}, uniform random scores in [0, 1) with seed "
            f"{SEED}, one seat a post, every pair allowed, no pin), timed in another fresh "
            "process, best of three for each: `assignment.solve(scores)` and "
            "`scipy.optimize.linear_sum_assignment(scores, maximize=True)` on the same matrix.",
            "",
            "| cadres x posts | assignment alone | scipy LSA | ratio | same total | optimal |",
            "|---|---|---|---|---|---|",
            f"| {n:,} x {m:,} | {plain['solve']:.2f} s | {plain['scipy']:.2f} s | {ratio:.2f}x "
            f"| {'yes' if _same(plain) else 'NO'} | {'yes' if plain['optimal'] else 'NO'} |",
        ]
    lines += ["", "## Against the targets", ""]
    for row in rows:
        t = row["pipeline"]["timings"]
        ref = row["reference"]
        ratio = ref["solve"] / ref["scipy"] if ref["scipy"] > 0 else float("inf")
        steps = {k: v for k, v in t.items() if k != "total"}
        slowest = max(steps, key=steps.__getitem__)
        verdicts = []
        if row["n"] >= 10_000:
            ok_time = t["total"] < TARGET_SECONDS
            ok_memory = row["peak"] < TARGET_BYTES
            verdicts.append(
                f"end to end {t['total']:.1f} s "
                f"({'meets' if ok_time else 'MISSES'} the 60 s target), "
                f"peak {_gib(row['peak'])} GiB "
                f"({'meets' if ok_memory else 'MISSES'} the 2 GiB target)"
            )
        verdict = f"assignment {ratio:.2f}x scipy "
        verdict += f"({'meets' if ratio <= TARGET_RATIO else 'MISSES'} the 3x target"
        if ref["scipy"] < 0.01:
            verdict += "; both take milliseconds, so fixed input checks dominate the ratio"
        verdicts.append(verdict + ")")
        verdicts.append(f"slowest step: {slowest} ({steps[slowest]:.1f} s)")
        lines.append(f"- **{row['n']:,} x {row['m']:,}**: " + "; ".join(verdicts) + ".")
    if plain is not None:
        ratio = plain["solve"] / plain["scipy"] if plain["scipy"] > 0 else float("inf")
        met = "meets" if ratio <= PLAIN_TARGET_RATIO else "MISSES"
        lines.append(
            f"- **plain {PLAIN_SHAPE[0]:,} x {PLAIN_SHAPE[1]:,}**: assignment {ratio:.2f}x "
            f"scipy ({met} the 2x target)."
        )
    lines += [
        "",
        "## Notes",
        "",
        "- The `评分明细` sheet lists every allowed pair. Above Excel's 1,048,576 rows per "
        "sheet it keeps each post's best pairs, the same number for every post "
        "(`(1,048,576 - 2) // posts`), and says so in a note on the sheet's first row. The data "
        "rows of all four sheets are written by `lianbing.xlsx.bulk_rows`, not through "
        "openpyxl's write-only cells: without lxml openpyxl needs about 15 µs a cell, two minutes for a million "
        "rows; the bulk writer takes a few seconds.",
        "- Reading uses openpyxl's read-only mode; at 10,000 cadres it is a visible share of the "
        "run (pure-Python XML parsing, one cell at a time).",
        "- The assignment solver picks scipy itself for small expanded matrices (up to 10^6 "
        "entries), and at any size up to 2.5 x 10^7 entries when every post has one seat and "
        "every pair is allowed (the plain instance); otherwise a certified min-cost flow; see "
        "`lianbing.engine.assignment`. "
        "Its time includes the greedy baseline it reports beside the optimum (post by post, "
        "the best free cadre); at 100 x 100 that walk is most of the gap to bare scipy.",
        "",
        "Re-run with `.venv/bin/python bench/engine.py`; it rewrites this section only.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--no-write-doc", action="store_true")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain instance")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        folder = Path(args.folder)
        if args.child == "prepare":
            n, m = (int(x) for x in args.size.split("x"))
            prepare(n, m, folder)
            data: dict[str, Any] = {}
        elif args.child == "pipeline":
            data = pipeline_run(folder)
        elif args.child == "plain":
            data = plain_run(folder)
        else:
            data = reference_run(folder)
        (folder / f"{args.child}.json").write_text(json.dumps(data))
        return 0

    rows = []
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    load_before = os.getloadavg()[0]
    for size in args.sizes.split(","):
        n, m = (int(x) for x in size.lower().split("x"))
        with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as name:
            folder = Path(name)
            print(f"{n} x {m}: preparing spreadsheets", file=sys.stderr, flush=True)
            _child("prepare", folder, "--size", f"{n}x{m}")
            print(f"{n} x {m}: pipeline", file=sys.stderr, flush=True)
            pipeline_data, peak, cpu = _child("pipeline", folder)
            print(f"{n} x {m}: assignment vs scipy", file=sys.stderr, flush=True)
            reference, _, _ = _child("reference", folder)
            seats = int(np.load(folder / "seats.npy").sum())
        row = {"n": n, "m": m, "seats": seats, "pipeline": pipeline_data, "peak": peak, "cpu": cpu}
        row["reference"] = reference
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    plain = None
    if not args.no_plain:
        n, m = PLAIN_SHAPE
        print(f"plain {n} x {m}: assignment vs scipy", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as name:
            plain, _, _ = _child("plain", Path(name))
        print(json.dumps(plain), file=sys.stderr, flush=True)
    loads = (load_before, os.getloadavg()[0])
    text = _render(rows, plain, when, loads)
    if args.no_write_doc:
        print(text)
    else:
        print(f"wrote {replace_section('bench/engine.py', text, DOC)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
