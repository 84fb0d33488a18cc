"""A public-rating campaign: 500 representatives scan, open and submit at once.

Usage::

    .venv/bin/python bench/rating_campaign.py [--representatives 500] [--clients 32]
        [--workers 3] [--threads 1] [--database bench_rating] [--no-write-doc]

Against ``lianbing serve`` (gunicorn, production settings) on a fresh
PostgreSQL database of this machine (``postgres://postgres@127.0.0.1:5432/``;
the database named by ``--database`` is dropped and created again). The demo
program is loaded, an open round is made with the default form and one
inspection team per trainee of the program in training, whose public
representatives share out ``--representatives``; every link is issued
through the service the QR sheet uses. Then ``--clients`` threads, each an
HTTP client of its own (cookies kept by hand: production cookies are
``Secure``; one keep-alive connection per representative, as a phone's
browser keeps it), run every representative's flow: first visit with the token in
the address → redirect → the form → submit → the thanks page.

It reports submissions per second over the whole campaign, the median and
95th percentile of one submission (the POST) and of one whole flow, and checks
that nothing was lost or doubled: as many ratings as links, each link used
once, and every link refused when opened again. It also reports the CPU
time each rating cost the server (``lianbing serve`` and its workers), the
PostgreSQL backends of the database, and this client itself, all sharing the
machine's cores. The result replaces its section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from doc_sections import replace_section

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
SERVER = "postgres://postgres@127.0.0.1:5432/"
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'name="(s_[\w-]+)" value="(\d+)"')


def _environment(database: str, var_dir: Path, port: int) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "lianbing.config.settings.prod",
        "DATABASE_URL": SERVER + database,
        "LIANBING_SECRET_KEY": secrets.token_urlsafe(48),
        "LIANBING_FIELD_KEY": secrets.token_urlsafe(32),
        "LIANBING_ALLOWED_HOSTS": f"{HOST},localhost",
        "LIANBING_SSL_REDIRECT": "0",
        "LIANBING_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(REPO / "src"),
    }


def _fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(representatives: int) -> dict[str, Any]:
    """Migrate, load the demo, make the round and its teams, issue every link."""
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db.models import Count

    from lianbing.accounts.models import Profile, Role
    from lianbing.demand.models import Program
    from lianbing.demodata.loader import demo_program_load
    from lianbing.engine import taxonomy
    from lianbing.evaluation.models import (
        EvaluationRound,
        FormItem,
        InspectionTeam,
        ItemKind,
        RaterKind,
        RoundStatus,
        TeamMember,
    )
    from lianbing.evaluation.services.public import tokens_issue
    from lianbing.training.models import Secondment

    call_command("migrate", interactive=False, verbosity=0)
    demo_program_load()
    staff = User.objects.create_user(username="bench-staff", password=secrets.token_hex(16))
    Profile.objects.create(user=staff, role=Role.STAFF, must_change_password=False)
    program = (
        Program.objects.annotate(n=Count("secondments")).filter(n__gt=0).order_by("-n").first()
    )
    assert program is not None, "the demo has no program in training"
    trainees = list(
        Secondment.objects.filter(program=program, superseded_at__isnull=True).order_by("pk")
    )
    round_ = EvaluationRound.objects.create(
        program=program,
        name="性能测试考察",
        status=RoundStatus.OPEN,
        closes_on=dt.date.today() + dt.timedelta(days=30),
        created_by=staff,
    )
    items = [
        FormItem(
            round=round_,
            code=term.code,
            label=term.label,
            kind=ItemKind.ABILITY,
            anchors={"1": "明显不足", "3": "基本胜任", "5": "突出"},
            position=k,
        )
        for k, term in enumerate(taxonomy.ABILITIES)
    ]
    items.append(
        FormItem(round=round_, code="performance", label="现实表现", kind=ItemKind.PERFORMANCE)
    )
    FormItem.objects.bulk_create(items)
    tokens: list[str] = []
    for k, trainee in enumerate(trainees):
        share = representatives // len(trainees) + (1 if k < representatives % len(trainees) else 0)
        team = InspectionTeam.objects.create(round=round_, name=f"考察组{k + 1:03d}")
        team.secondments.add(trainee)
        TeamMember.objects.bulk_create(
            TeamMember(team=team, kind=RaterKind.PUBLIC, name=f"群众代表{k + 1}-{j + 1}")
            for j in range(share)
        )
        tokens += [i.token for i in tokens_issue(round_=round_, team=team, by=staff)]
    return {"round": round_.pk, "trainees": len(trainees), "tokens": tokens}


@contextmanager
def _server(env: dict[str, str], port: int, workers: int, threads: int) -> Iterator[int]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lianbing.cli",
            "serve",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # ``lianbing serve`` runs gunicorn as its child: its own session lets
        # both be stopped together.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("lianbing serve did not start") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@dataclass
class Phone:
    """One representative's browser: its own cookies and its own keep-alive connection.

    Like a phone's browser it keeps the connection open across the flow's
    requests when the server allows it, and opens a new one when the server
    closed it (a sync gunicorn worker closes after every response).
    """

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": HOST, "User-Agent": "bench-phone"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle kept-alive connection: once more on a new one.
            self.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        if response.will_close:
            self.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response.status, dict(response.headers.items()), text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _flow(port: int, token: str) -> tuple[float, float]:
    """One representative from the scan to the thanks page; (whole flow, submit) in ms."""
    phone = Phone(port)
    try:
        return _steps(phone, token)
    finally:
        phone.close()


def _steps(phone: Phone, token: str) -> tuple[float, float]:
    start = time.perf_counter()
    status, headers, _ = phone.request("GET", f"/evaluation/r/{token}/")
    assert status == 302, status
    assert headers["Location"] == "/evaluation/r/", headers
    status, _, page = phone.request("GET", "/evaluation/r/")
    assert status == 200, status
    csrf = CSRF_INPUT.search(page)
    assert csrf is not None
    form = {"csrfmiddlewaretoken": csrf.group(1), "comment": ""}
    for name, value in RADIO.findall(page):
        if value == "4":
            form[name] = value
    sent = time.perf_counter()
    status, headers, _ = phone.request("POST", "/evaluation/r/", form)
    submit_ms = (time.perf_counter() - sent) * 1000
    assert status == 302, status
    assert headers["Location"] == "/evaluation/r/done/", headers
    status, _, _ = phone.request("GET", "/evaluation/r/done/")
    assert status == 200, status
    return (time.perf_counter() - start) * 1000, submit_ms


def _replay(port: int, token: str) -> int:
    phone = Phone(port)
    try:
        return phone.request("GET", f"/evaluation/r/{token}/")[0]
    finally:
        phone.close()


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending += [int(c) for c in children]
        except (OSError, ValueError):
            continue
    return total


def _process_cpu(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / ticks


def _database_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving ``database`` (by its title)."""
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if title.startswith("postgres: ") and f" {database} " in title:
                used[int(entry.name)] = _process_cpu(int(entry.name))
        except (OSError, ValueError):
            continue
    return used


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def measure(
    representatives: int, clients: int, workers: int, threads: int, database: str
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as folder:
        port = 18000 + secrets.randbelow(1000)
        env = _environment(database, Path(folder), port)
        os.environ.update(env)
        _fresh_database(database)
        prepared = _prepare(representatives)
        tokens: list[str] = prepared["tokens"]
        with _server(env, port, workers, threads) as server:
            # Every worker loads its templates and URL patterns on its first requests.
            with ThreadPoolExecutor(max_workers=workers * 2) as pool:
                list(pool.map(lambda _: _replay(port, "warm-up"), range(40)))
            server_cpu, database_cpu = _tree_cpu(server), _database_cpu(database)
            client_cpu = time.process_time()
            load_before = os.getloadavg()
            lock = threading.Lock()
            errors: list[str] = []

            def run(token: str) -> tuple[float, float] | None:
                try:
                    return _flow(port, token)
                except Exception as exc:  # counted and reported, not raised
                    with lock:
                        errors.append(repr(exc))
                    return None

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                outcomes = list(pool.map(run, tokens))
            wall = time.perf_counter() - start
            client_cpu = time.process_time() - client_cpu
            server_cpu = _tree_cpu(server) - server_cpu
            database_cpu = sum(
                used - database_cpu.get(pid, 0.0) for pid, used in _database_cpu(database).items()
            )
            load_after = os.getloadavg()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                replays = list(pool.map(lambda t: _replay(port, t), tokens))
        from django.db.models import Count

        from lianbing.evaluation.models import Rating

        ratings = Rating.objects.filter(round_id=prepared["round"])
        per_token = ratings.values("token").annotate(n=Count("pk")).filter(n__gt=1).count()
        done = [o for o in outcomes if o is not None]
        return {
            "representatives": len(tokens),
            "trainees": prepared["trainees"],
            "clients": clients,
            "workers": workers,
            "threads": threads,
            "wall": wall,
            "cpu_ms": {
                "server": server_cpu * 1000 / len(tokens),
                "database": database_cpu * 1000 / len(tokens),
                "client": client_cpu * 1000 / len(tokens),
            },
            "per_second": len(done) / wall,
            "flow": [o[0] for o in done],
            "submit": [o[1] for o in done],
            "errors": errors,
            "ratings": ratings.count(),
            "distinct_tokens": ratings.values("token").distinct().count(),
            "doubled": per_token,
            "replays_refused": sum(1 for s in replays if s == 410),
            "load_before": load_before,
            "load_after": load_after,
            "cores": os.cpu_count(),
        }


def _workers(r: dict[str, Any]) -> str:
    if r["threads"] > 1:
        return f"{r['workers']} threaded workers of {r['threads']} threads each"
    return f"{r['workers']} sync workers"


def section(r: dict[str, Any]) -> str:
    import django

    ok = (
        not r["errors"]
        and r["ratings"] == r["representatives"]
        and r["distinct_tokens"] == r["representatives"]
        and r["doubled"] == 0
        and r["replays_refused"] == r["representatives"]
    )
    flow, submit = r["flow"], r["submit"]
    total = sum(r["cpu_ms"].values())
    ceiling = r["cores"] * 1000 / total
    lines = [
        "## A public-rating campaign (群众代表扫码评价)",
        "",
        f"Measured by `bench/rating_campaign.py` on {dt.date.today():%Y-%m-%d}: "
        f"{r['cores']} cores, Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"PostgreSQL on the same machine, `lianbing serve` (gunicorn, {_workers(r)}, "
        f"production settings). {r['representatives']} public representatives "
        f"(over {r['trainees']} trainees) each open their one-time link, are redirected to "
        "the clean address, load the form and submit it, then load the thanks page "
        f"(4 requests); {r['clients']} concurrent clients. Machine load (`uptime`) "
        f"{r['load_before'][0]:.2f} before the campaign, {r['load_after'][0]:.2f} after "
        "(other work was running on the machine).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| submissions per second (whole campaign) | {r['per_second']:.1f} |",
        f"| campaign wall time | {r['wall']:.1f} s |",
        f"| one submission (POST), median / 95th percentile | "
        f"{statistics.median(submit):.0f} ms / {_percentile(submit, 0.95):.0f} ms |",
        f"| one whole flow (4 requests), median / 95th percentile | "
        f"{statistics.median(flow):.0f} ms / {_percentile(flow, 0.95):.0f} ms |",
        f"| CPU per rating (whole flow): server / PostgreSQL / benchmark client | "
        f"{r['cpu_ms']['server']:.1f} ms / {r['cpu_ms']['database']:.1f} ms / "
        f"{r['cpu_ms']['client']:.1f} ms |",
        f"| failed flows | {len(r['errors'])} |",
        f"| ratings stored / links issued | {r['ratings']} / {r['representatives']} |",
        f"| links used more than once | {r['doubled']} |",
        f"| links refused when opened again (410) | {r['replays_refused']} |",
        "",
        f"- Nothing lost or doubled: {'yes' if ok else 'NO'}.",
        f"- What bounds it is CPU: one rating costs {total:.0f} ms of CPU in all on this "
        f"machine, so its {r['cores']} cores give at most about {ceiling:.0f} ratings a "
        "second even with nothing else running (and other work was). 200 a second would "
        "need 10 ms per rating in all: four Django requests, the form's rendering, one "
        "transaction with its audit row, and the client's own work cost more than that.",
        "- The public pages take the light request path "
        "(`docs/decisions/0008-public-rating-path.md`): no database session, one query for "
        "the first visit, two for the form, two and the rating's transaction for the "
        "submission, none for the thanks page.",
        "- Latency is mostly waiting: the clients share the workers on the cores, "
        "so a request queues behind others.",
        "- The submission takes no lock on the rating: the unique constraints on the rating's "
        "link and on (rater, trainee) keep one rating per link "
        "(`tests/functional/evaluation/test_public_concurrency.py`: 50 simultaneous "
        "submissions of one link, exactly one rating); only the audit row's insert waits "
        "for the audit chain's lock.",
        "",
        "Re-run with `.venv/bin/python bench/rating_campaign.py`; it rewrites this section only.",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--representatives", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--database", default="bench_rating")
    parser.add_argument("--no-write-doc", action="store_true")
    args = parser.parse_args()
    result = measure(args.representatives, args.clients, args.workers, args.threads, args.database)
    for error in result["errors"][:5]:
        print("error:", error)
    text = section(result)
    print(text)
    if not args.no_write_doc:
        print(f"written to {replace_section('bench/rating_campaign.py', text, DOC)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
