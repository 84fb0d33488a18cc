"""The balance table's candidate cells, written in Python.

A page of the table lists fifty posts with four candidates each; rendered by
the template language, two hundred cells of a dozen lookups each were most of
the page's server time at province scale (``bench/load_pages.py``).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lianbing.matching.selectors import BalanceRow, CandidateCell

register = template.Library()

_RECOMMENDED = format_html(' data-recommended="{}"', 1)


def _item(cell: CandidateCell, post_code: str, link: str) -> SafeString:
    recommended = cell.recommended
    decision = (
        format_html(
            ' <span class="badge text-bg-light border" data-testid="candidate-decision">{}</span>',
            cell.decision,
        )
        if cell.decision
        else ""
    )
    return format_html(
        '<li class="lb-candidate{}" data-cadre="{}" data-post="{}"{}>'
        '<a href="{}" hx-get="{}" hx-target="#pair-panel" hx-swap="innerHTML" '
        'class="text-nowrap">{}{}</a>{} <span class="fw-bold">{}</span> '
        '<span class="small text-secondary">{}</span> '
        '<span class="small text-secondary d-none d-lg-inline">{}</span></li>',
        " lb-recommended" if recommended else "",
        cell.code,
        post_code,
        _RECOMMENDED if recommended else "",
        link,
        link,
        "★ " if recommended else "",
        cell.name,
        decision,
        cell.total,
        cell.parts,
        cell.origin,
    )


@register.filter
def candidate_items(row: BalanceRow, pair_base: str) -> SafeString:
    """The row's candidates as ``<li>`` items; each links to its pair's panel under ``pair_base``."""
    post = row.post
    return format_html_join(
        "\n",
        "{}",
        ((_item(c, post.code, f"{pair_base}{c.cadre_id}/{post.pk}/"),) for c in row.candidates),
    )
