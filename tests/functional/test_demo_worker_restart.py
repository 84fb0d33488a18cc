"""`lianbing demo` keeps serving when its worker is killed: it says so, starts a new one, fails the orphan."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lianbing.background import liveness
from tests.demo_server import DemoServer, free_port, start_demo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.embedded_db,
    pytest.mark.skipif(not liveness.can_look(), reason="needs a Linux process table (/proc)"),
]

GONE = "后台进程已中断，任务未完成，请重新提交。"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    server = start_demo(tmp_path, free_port())
    yield server
    server.stop()


def _workers(demo: DemoServer) -> list[int]:
    return [
        pid
        for pid in demo.child_pids()
        if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    ]


def _record_running_import(var_dir: Path, worker: str) -> int:
    """A running import claimed by ``worker``, written through the app as the worker would."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["LIANBING_VAR_DIR"] = str(var_dir)
    code = (
        "from django.utils import timezone;"
        "from lianbing.imports.models import ImportJob;"
        "job = ImportJob.objects.create(file='imports/x.xlsx', file_name='x.xlsx', "
        f"status='running', started_at=timezone.now(), progress=80, worker={worker!r});"
        "print(job.pk)"
    )
    done = subprocess.run(
        [sys.executable, "-m", "lianbing.cli", "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.split()[-1])


def _import_job(var_dir: Path, pk: int) -> tuple[str, str]:
    with sqlite3.connect(var_dir / "lianbing.sqlite3") as conn:
        row = conn.execute(
            "SELECT status, error FROM spreadsheets_importjob WHERE id = ?", (pk,)
        ).fetchone()
    return str(row[0]), str(row[1])


def _login_page(demo: DemoServer) -> str:
    with urllib.request.urlopen(f"{demo.url}/accounts/login/", timeout=10) as response:
        return str(response.read().decode())


def _wait(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_is_reported_and_replaced_while_the_web_keeps_serving(
    demo: DemoServer, tmp_path: Path
) -> None:
    [worker] = _workers(demo)
    job = _record_running_import(tmp_path, liveness.identity_of(worker))

    os.kill(worker, signal.SIGKILL)
    served = _login_page(demo)
    replaced = _wait(lambda: bool(_workers(demo)) and _workers(demo) != [worker])
    failed = _wait(lambda: _import_job(tmp_path, job)[0] == "failed")

    assert "登录练兵台" in served
    assert demo.process.poll() is None
    assert replaced, "a new worker: " + "".join(demo.output)
    assert failed, "".join(demo.output)
    assert _import_job(tmp_path, job) == ("failed", GONE)
    assert "后台任务进程意外退出（被信号 9 终止）" in "".join(demo.output)
    assert "登录练兵台" in _login_page(demo)
