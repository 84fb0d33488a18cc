"""The ``lianbing`` command.

lianbing demo [--port 8000]     embedded database, demo data, web + worker
lianbing serve                  production server (gunicorn) against DATABASE_URL
lianbing worker                 background task worker
lianbing template cadres|posts|mentors -o FILE.xlsx
lianbing match --cadres C.xlsx --posts P.xlsx [-o out.xlsx] [--json] [--objective total|stable]
lianbing import FILE.xlsx [--program NAME [--start DATE --end DATE]]
lianbing manage ...             any Django management command
lianbing backup -o FILE         a consistent copy of the database
lianbing restore FILE [--yes]   replace the database with a backup
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEV_SETTINGS = "lianbing.config.settings.dev"
PROD_SETTINGS = "lianbing.config.settings.prod"
ADMIN_USERNAME = "admin"
#: The demo's accounts may sign in at once; docs/guide/README.md says the same.
DEMO_PASSWORD_NOTE = (
    "演示账号首次登录不要求修改密码（它们只在演示用的内置数据库中）；"
    "正式环境新建的账号首次登录须先修改密码。"
)

#: The demo restarts a dead worker after this many seconds, doubling (up to the
#: maximum) while it keeps dying within ``_STEADY_SECONDS`` of its start.
_RESTART_DELAY = 1.0
_RESTART_DELAY_MAX = 30.0
_STEADY_SECONDS = 30.0
_SUPERVISE_POLL = 0.2


def _setup_django(default_settings: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    import django

    django.setup()


def _ensure_admin() -> str | None:
    """Create the demo administrator once; return its new password, or None if it existed."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if user_model.objects.filter(username=ADMIN_USERNAME).exists():
        return None
    password = secrets.token_urlsafe(12)
    # A superuser outside 三员分立, for installing and emergencies: named so,
    # not "系统管理员", which is one of the three separated roles.
    user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="", password=password, first_name="安装管理员"
    )
    return password


def prepare_demo() -> None:
    """Migrate the embedded database, load the demo data and the administrator, once."""
    _setup_django(DEV_SETTINGS)
    from django.conf import settings
    from django.core.management import call_command

    from lianbing.demodata.loader import demo_program_load

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    print("正在准备数据库……", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    result = demo_program_load()
    if result.created:
        print(
            f"已载入演示数据：{result.program.name}，干部 {result.cadres} 名，岗位 {result.posts} 个。"
        )
    else:
        print(f"演示数据已存在（{result.program.name}），未做改动。")
    password = _ensure_admin()
    if password:
        print(f"已创建安装管理员账号：用户名 {ADMIN_USERNAME}，密码 {password}")
        print("请妥善保存此密码；它只显示这一次。")
        print(
            "安装管理员是超级用户，只用于安装、初始设置和应急，不受三员分立约束；"
            "日常工作请用下列各角色账号。"
        )
    else:
        print(
            f"管理员账号 {ADMIN_USERNAME} 已存在。"
            f"忘记密码可运行：lianbing manage changepassword {ADMIN_USERNAME}"
        )
    _print_demo_accounts()


def _print_demo_accounts() -> None:
    from lianbing.demodata.accounts import demo_accounts_ensure

    demo = demo_accounts_ensure()
    if not demo.accounts:
        return
    print("各角色的演示账号（可分别登录，体验该角色看到的内容）：")
    for account in demo.accounts:
        acts_for = f"（{account.acts_for}）" if account.acts_for else ""
        print(f"  {account.role_label}{acts_for}：用户名 {account.username}")
    if demo.password:
        created = "、".join(a.username for a in demo.accounts if a.created)
        print(f"以上新建账号（{created}）的共同密码：{demo.password}，只显示这一次。")
        print(DEMO_PASSWORD_NOTE)
    else:
        print("这些账号已存在；忘记密码可运行：lianbing manage changepassword 用户名")


@dataclass
class _Child:
    """A process the demo runs; a ``restart`` one is started again when it dies."""

    name: str
    command: list[str]
    restart: bool
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    #: Seconds to wait before the next restart; doubles while it keeps dying at once.
    delay: float = _RESTART_DELAY
    due: float = 0.0

    def start(self, env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.process = subprocess.Popen(self.command, env=env)
        self.started = time.monotonic()
        return self.process


def _how_it_ended(code: int) -> str:
    if code < 0:
        return f"被信号 {-code} 终止"
    return f"退出码 {code}"


def _supervise(children: Sequence[_Child], env: dict[str, str]) -> int:
    """Run the children side by side until Ctrl-C or until one that is not restarted exits.

    A child that is restarted (the worker) and dies is reported on the console
    and started again, later each time while it keeps dying at once; the
    others go on meanwhile.
    """
    for child in children:
        child.start(env)
    try:
        while True:
            now = time.monotonic()
            for child in children:
                if child.process is None:
                    if now >= child.due:
                        pid = child.start(env).pid
                        print(f"{child.name}已重新启动（进程 {pid}）。", flush=True)
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                if not child.restart:
                    print(f"{child.name}已退出（{_how_it_ended(code)}），练兵台停止。", flush=True)
                    return code
                lived = now - child.started
                child.delay = (
                    _RESTART_DELAY
                    if lived > _STEADY_SECONDS
                    else min(child.delay * 2, _RESTART_DELAY_MAX)
                )
                child.process, child.due = None, now + child.delay
                print(
                    f"{child.name}意外退出（{_how_it_ended(code)}），"
                    f"{child.delay:g} 秒后重新启动；网页服务照常运行。",
                    file=sys.stderr,
                    flush=True,
                )
            time.sleep(_SUPERVISE_POLL)
    except KeyboardInterrupt:
        print("\n正在停止……", flush=True)
        return 0
    finally:
        running = [c.process for c in children if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def cmd_demo(args: argparse.Namespace) -> int:
    # The demo is the embedded database's: never migrate or fill the server a
    # DATABASE_URL in this shell points at (CI exports one for the tests).
    os.environ.pop("DATABASE_URL", None)
    prepare_demo()
    if args.prepare_only:
        return 0
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": DEV_SETTINGS, "PYTHONUNBUFFERED": "1"}
    address = f"127.0.0.1:{args.port}"
    print(f"练兵台已启动：http://{address}/ （按 Ctrl-C 停止）", flush=True)
    me = [sys.executable, "-m", "lianbing.cli"]
    return _supervise(
        [
            _Child(
                "网页服务",
                [*me, "manage", "runserver", address, "--noreload", "--skip-checks"],
                restart=False,
            ),
            # A short poll: at the demo's scale a match run is back within 2 seconds.
            _Child("后台任务进程", [*me, "worker", "--interval", "0.2"], restart=True),
        ],
        env,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PROD_SETTINGS)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "lianbing.config.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        # More than one thread per worker selects gunicorn's threaded worker,
        # which also keeps connections alive between a phone's requests.
        "--threads",
        str(args.threads),
        # No access log: a public representative's first visit carries the
        # one-time token in its path, and neither it nor the client's address
        # may be kept; a reverse proxy in front must not log /evaluation/r/
        # paths either (docs/security.md).
    ]
    return subprocess.call(gunicorn)


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django(PROD_SETTINGS)
    from django.core.management import call_command

    from lianbing.background.services import jobs_fail_orphaned

    # The jobs a killed worker on this machine was on would show "running" until stale.
    orphaned = jobs_fail_orphaned()
    if orphaned:
        print(f"已将 {orphaned} 个后台进程中断的任务标记为失败。", flush=True)
    if args.orphan_check > 0:
        threading.Thread(target=_fail_orphans_every, args=(args.orphan_check,), daemon=True).start()
    try:
        call_command("db_worker", interval=args.interval)
    except KeyboardInterrupt:
        return 0
    return 0


def _fail_orphans_every(seconds: float) -> None:
    """Fail, every ``seconds``, the jobs of a worker beside this one that died.

    Without it such a job waits for a worker to start again, its page's poll or
    a cancel (decision record 0005). Reads only, unless a job is to be failed:
    on the embedded database, a write that finds an import's transaction open
    gives up and is tried again next time.
    """
    from django.db import DatabaseError, connection

    from lianbing.background.services import jobs_fail_orphaned

    while True:
        time.sleep(seconds)
        try:
            orphaned = jobs_fail_orphaned()
        except DatabaseError:
            orphaned = 0
        finally:
            connection.close()
        if orphaned:
            print(f"已将 {orphaned} 个后台进程中断的任务标记为失败。", flush=True)


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEV_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianbing manage", *args.rest])
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from lianbing.xlsx.commands import run_template

    return run_template(args.kind, Path(args.output))


def cmd_match(args: argparse.Namespace) -> int:
    from lianbing.xlsx.commands import run_match

    return run_match(
        cadres=Path(args.cadres),
        posts=Path(args.posts),
        output=Path(args.output) if args.output else None,
        as_json=args.json,
        per_post=args.per_post,
        weights=args.weights,
        max_per_cadre=args.max_per_cadre,
        objective=args.objective,
    )


def cmd_import(args: argparse.Namespace) -> int:
    _setup_django(DEV_SETTINGS)
    from lianbing.imports.import_command import run_import

    return run_import(Path(args.file), program=args.program, start=args.start, end=args.end)


def cmd_backup(args: argparse.Namespace) -> int:
    _setup_django(DEV_SETTINGS)
    from lianbing.accounts.backup import BackupError, backup_create, table_row_counts

    try:
        path = backup_create(path=Path(args.output))
    except BackupError as exc:
        print(f"备份失败：{exc}", file=sys.stderr)
        return 1
    rows = sum(table_row_counts().values())
    print(f"已备份到 {path}（{rows} 行）。")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup_django(DEV_SETTINGS)
    from lianbing.accounts.backup import BackupError, backup_restore, table_row_counts

    if not args.yes:
        answer = input(
            "恢复将用备份文件替换数据库中的全部数据（含审计日志），确定继续？输入 yes 确认："
        )
        if answer.strip().lower() != "yes":
            print("已取消，数据库未改动。")
            return 1
    import getpass

    try:
        report = backup_restore(path=Path(args.file), by=getpass.getuser())
    except BackupError as exc:
        print(f"恢复失败：{exc}", file=sys.stderr)
        return 1
    rows = sum(table_row_counts().values())
    print(f"已从 {args.file} 恢复（{rows} 行）。")
    if report.discarded_file is not None:
        print(
            f"备份之后写入的审计记录 {report.discarded} 条已导出到 {report.discarded_file}，"
            "恢复本身已记入审计日志。"
        )
    return 0


class _ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


#: argparse's own English error messages, as (pattern, Chinese); checked in order.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"^the following arguments are required: (?P<names>.+)$", "缺少必填参数：{names}"),
        (
            r"^argument (?P<name>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)$",
            "参数 {name} 的值 {value} 无效，可选：{choices}",
        ),
        (
            r"^argument (?P<name>\S+): invalid (?P<kind>int|float) value: (?P<value>.+)$",
            "参数 {name} 须为{kind}，收到 {value}",
        ),
        (r"^argument (?P<name>\S+): expected one argument$", "参数 {name} 后面需要一个值"),
        (r"^unrecognized arguments: (?P<names>.+)$", "无法识别的参数：{names}"),
        (
            r"^argument (?P<name>\S+): not allowed with argument (?P<other>\S+)$",
            "参数 {name} 不能与 {other} 同时使用",
        ),
    )
)
_KINDS = {"int": "整数", "float": "数字"}


def _chinese_error(message: str) -> str:
    """argparse's English error message in Chinese; an unknown one is kept as it is."""
    for pattern, chinese in _ERRORS:
        found = pattern.match(message)
        if found:
            parts = found.groupdict()
            if "kind" in parts:
                parts["kind"] = _KINDS[parts["kind"]]
            return chinese.format(**parts)
    return message


class _ChineseParser(argparse.ArgumentParser):
    """argparse with its headings, help and error messages in Chinese (argparse ships no zh)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs["add_help"] = False  # added below, with Chinese help
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数错误：{_chinese_error(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _ChineseParser(prog="lianbing", description="练兵台：百岗大练兵管理系统")
    sub = parser.add_subparsers(
        metavar="命令", dest="command", required=True, parser_class=_ChineseParser
    )

    demo = sub.add_parser("demo", help="迁移内置数据库、载入演示数据并启动网页与后台任务")
    demo.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    demo.add_argument(
        "--prepare-only", action="store_true", help="只迁移数据库并载入演示数据，不启动服务"
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="生产环境服务器（gunicorn），数据库由 DATABASE_URL 指定")
    serve.add_argument("--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")
    serve.add_argument("--workers", type=int, default=3, help="进程数（默认 3）")
    # More than one selects threaded workers; on 2 cores they gave the rating
    # campaign no more throughput than sync ones (docs/decisions/0008-public-rating-path.md).
    serve.add_argument("--threads", type=int, default=1, help="每个进程的线程数（默认 1）")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="后台任务处理进程")
    worker.add_argument("--interval", type=float, default=1.0, help="轮询间隔秒数（默认 1）")
    worker.add_argument(
        "--orphan-check",
        type=float,
        default=30.0,
        help="每隔多少秒检查一次其他后台进程是否中断、将其任务标记为失败（默认 30；0 为不检查）",
    )
    worker.set_defaults(func=cmd_worker)

    template = sub.add_parser("template", help="生成空白导入模板")
    template.add_argument(
        "kind",
        choices=["cadres", "posts", "mentors"],
        metavar="类型",
        help="cadres（干部）、posts（岗位）或 mentors（导师）",
    )
    template.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    template.set_defaults(func=cmd_template)

    match = sub.add_parser("match", help="用两个表格直接运行人岗匹配（无需数据库）")
    match.add_argument("--cadres", required=True, help="干部表（.xlsx）")
    match.add_argument("--posts", required=True, help="岗位表（.xlsx）")
    match.add_argument("-o", "--output", help="输出平衡表（.xlsx）")
    match.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    match.add_argument("--per-post", type=int, default=2, help="每个岗位的候选人数（默认 2）")
    match.add_argument(
        "--max-per-cadre", type=int, default=None, help="每名干部最多进入几个岗位的候选名单"
    )
    match.add_argument("--weights", help="权重，如 fit=0.5,development=0.3,complement=0.2")
    match.add_argument(
        "--objective",
        choices=("total", "stable"),
        default="total",
        help="配置目标：total 总分最优（默认）；stable 稳定优先（不留下双方都更看好对方的人岗）",
    )
    match.set_defaults(func=cmd_match)

    imp = sub.add_parser(
        "import", help="把干部表/岗位表/导师表导入数据库（全有或全无，逐行列出问题）"
    )
    imp.add_argument("file", help="含“干部”“岗位”“导师”工作表（一个或几个）的 .xlsx 文件")
    imp.add_argument("--program", help="导入到的批次名称（默认：最新的批次）")
    imp.add_argument(
        "--start", help="新建批次的开始日期 YYYY-MM-DD（批次不存在时与 --end 一起给出）"
    )
    imp.add_argument("--end", help="新建批次的结束日期 YYYY-MM-DD")
    imp.set_defaults(func=cmd_import)

    backup = sub.add_parser("backup", help="备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）")
    backup.add_argument("-o", "--output", required=True, help="备份文件")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="用备份文件恢复数据库（替换全部数据）")
    restore.add_argument("file", help="lianbing backup 生成的备份文件")
    restore.add_argument("--yes", action="store_true", help="不再询问确认")
    restore.set_defaults(func=cmd_restore)

    manage = sub.add_parser("manage", help="任意 Django 管理命令", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
