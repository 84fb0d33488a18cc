"""`lianbing demo` as a user runs it: a real process on an embedded database."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_server import DemoServer, free_port, start_demo

pytestmark = [pytest.mark.slow, pytest.mark.embedded_db]


def _demo_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env["LIANBING_VAR_DIR"] = str(var_dir)
    # A server that does not exist: the demo must not even try it.
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/unreachable"
    return env


def _table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _prepare(var_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianbing.cli", "demo", "--prepare-only"],
        env=_demo_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture(scope="module")
def prepared(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A var dir the demo was prepared in once (it takes seconds), and what it printed."""
    var_dir = tmp_path_factory.mktemp("prepared")
    return var_dir, _prepare(var_dir)


def test_running_the_demo_twice_leaves_the_same_data(
    prepared: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    var_dir = Path(shutil.copytree(prepared[0], tmp_path / "var"))
    first = prepared[1]
    counts_after_first = _table_counts(var_dir / "lianbing.sqlite3")

    second = _prepare(var_dir)
    counts_after_second = _table_counts(var_dir / "lianbing.sqlite3")

    assert "已载入演示数据" in first.stdout
    assert "管理员账号" in first.stdout
    assert "密码" in first.stdout
    assert "用人单位联系人（曹桥街道）：用户名 caoqiao" in first.stdout
    assert "共同密码" in first.stdout
    assert "共同密码" not in second.stdout
    assert "演示数据已存在" in second.stdout
    assert "已存在" in second.stdout
    assert counts_after_first == counts_after_second
    assert counts_after_first["people_cadre"] == 110
    # 100 posts of the program being matched, 20 of the earlier one in training.
    assert counts_after_first["demand_post"] == 120
    assert counts_after_first["training_secondment"] > 0


def test_the_demo_database_is_sqlite_in_wal_mode(
    prepared: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    with sqlite3.connect(prepared[0] / "lianbing.sqlite3") as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    server = start_demo(tmp_path, free_port())
    yield server
    server.stop()


def test_the_demo_serves_the_login_page_and_stops_both_processes_on_ctrl_c(
    demo: DemoServer,
) -> None:
    with urllib.request.urlopen(f"{demo.url}/accounts/login/", timeout=10) as response:
        html = response.read().decode()
    children = demo.child_pids()

    demo.process.send_signal(signal.SIGINT)
    code = demo.process.wait(timeout=20)

    assert "登录练兵台" in html
    assert len(children) == 2, "web server and worker"
    assert code == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
