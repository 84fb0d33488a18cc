"""Starts the real `lianbing demo` on a free port, for functional and browser tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DemoServer:
    process: subprocess.Popen[str]
    url: str
    admin_password: str
    output: list[str] = field(default_factory=list)

    def child_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_demo(var_dir: Path, port: int, timeout: float = 240.0) -> DemoServer:
    """Run `lianbing demo --port PORT` with its own var dir; wait until the page answers."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["LIANBING_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "lianbing.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    password = ""
    deadline = time.monotonic() + timeout
    # Read until the server announces itself; the password is printed before.
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("lianbing demo exited early:\n" + "".join(lines))
        lines.append(line)
        found = re.search(r"管理员账号：用户名 \S+，密码 (\S+)", line)
        if found:
            password = found.group(1)
        if "练兵台已启动" in line:
            break
    # Keep draining the output so the server never blocks on a full pipe.
    threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=10):
                break
        # A first page can take seconds on a busy machine: a read time-out
        # (TimeoutError, not a URLError) means "not yet", like a refused connection.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("lianbing demo did not answer:\n" + "".join(lines))
    return DemoServer(process=process, url=url, admin_password=password, output=lines)
