"""Deterministic demonstration data for the Hundred-Post Training program.

:func:`generate` builds a whole program (units, cadres, posts, mentors, work
history) as frozen dataclasses, with no database; the loader stores them and
the benchmarks use the same generator at province scale.
"""

from lianbing.demodata.generator import (
    DemoProgram,
    MentorSpec,
    UnitSpec,
    WorkHistorySpec,
    generate,
)

__all__ = ["DemoProgram", "MentorSpec", "UnitSpec", "WorkHistorySpec", "generate"]
