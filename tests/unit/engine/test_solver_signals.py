"""The engine's CP-SAT solves leave Ctrl-C to the program that called them.

CP-SAT takes SIGINT during a solve by default and leaves it at the system's
default afterwards, so a later Ctrl-C killed `lianbing demo` (whose demo data
groups participants with CP-SAT) instead of stopping it cleanly. Each case runs
in a child process, which sends itself SIGINT after the solve.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

AFTER = """
import os, signal, time
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
    print("no interrupt")
except KeyboardInterrupt:
    print("interrupted")
"""

CASES = {
    "grouping": """
import numpy as np
from lianbing.engine import grouping
profiles = np.arange(16, dtype=float).reshape(8, 2)
found = grouping.balanced(profiles, group_size=4, time_limit=2)
assert "CP-SAT" in found.method, found.method
""",
    "constrained assignment": """
import numpy as np
from lianbing.engine import assignment
from lianbing.engine.assignment import Constraints, GroupLimit
scores = np.arange(12, dtype=float).reshape(4, 3)
limit = GroupLimit(cadre_group=(0, 0, 1, 1), limit=1, label="同一派出单位")
found = assignment.solve(scores, constraints=Constraints(group_limits=(limit,)))
assert found.optimal, found.status
""",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ctrl_c_after_a_solve_interrupts_the_caller_as_python_does(case: str) -> None:
    script = textwrap.dedent(CASES[case]) + AFTER

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("interrupted")
