"""Suggestions read from the text of a host unit's demand.

A host unit describes what it needs in free Chinese text (重点任务, 岗位职责,
所需专长). :func:`suggest` reads that text and proposes the category of the
five, the core abilities and the expertise tags, each with the words that
triggered it, so the unit's contact sees why and can change any of them.

Rules (keyword rules, no statistical model, so every suggestion is explained
by its words):

* **category**: each category scores the keywords of
  ``data/category_keywords.txt`` and ``data/demand_keywords.txt`` found in the
  text, each distinct keyword once, weighing its length in characters (a long
  keyword such as 安全生产 says more than 工程). A keyword is found when it is
  a substring of the text or one of the text's canonical or topic terms
  (:func:`text.term_counts`), so a synonym or a member of a topic (污水零直排 ->
  治水) counts too. The highest score wins; ties go to the category with the
  longest single keyword found, then to the earlier category of the taxonomy.
  With no keyword at all the first category (党政群团) is suggested and
  ``evidence`` is empty, which the interface shows as "no basis".
* **abilities**: the abilities whose keywords (``data/ability_keywords.txt``,
  via :func:`lexicon.ability_keywords`) occur in the text, by number of distinct
  keywords found, then taxonomy order; at most :data:`MAX_ABILITIES`. Suggested
  weights are 3, 2, 1 by rank.
* **tags**: the domain terms (lexicon, synonyms, topics) among the text's
  canonical terms, in order of appearance, without the vocabularies' own
  labels and without place names (``data/places.txt``); at most :data:`MAX_TAGS`.

The accuracy of the category rule on a labelled set is measured by
:func:`evaluate` and reported in ``docs/demand-suggestion.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from lianbing.engine import lexicon, taxonomy, text

MAX_ABILITIES: Final[int] = 3
MAX_TAGS: Final[int] = 8
#: Suggested core-ability weights by rank (first, second, third).
RANK_WEIGHTS: Final[tuple[float, ...]] = (3.0, 2.0, 1.0)


@dataclass(frozen=True)
class Suggestion:
    """What :func:`suggest` proposes for one demand text.

    ``category`` is the Chinese label of one of the five categories and
    ``category_code`` its code; ``category_evidence`` the keywords that voted
    for it. ``abilities`` are ability labels, best first, with
    ``ability_codes``, ``ability_weights`` (3, 2, 1 by rank) and
    ``ability_evidence`` (keywords per suggested ability) alongside.
    ``tags`` are expertise tags (canonical domain terms). ``evidence`` is every
    trigger word of the category and abilities, in order of appearance in the
    text. ``scores`` holds the category scores in taxonomy order.
    """

    category: str
    category_code: str
    abilities: tuple[str, ...]
    tags: tuple[str, ...]
    evidence: tuple[str, ...]
    category_evidence: tuple[str, ...] = ()
    ability_codes: tuple[str, ...] = ()
    ability_weights: tuple[float, ...] = ()
    ability_evidence: tuple[tuple[str, ...], ...] = ()
    scores: tuple[float, ...] = ()

    @property
    def has_basis(self) -> bool:
        """True when at least one keyword supports the category."""
        return bool(self.category_evidence)


@lru_cache(maxsize=1)
def category_rules() -> Mapping[str, tuple[str, ...]]:
    """Keywords per category code: origin-unit keywords and demand keywords, deduplicated."""
    demand = lexicon.demand_keywords()
    table: dict[str, tuple[str, ...]] = {}
    for code, words in lexicon.category_keywords().items():
        table[code] = tuple(dict.fromkeys((*words, *demand.get(code, ()))))
    return table


def _found(keywords: Iterable[str], haystack: str, terms: Mapping[str, float]) -> list[str]:
    return [word for word in keywords if word in haystack or word in terms]


def _first_position(word: str, haystack: str) -> int:
    position = haystack.find(word)
    return position if position >= 0 else len(haystack)


def suggest(task_text: str) -> Suggestion:
    """Suggest category, core abilities and expertise tags for a demand text.

    Input: the demand's text (key task, duties and needed expertise, joined).
    Output: a :class:`Suggestion`. Rule: the keyword rules of the module
    docstring. Deterministic; never raises for any string.
    """
    haystack = task_text.strip()
    terms = text.term_counts(haystack) if haystack else {}

    scores: list[float] = []
    longest: list[int] = []
    hits_by_category: list[list[str]] = []
    for code in taxonomy.CATEGORY_CODES:
        hits = _found(category_rules()[code], haystack, terms)
        hits_by_category.append(hits)
        scores.append(float(sum(len(word) for word in hits)))
        longest.append(max((len(word) for word in hits), default=0))
    best = min(
        range(len(taxonomy.CATEGORY_CODES)),
        key=lambda k: (-scores[k], -longest[k], k),
    )
    category = taxonomy.CATEGORIES[best]

    ability_hits: list[tuple[int, int, list[str]]] = []
    for k, keywords in enumerate(lexicon.ability_keywords().values()):
        hits = _found(dict.fromkeys(keywords), haystack, terms)
        # The short form (群众工作) is part of the label (群众工作能力): one hit, not two.
        hits = [w for w in hits if not any(w != o and w in o for o in hits)]
        if hits:
            ability_hits.append((-len(hits), k, hits))
    ability_hits.sort(key=lambda item: (item[0], item[1]))
    chosen = ability_hits[:MAX_ABILITIES]
    abilities = tuple(taxonomy.ABILITIES[k] for _, k, _ in chosen)

    category_evidence = tuple(
        sorted(hits_by_category[best], key=lambda w: (_first_position(w, haystack), w))
    )
    ability_evidence = tuple(tuple(hits) for _, _, hits in chosen)
    evidence_words = dict.fromkeys(
        [*category_evidence, *(w for hits in ability_evidence for w in hits)]
    )
    evidence = tuple(sorted(evidence_words, key=lambda w: (_first_position(w, haystack), w)))

    return Suggestion(
        category=category.label,
        category_code=category.code,
        abilities=tuple(t.label for t in abilities),
        tags=_tags(haystack),
        evidence=evidence,
        category_evidence=category_evidence,
        ability_codes=tuple(t.code for t in abilities),
        ability_weights=RANK_WEIGHTS[: len(abilities)],
        ability_evidence=ability_evidence,
        scores=tuple(scores),
    )


_LABELS: Final[frozenset[str]] = frozenset(
    (
        *taxonomy.CATEGORY_LABELS,
        *taxonomy.ABILITY_LABELS,
        *taxonomy.UNIT_KIND_LABELS,
        *(label.removesuffix("能力") for label in taxonomy.ABILITY_LABELS),
    )
)


def _tags(haystack: str) -> tuple[str, ...]:
    vocabulary = lexicon.lexicon()
    domain, places = vocabulary.terms, vocabulary.places
    tags = [
        term
        for term in text.tokenize(haystack)
        if term in domain and term not in _LABELS and term not in places
    ]
    return tuple(dict.fromkeys(tags))[:MAX_TAGS]


@dataclass(frozen=True)
class Evaluation:
    """Accuracy of the category suggestion on a labelled set.

    ``accuracy`` = correct / total; ``confusion[i][j]`` counts texts labelled
    category ``i`` and suggested ``j`` (taxonomy order); ``misses`` lists
    (text, label, suggested label) of the wrong ones.
    """

    total: int
    correct: int
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]
    misses: tuple[tuple[str, str, str], ...]


def evaluate(labelled: Sequence[tuple[str, str]]) -> Evaluation:
    """Measure :func:`suggest`'s category on (category label or code, text) pairs.

    Output: an :class:`Evaluation`; accuracy is 0.0 for an empty set. An
    unknown label raises :class:`taxonomy.UnknownTermError`.
    """
    n = len(taxonomy.CATEGORY_CODES)
    confusion = [[0] * n for _ in range(n)]
    misses: list[tuple[str, str, str]] = []
    for label, task in labelled:
        truth = taxonomy.CATEGORY_CODES.index(taxonomy.category(label).code)
        guess = suggest(task)
        guessed = taxonomy.CATEGORY_CODES.index(guess.category_code)
        confusion[truth][guessed] += 1
        if truth != guessed:
            misses.append((task, taxonomy.CATEGORY_LABELS[truth], guess.category))
    total = len(labelled)
    correct = sum(confusion[k][k] for k in range(n))
    return Evaluation(
        total=total,
        correct=correct,
        accuracy=correct / total if total else 0.0,
        confusion=tuple(tuple(row) for row in confusion),
        misses=tuple(misses),
    )
