"""Workbooks damaged at the zip level, as a careless tool or an attacker leaves them.

Each builder takes a good workbook and returns a copy whose archive passes the
central-directory checks but breaks while a part is decompressed.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"


def _sheet(path: Path) -> zipfile.ZipInfo:
    with zipfile.ZipFile(path) as archive:
        return next(i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet"))


def _central_offset(data: bytes, name: str) -> int:
    start = 0
    while True:
        at = data.index(_CENTRAL, start)
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length].decode() == name:
            return at
        start = at + 4


def _data_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    at = info.header_offset
    assert data[at : at + 4] == _LOCAL
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    return at + 30 + name_len + extra_len


def _patched(good: Path, target: Path, patch: Callable[[bytearray, zipfile.ZipInfo], None]) -> Path:
    data = bytearray(good.read_bytes())
    patch(data, _sheet(good))
    target.write_bytes(bytes(data))
    return target


def lying_size(good: Path, target: Path) -> Path:
    """The sheet's uncompressed size is declared smaller than what the stream holds.

    (A zip bomb's way past the declared-size checks.)
    """

    def patch(data: bytearray, info: zipfile.ZipInfo) -> None:
        size = info.file_size // 2
        struct.pack_into("<I", data, info.header_offset + 22, size)
        struct.pack_into("<I", data, _central_offset(bytes(data), info.filename) + 24, size)

    return _patched(good, target, patch)


def bad_crc(good: Path, target: Path) -> Path:
    """The sheet's recorded CRC-32 does not match its content (``BadZipFile``)."""

    def patch(data: bytearray, info: zipfile.ZipInfo) -> None:
        crc = info.CRC ^ 0xFFFF
        struct.pack_into("<I", data, info.header_offset + 14, crc)
        struct.pack_into("<I", data, _central_offset(bytes(data), info.filename) + 16, crc)

    return _patched(good, target, patch)


def deflate64(good: Path, target: Path) -> Path:
    """The sheet claims the Deflate64 method (9), which zipfile cannot read."""

    def patch(data: bytearray, info: zipfile.ZipInfo) -> None:
        struct.pack_into("<H", data, info.header_offset + 8, 9)
        struct.pack_into("<H", data, _central_offset(bytes(data), info.filename) + 10, 9)

    return _patched(good, target, patch)


def corrupt_deflate(good: Path, target: Path) -> Path:
    """The sheet's deflate stream starts with a reserved block type (``zlib.error``)."""

    def patch(data: bytearray, info: zipfile.ZipInfo) -> None:
        assert info.compress_type == zipfile.ZIP_DEFLATED
        data[_data_offset(bytes(data), info)] = 0xFF

    return _patched(good, target, patch)


MALFORMED = {
    "size header lies": lying_size,
    "bad CRC": bad_crc,
    "Deflate64": deflate64,
    "corrupt deflate stream": corrupt_deflate,
}
