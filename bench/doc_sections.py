"""Each benchmark owns one marked section of docs/performance.md and rewrites only it."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
TITLE = "# Performance\n"


def markers(owner: str) -> tuple[str, str]:
    return f"<!-- {owner}: begin -->", f"<!-- {owner}: end -->"


def replace_section(owner: str, body: str, doc: Path = DOC) -> Path:
    """Put ``body`` between the owner's markers, keeping every other section as it is."""
    begin, end = markers(owner)
    section = f"{begin}\n{body.strip()}\n{end}\n"
    current = doc.read_text(encoding="utf-8") if doc.exists() else TITLE
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = head + section + ("\n" + tail if tail else "")
    else:
        new = current.rstrip("\n") + "\n\n" + section
    doc.write_text(new, encoding="utf-8")
    return doc
