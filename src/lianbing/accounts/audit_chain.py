"""The hash chain over the audit trail: tampering leaves a broken link.

Each row stores ``prev_hash`` (the ``row_hash`` of the row before it, in id
order) and ``row_hash`` = sha256 over a canonical serialisation of its own
fields followed by ``prev_hash``. Changing a row's content breaks its own
hash; removing or inserting a row breaks the next row's ``prev_hash``; only
rewriting every later row as well goes unnoticed, which is why
``audit_verify`` prints the last hash for keeping outside the database.

Rows are chained in insertion order: the insert takes a lock first (on
PostgreSQL a transaction-scoped advisory lock; SQLite has a single writer),
so two requests never chain onto the same predecessor.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: ``prev_hash`` of the first row ever written.
GENESIS = "0" * 64
#: The fields a row's hash covers (everything but its id and the hashes).
FIELDS = (
    "at",
    "user_id",
    "username",
    "role",
    "action",
    "result",
    "object_type",
    "object_id",
    "object_repr",
    "address",
    "path",
    "detail",
)
#: Key of the PostgreSQL advisory lock held while a row is chained (any constant).
PG_LOCK_KEY = 0x6C69616E  # "lian"


def _normal(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "at":
        assert isinstance(value, datetime.datetime)
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "address":
        return str(ipaddress.ip_address(str(value)))
    if name == "user_id":
        return int(value)
    return str(value)


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes a row's hash is computed over: its fields as sorted, compact JSON."""
    data = {name: _normal(name, values.get(name)) for name in FIELDS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(values: Mapping[str, Any], prev_hash: str) -> str:
    """sha256 over the canonical row followed by the previous row's hash (hex)."""
    return hashlib.sha256(canonical(values) + prev_hash.encode("ascii")).hexdigest()


def lock(connection: Any) -> None:
    """Serialise chaining until the transaction ends (a no-op where writes are already serial)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    row_id: int
    at: datetime.datetime | None
    reason: str

    def message(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M:%S}" if self.at else "时间未知"
        return f"审计记录哈希链在编号 {self.row_id}（{when}）处断裂：{self.reason}"


@dataclass(frozen=True)
class Verified:
    rows: int
    last_hash: str
    broken: Break | None


def verify(rows: Iterable[Mapping[str, Any]]) -> Verified:
    """Walk ``rows`` (dicts with ``id``, the hashed fields and both hashes) in id order.

    The first row's ``prev_hash`` is taken as given: rows before it may have
    been pruned after the retention period.
    """
    count = 0
    last = ""
    for row in rows:
        count += 1
        if last and row["prev_hash"] != last:
            return Verified(
                count,
                last,
                Break(
                    row["id"],
                    row.get("at"),
                    "它记录的前一条哈希与实际的前一条不符，其前有记录被删除、插入或改写。",
                ),
            )
        if row_hash(row, row["prev_hash"]) != row["row_hash"]:
            return Verified(
                count,
                last,
                Break(row["id"], row.get("at"), "该记录的内容与其哈希不符，写入后被改动过。"),
            )
        last = row["row_hash"]
    return Verified(count, last, None)
