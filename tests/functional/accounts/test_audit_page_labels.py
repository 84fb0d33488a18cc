"""The audit trail names every page of the site in Chinese, not by its code name."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from lianbing.accounts.audit_labels import PAGE_LABELS


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from _names(entry, inner if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_page_of_ours_has_a_chinese_label_in_the_audit_trail() -> None:
    names = [n for n in _names(get_resolver()) if not n.startswith("admin")]
    assert len(names) > 50
    missing = [n for n in names if n not in PAGE_LABELS]
    assert missing == []
