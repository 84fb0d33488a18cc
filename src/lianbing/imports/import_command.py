"""``lianbing import FILE.xlsx``: the import service, run synchronously from the command line.

Exit status 0 on success (the counts are printed); 2 on any problem, in which
case every problem is printed to stderr in Chinese and nothing is written.
Progress lines go to stderr.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from lianbing.xlsx.commands import EXIT_INPUT, EXIT_OK


def _date(text: str | None, option: str, problems: list[str]) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        problems.append(f"{option} 的值“{text}”不是日期，应为 YYYY-MM-DD，如 2026-03-01")
        return None


def run_import(
    path: Path, *, program: str | None = None, start: str | None = None, end: str | None = None
) -> int:
    """Import ``path`` into the program named ``program`` (created when ``start``/``end`` are given)."""
    from lianbing.demand.models import Program
    from lianbing.imports.check import NewProgram
    from lianbing.imports.read import ImportProblemsError
    from lianbing.imports.services import import_job_record_command, import_workbook
    from lianbing.imports.write import ImportResult

    problems: list[str] = []
    started_on = _date(start, "--start", problems)
    ended_on = _date(end, "--end", problems)
    target: Program | None = None
    new_program: NewProgram | None = None
    if (start is None) != (end is None):
        problems.append("新建批次需要同时给出 --start 和 --end")
    if program is not None:
        target = Program.objects.filter(name=program.strip()).first()
        if target is None and started_on and ended_on:
            new_program = NewProgram(name=program, started_on=started_on, ended_on=ended_on)
        elif target is None and not problems:
            names = "、".join(Program.objects.values_list("name", flat=True)) or "（无）"
            problems.append(
                f"没有名为“{program}”的批次（现有：{names}）。"
                "要新建这个批次，请同时给出 --start 开始日期 和 --end 结束日期"
            )
        elif target is not None and (start or end):
            problems.append(f"批次“{program}”已存在，请去掉 --start 和 --end")
    elif start or end:
        problems.append("--start 和 --end 用于新建批次，请同时用 --program 给出批次名称")
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return EXIT_INPUT

    def progress(percent: int, message: str) -> None:
        print(f"[{percent:3d}%] {message}", file=sys.stderr, flush=True)

    def record(done: ImportResult) -> None:
        import_job_record_command(path=path, result=done)

    try:
        result = import_workbook(
            path=path,
            program=target,
            new_program=new_program,
            progress=progress,
            # Recorded in the import's own transaction, so the web's 导入记录
            # lists it exactly when it happened.
            before_commit=record,
        )
    except ImportProblemsError as error:
        import_job_record_command(path=path, refused=error, program=target)
        print(error.render(), file=sys.stderr)
        for line in error.warnings:
            print(f"提示：{line}", file=sys.stderr)
        return EXIT_INPUT
    for line in result.warnings:
        print(f"提示：{line}", file=sys.stderr)
    print(result.summary())
    return EXIT_OK
