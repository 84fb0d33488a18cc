"""Shared test set-up: the var directory of a test run lives in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Settings read LIANBING_VAR_DIR at import time; keep test runs out of ./var.
os.environ.setdefault("LIANBING_VAR_DIR", tempfile.mkdtemp(prefix="lianbing-test-var-"))

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
