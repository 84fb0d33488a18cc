"""Reading record ids from a request's query string.

A filter such as ``?unit=12`` names a row by its id. Whatever else arrives
(``?unit=²``, which ``str.isdigit`` accepts and ``int`` refuses; a 23-digit
number that overflows SQLite's 64-bit integers; ``0`` or ``-1``) is treated
as if the parameter were absent, so a hand-edited link shows the unfiltered
page rather than an error. Every view reads its id parameters through here.
"""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest

#: The largest id any table can hold: ids are ``BigAutoField`` (64-bit signed)
#: on every database (``DEFAULT_AUTO_FIELD``).
MAX_ID: Final = 2**63 - 1


def positive_id(value: str | None) -> int | None:
    """``value`` as a positive id within the database's range, else None."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def id_param(request: HttpRequest, name: str, *, post_too: bool = False) -> int | None:
    """The id in the query parameter ``name`` (or, with ``post_too``, the POST field), else None."""
    value = request.GET.get(name, "")
    if not value and post_too:
        value = request.POST.get(name, "")
    return positive_id(value)
