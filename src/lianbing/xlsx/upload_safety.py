"""Inspecting an uploaded workbook before any XML in it is parsed.

An .xlsx is a zip archive of XML parts. Before openpyxl opens it we read only
the zip's central directory (no decompression) and refuse:

- a file larger than :data:`MAX_UPLOAD_BYTES` or not starting with the zip magic;
- more than :data:`MAX_ENTRIES` entries;
- a declared uncompressed total above :data:`MAX_UNCOMPRESSED_BYTES` (50 MB);
- any entry whose compression ratio exceeds :data:`MAX_RATIO` (zip bombs);
- nested archives (an entry that is itself a zip, or named like one);
- encrypted entries, and paths escaping the archive.

Declared sizes can lie, so :func:`check_xlsx` then streams each part through
the decompressor with the same budget, stopping at the first byte over it;
and the XML parts are scanned for a DOCTYPE (entity expansion such as the
"billion laughs" needs one; Excel never writes one). defusedxml, active under
openpyxl, would refuse them too; here they never reach a parser.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Final

MAX_UPLOAD_BYTES: Final = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES: Final = 50 * 1024 * 1024
MAX_ENTRIES: Final = 100
MAX_RATIO: Final = 100
ZIP_MAGIC: Final = b"PK\x03\x04"
NESTED_SUFFIXES: Final = (".zip", ".xlsx", ".xlsm", ".docx", ".jar", ".gz", ".7z", ".rar")
_CHUNK: Final = 64 * 1024
#: What zipfile raises while decompressing a damaged part: a size header that
#: lies or a bad CRC (BadZipFile), a method it cannot read such as Deflate64
#: (NotImplementedError), a corrupt deflate stream (zlib.error), a truncated one
#: (EOFError).
_DAMAGED_PART: Final = (
    zipfile.BadZipFile,
    NotImplementedError,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
)


class UnsafeUploadError(ValueError):
    """The file was refused before parsing; the message says why and what to do, in Chinese."""


def _refuse(reason: str) -> UnsafeUploadError:
    return UnsafeUploadError(f"{reason}请检查文件是否为 Excel 直接保存的 .xlsx 工作簿后重试。")


def check_xlsx(source: Path | str | BinaryIO) -> None:
    """Raise :class:`UnsafeUploadError` unless ``source`` is a plain, bounded .xlsx archive."""
    if isinstance(source, (str, Path)):
        with Path(source).open("rb") as handle:
            _check(handle)
    else:
        position = source.tell()
        try:
            _check(source)
        finally:
            source.seek(position)


def _check(handle: BinaryIO) -> None:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    if size > MAX_UPLOAD_BYTES:
        raise _refuse(
            f"文件过大（{size / 1048576:.1f} MB，上限 {MAX_UPLOAD_BYTES // 1048576} MB）。"
        )
    if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
        raise _refuse("文件不是 .xlsx 格式。")
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse("文件已损坏，无法作为 .xlsx 打开。") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise _refuse(f"文件内部条目过多（{len(entries)} 个，上限 {MAX_ENTRIES} 个）。")
        declared = sum(e.file_size for e in entries)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise _refuse(
                f"文件解压后过大（{declared / 1048576:.0f} MB，上限 {MAX_UNCOMPRESSED_BYTES // 1048576} MB）。"
            )
        for entry in entries:
            _check_entry(entry)
        budget = MAX_UNCOMPRESSED_BYTES
        for entry in entries:
            try:
                budget = _stream_entry(archive, entry, budget)
            except UnsafeUploadError:
                raise
            except _DAMAGED_PART:
                raise _refuse(
                    "文件已损坏（内部数据无法解压或校验不符），无法作为 .xlsx 打开。"
                ) from None


def _check_entry(entry: zipfile.ZipInfo) -> None:
    name = entry.filename
    if entry.flag_bits & 0x1:
        raise _refuse("文件含有加密内容。")
    if name.startswith("/") or ".." in name.split("/"):
        raise _refuse("文件内部路径异常。")
    if name.lower().endswith(NESTED_SUFFIXES):
        raise _refuse("文件内嵌了其他压缩包。")
    if entry.compress_size > 0 and entry.file_size / entry.compress_size > MAX_RATIO:
        raise _refuse("文件压缩比异常（疑似“压缩炸弹”）。")
    if entry.compress_size == 0 and entry.file_size > 0:
        raise _refuse("文件压缩比异常（疑似“压缩炸弹”）。")


def _stream_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> int:
    is_xml = entry.filename.lower().endswith((".xml", ".rels", ".vml"))
    tail = b""
    with archive.open(entry) as stream:
        first = True
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            budget -= len(chunk)
            if budget < 0:
                raise _refuse("文件解压后过大。")
            if first and chunk[:4] == ZIP_MAGIC:
                raise _refuse("文件内嵌了其他压缩包。")
            first = False
            if is_xml:
                # The overlap catches a marker split across two chunks.
                window = (tail + chunk).upper()
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise _refuse(
                        "文件含有 XML 文档类型或实体声明（DOCTYPE/ENTITY），可能是恶意构造的文件。"
                    )
                tail = chunk[-16:]
    return budget
