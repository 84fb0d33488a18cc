"""The engine's text resources: the data files of ``lianbing/engine/data``.

Every word list the engine reads lives in one folder of UTF-8 text files, one
rule a line, ``#`` starting a comment:

* ``lexicon.txt``: domain terms kept whole by the tokenizer (污水零直排, 赛艇小镇);
* ``places.txt``: names of the city's units and places, kept whole like the
  lexicon's terms but never suggested as expertise tags;
* ``synonyms.txt``: ``canonical = variant variant ...``;
* ``related.txt``: ``topic > member member ...`` (members in canonical form);
* ``stopwords.txt``: words dropped from every text;
* ``category_keywords.txt`` and ``ability_keywords.txt``: ``label: keyword ...``
  per category and ability, read from a cadre's or a post's text;
* ``demand_keywords.txt``: ``label: keyword ...`` per category, the extra words
  of a host unit's demand text.

This module only loads and checks those files (each once); :mod:`text` turns
texts into terms with them and :mod:`suggest` reads demands with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

from lianbing.engine import taxonomy

_COMMENT: Final = "#"


@dataclass(frozen=True)
class Lexicon:
    """The text resources shipped in ``lianbing/engine/data``.

    ``terms`` are the domain terms kept whole by the tokenizer (lexicon,
    synonym variants and canonical forms, topic names and members);
    ``canonical`` maps a variant to its canonical term; ``topics`` maps a
    canonical term to the topics it belongs to; ``stop_words`` are dropped;
    ``places`` are the terms naming a unit or place (kept whole, so also in
    ``terms``, but never an expertise tag).
    """

    terms: frozenset[str]
    canonical: Mapping[str, str]
    topics: Mapping[str, tuple[str, ...]]
    stop_words: frozenset[str]
    places: frozenset[str] = frozenset()


def data_lines(name: str) -> list[str]:
    """Non-blank, non-comment lines of the data file ``name``, stripped."""
    path = resources.files("lianbing.engine") / "data" / name
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(_COMMENT, 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _split_rule(line: str, separator: str) -> tuple[str, list[str]]:
    head, _, tail = line.partition(separator)
    if not tail.strip():
        raise ValueError(f"词表格式错误：“{line}”缺少“{separator}”后的词语")
    return head.strip(), tail.split()


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the lexicon, synonyms, related topics and stop words (once).

    Inputs: the UTF-8 files ``lexicon.txt``, ``synonyms.txt``, ``related.txt``
    and ``stopwords.txt`` of the package's ``data`` folder. Output: a
    :class:`Lexicon`. Rule: topic members are written in canonical form, and
    every variant, canonical term, topic and member is a domain term, and so
    are the labels of the taxonomy (abilities, categories, unit kinds).
    """
    places = frozenset(data_lines("places.txt"))
    terms = set(data_lines("lexicon.txt")) | places
    # The vocabularies' own words (群众工作能力, 经济管理, 镇街道) stay whole so a
    # text naming an ability or category matches another naming it.
    terms.update(taxonomy.ABILITY_LABELS, taxonomy.CATEGORY_LABELS, taxonomy.UNIT_KIND_LABELS)
    canonical: dict[str, str] = {}
    for line in data_lines("synonyms.txt"):
        head, variants = _split_rule(line, "=")
        terms.add(head)
        for variant in variants:
            canonical[variant] = head
            terms.add(variant)
    topics: dict[str, list[str]] = {}
    for line in data_lines("related.txt"):
        topic, members = _split_rule(line, ">")
        terms.add(topic)
        for member in members:
            term = canonical.get(member, member)
            terms.add(term)
            if term != topic and topic not in topics.setdefault(term, []):
                topics[term].append(topic)
    return Lexicon(
        terms=frozenset(terms),
        canonical=canonical,
        topics={term: tuple(names) for term, names in topics.items()},
        stop_words=frozenset(data_lines("stopwords.txt")),
        places=places,
    )


def _keyword_rules(name: str) -> list[tuple[str, tuple[str, ...]]]:
    rules = []
    for line in data_lines(name):
        label, words = _split_rule(line, ":")
        rules.append((label, tuple(words)))
    return rules


def _category_rules(name: str) -> Mapping[str, tuple[str, ...]]:
    """Category code -> keywords of a ``label: keyword ...`` file, in taxonomy order."""
    rules = {taxonomy.category(label).code: words for label, words in _keyword_rules(name)}
    return {code: rules.get(code, ()) for code in taxonomy.CATEGORY_CODES}


@lru_cache(maxsize=1)
def category_keywords() -> Mapping[str, tuple[str, ...]]:
    """Keyword rules per category code, from ``data/category_keywords.txt``.

    Output: category code -> keywords, in the order of
    ``taxonomy.CATEGORIES``; a category without a rule maps to ``()``. The file
    names categories by their Chinese label, resolved through the taxonomy
    (an unknown label raises :class:`taxonomy.UnknownTermError`).
    """
    return _category_rules("category_keywords.txt")


@lru_cache(maxsize=1)
def demand_keywords() -> Mapping[str, tuple[str, ...]]:
    """Extra keywords per category code for demand texts, from ``data/demand_keywords.txt``.

    Output and rule as :func:`category_keywords`: category code -> keywords in
    taxonomy order, ``()`` for a category without a rule.
    """
    return _category_rules("demand_keywords.txt")


@lru_cache(maxsize=1)
def ability_keywords() -> Mapping[str, tuple[str, ...]]:
    """Keyword rules per ability code, from ``data/ability_keywords.txt``.

    Output: ability code -> keywords, in the order of ``taxonomy.ABILITIES``.
    The ability's own label and short form (label without 能力) are always
    included first, so 群众工作 in a text points to 群众工作能力.
    """
    rules = {
        taxonomy.ability(label).code: words
        for label, words in _keyword_rules("ability_keywords.txt")
    }
    table: dict[str, tuple[str, ...]] = {}
    for term in taxonomy.ABILITIES:
        short = term.label.removesuffix("能力")
        table[term.code] = (term.label, short, *rules.get(term.code, ()))
    return table
