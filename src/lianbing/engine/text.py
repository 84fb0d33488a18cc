"""Chinese text: tokens, weighted term vectors and similarity.

The department describes people and posts in free Chinese text (专长, 工作经历,
短板, 重点任务, 岗位职责, 锻炼方向). This module turns such text into terms and
compares texts, so that scoring can reward a cadre whose strengths meet a
post's tasks.

Pipeline for one text:

1. jieba segmentation (a private :class:`jieba.Tokenizer`, exact mode, no HMM
   so that segmentation is deterministic) with the domain lexicon shipped in
   ``data/lexicon.txt``: government work terms such as 污水零直排 or 赛艇小镇 stay
   whole;
2. synonyms (``data/synonyms.txt``) collapse to one canonical term
   (数智化, 信息化 -> 数字化);
3. stop words (``data/stopwords.txt``), single characters, numbers and
   punctuation are dropped;
4. related terms (``data/related.txt``): a term that belongs to a topic also
   contributes the topic as a weaker term (:data:`TOPIC_WEIGHT`), so 污水零直排
   and 五水共治 meet on 治水 without being the same thing.

Weighting (documented choice): TF-IDF over the documents being compared, with a
sublinear term frequency ``ln(1 + count)`` and scikit-learn's smoothed inverse
document frequency ``idf(t) = ln((1 + N) / (1 + df(t))) + 1`` (N documents,
df(t) of them containing t); each document vector is L2-normalised and the
similarity of two documents is the cosine of their vectors (Salton & Buckley,
"Term-weighting approaches in automatic text retrieval", 1988). Counting the
corpus on the fly lets a term common to the whole pool (项目, 建设) weigh less
than a rare, telling one (赛艇).

Keyword rules used elsewhere in the engine (category and ability keywords) are
loaded here too, so all text resources live in one place.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Final

import jieba
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lianbing.engine import taxonomy

#: Count a topic term adds per occurrence of one of its members (related.txt).
TOPIC_WEIGHT: Final[float] = 0.5

#: Upper bound, in bytes, of the dense block used in :func:`similarity`.
_DENSE_BLOCK_BYTES: Final[int] = 64 * 1024 * 1024

_NOISE: Final = re.compile(r"^[\W\d_.%]+$")
#: Separators between the runs jieba segments independently (the complement of
#: jieba's ``re_han_default`` character class).
_BLOCK_SPLIT: Final = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_COMMENT: Final = "#"


@dataclass(frozen=True)
class Lexicon:
    """The text resources shipped in ``lianbing/engine/data``.

    ``terms`` are the domain terms kept whole by the tokenizer (lexicon,
    synonym variants and canonical forms, topic names and members);
    ``canonical`` maps a variant to its canonical term; ``topics`` maps a
    canonical term to the topics it belongs to; ``stop_words`` are dropped.
    """

    terms: frozenset[str]
    canonical: Mapping[str, str]
    topics: Mapping[str, tuple[str, ...]]
    stop_words: frozenset[str]


@dataclass(frozen=True)
class TermMatch:
    """A term two texts share, with the words of each text that produced it.

    ``left`` and ``right`` are the surface words as written in the first and
    the second text (e.g. term 赛艇, left ("赛艇",), right ("赛艇小镇",));
    ``weight`` orders matches, larger first.
    """

    term: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    weight: float


def _data_lines(name: str) -> list[str]:
    """Non-blank, non-comment lines of a data file, stripped."""
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
    terms = set(_data_lines("lexicon.txt"))
    # The vocabularies' own words (群众工作能力, 经济管理, 镇街道) stay whole so a
    # text naming an ability or category matches another naming it.
    terms.update(taxonomy.ABILITY_LABELS, taxonomy.CATEGORY_LABELS, taxonomy.UNIT_KIND_LABELS)
    canonical: dict[str, str] = {}
    for line in _data_lines("synonyms.txt"):
        head, variants = _split_rule(line, "=")
        terms.add(head)
        for variant in variants:
            canonical[variant] = head
            terms.add(variant)
    topics: dict[str, list[str]] = {}
    for line in _data_lines("related.txt"):
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
        stop_words=frozenset(_data_lines("stopwords.txt")),
    )


def _keyword_rules(name: str) -> list[tuple[str, tuple[str, ...]]]:
    rules = []
    for line in _data_lines(name):
        label, words = _split_rule(line, ":")
        rules.append((label, tuple(words)))
    return rules


@lru_cache(maxsize=1)
def category_keywords() -> Mapping[str, tuple[str, ...]]:
    """Keyword rules per category code, from ``data/category_keywords.txt``.

    Output: category code -> keywords, in the order of
    ``taxonomy.CATEGORIES``; a category without a rule maps to ``()``. The file
    names categories by their Chinese label, resolved through the taxonomy
    (an unknown label raises :class:`taxonomy.UnknownTermError`).
    """
    rules = {
        taxonomy.category(label).code: words
        for label, words in _keyword_rules("category_keywords.txt")
    }
    return {code: rules.get(code, ()) for code in taxonomy.CATEGORY_CODES}


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


class _Analyzer:
    """jieba tokenizer loaded with the lexicon; built once, on first use."""

    def __init__(self) -> None:
        self.lexicon = lexicon()
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        # Longest first, so that a long term's suggested frequency accounts for
        # the shorter lexicon terms it contains.
        for term in sorted(self.lexicon.terms, key=lambda t: (-len(t), t)):
            if len(term) > 1:
                tokenizer.add_word(term)
        self.tokenizer = tokenizer
        self.total = float(tokenizer.total)
        self.freq: dict[str, int] = dict(tokenizer.FREQ)

    def words(self, line: str) -> list[str]:
        return [str(word) for word in self.tokenizer.cut(line, HMM=False)]


_analyzer_lock: Final = threading.Lock()
_analyzer_instance: list[_Analyzer] = []


def _analyzer() -> _Analyzer:
    if not _analyzer_instance:
        with _analyzer_lock:
            if not _analyzer_instance:
                _analyzer_instance.append(_Analyzer())
    return _analyzer_instance[0]


@lru_cache(maxsize=1 << 16)
def _block_tokens(line: str) -> tuple[tuple[str, str], ...]:
    """(surface word, canonical term) pairs of one block of text, noise removed."""
    analyzer = _analyzer()
    lex = analyzer.lexicon
    pairs = []
    for raw in analyzer.words(line):
        word = raw.strip().lower()
        if not word or _NOISE.match(word):
            continue
        term = lex.canonical.get(word, word)
        if term in lex.stop_words or word in lex.stop_words:
            continue
        if len(term) == 1 and term not in lex.terms:
            continue
        pairs.append((word, term))
    return tuple(pairs)


def _pairs(text: str) -> list[tuple[str, str]]:
    # jieba cuts each run of Han characters and ASCII word characters on its
    # own (its re_han_default), so caching per run gives the same tokens as
    # cutting the whole text, and clauses shared by many profiles or fields
    # are segmented once.
    return [pair for block in _BLOCK_SPLIT.split(text) if block for pair in _block_tokens(block)]


def tokenize(text: str) -> tuple[str, ...]:
    """Canonical terms of ``text``, in order of appearance.

    Input: any Chinese (or mixed) text. Output: the terms left after
    segmentation with the domain lexicon, synonym collapsing and removal of
    stop words, single characters, numbers and punctuation. Topic terms from
    related.txt are not included (see :func:`term_counts`).
    """
    return tuple(term for _, term in _pairs(text))


def term_counts(text: str) -> dict[str, float]:
    """Raw term frequencies of ``text``, topic terms included.

    Output: term -> count, where each occurrence of a canonical term counts 1
    and also adds :data:`TOPIC_WEIGHT` to every topic the term belongs to.
    These are the frequencies :func:`similarity` weights with TF-IDF.
    """
    topics = lexicon().topics
    counts: dict[str, float] = {}
    for term in tokenize(text):
        counts[term] = counts.get(term, 0.0) + 1.0
        for topic in topics.get(term, ()):
            counts[topic] = counts.get(topic, 0.0) + TOPIC_WEIGHT
    return counts


def _count_matrix(docs: Sequence[str]) -> sp.csr_matrix:
    """Sparse ``ln(1 + count)`` matrix of shape (len(docs), size of their vocabulary)."""
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for doc in docs:
        for term, count in term_counts(doc).items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(count)
        indptr.append(len(indices))
    data = np.log1p(np.asarray(values, dtype=np.float64))
    return sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(docs), max(len(vocabulary), 1)),
    )


def _tfidf(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Multiply by the smoothed IDF of the rows' own corpus and L2-normalise rows."""
    n_docs = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    weighted = matrix.copy()
    weighted.data = weighted.data * idf[weighted.indices]
    rows = np.repeat(np.arange(n_docs), np.diff(weighted.indptr))
    norms = np.sqrt(np.bincount(rows, weights=weighted.data**2, minlength=n_docs))
    weighted.data = weighted.data / norms[rows]
    return weighted.astype(np.float32)


def similarity(docs_a: Sequence[str], docs_b: Sequence[str]) -> NDArray[np.float32]:
    """Cosine similarity of every text of ``docs_a`` with every text of ``docs_b``.

    Inputs: two sequences of texts. Output: float32 array of shape
    ``(len(docs_a), len(docs_b))`` with values in [0, 1]; 0 when the texts share
    no term (or one of them is empty). Rule: TF-IDF vectors as described in
    the module docstring, the IDF counted over ``docs_a`` and ``docs_b``
    together (so ``similarity(a, b) == similarity(b, a).T``), cosine =
    dot product of the L2-normalised vectors (Salton & Buckley 1988).

    Cost: tokens are cached per run of text; the product is a sparse matrix times
    dense blocks of at most 64 MiB restricted to the terms of ``docs_b``, so
    10,000 x 2,000 texts need about one output array of memory.
    """
    n_a, n_b = len(docs_a), len(docs_b)
    out = np.zeros((n_a, n_b), dtype=np.float32)
    if n_a == 0 or n_b == 0:
        return out
    counts = _count_matrix([*docs_a, *docs_b])
    if counts.nnz == 0:
        return out
    weighted = _tfidf(counts)
    left = weighted[:n_a]
    right = weighted[n_a:]
    # Only the terms of docs_b can contribute to a dot product.
    columns = np.unique(right.indices)
    left = sp.csr_matrix(left[:, columns])
    right_t = sp.csc_matrix(right[:, columns].T)
    block = max(1, _DENSE_BLOCK_BYTES // (4 * max(len(columns), 1)))
    for start in range(0, n_b, block):
        stop = min(n_b, start + block)
        dense = right_t[:, start:stop].toarray()
        out[:, start:stop] = left @ dense
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _prior_weight(term: str) -> float:
    """Corpus-free importance of a term, for ordering explanations.

    Domain terms (lexicon, synonyms, topics) weigh as much as the rarest word;
    other words weigh their inverse frequency in jieba's dictionary.
    """
    analyzer = _analyzer()
    if term in analyzer.lexicon.terms:
        return math.log(analyzer.total)
    return math.log(analyzer.total / (analyzer.freq.get(term, 0) + 1.0))


def _surfaces(text: str) -> dict[str, list[str]]:
    """term -> surface words of ``text`` that produced it (topics included)."""
    topics = lexicon().topics
    table: dict[str, list[str]] = {}
    for word, term in _pairs(text):
        for key in (term, *topics.get(term, ())):
            words = table.setdefault(key, [])
            if word not in words:
                words.append(word)
    return table


def term_matches(a: str, b: str) -> list[TermMatch]:
    """Terms shared by two texts, with the words that produced them, best first.

    Inputs: two texts. Output: one :class:`TermMatch` per shared canonical or
    topic term. Rule: weight = ln(1 + count_a) * ln(1 + count_b) * prior
    weight of the term (domain terms highest, then rarer words), counts as in
    :func:`term_counts`; ties broken by the term itself so the order is
    deterministic.
    """
    counts_a, counts_b = term_counts(a), term_counts(b)
    shared = counts_a.keys() & counts_b.keys()
    if not shared:
        return []
    surfaces_a, surfaces_b = _surfaces(a), _surfaces(b)
    matches = [
        TermMatch(
            term=term,
            left=tuple(surfaces_a.get(term, ())),
            right=tuple(surfaces_b.get(term, ())),
            weight=math.log1p(counts_a[term]) * math.log1p(counts_b[term]) * _prior_weight(term),
        )
        for term in shared
    ]
    matches.sort(key=lambda m: (-m.weight, m.term))
    return matches


def matched_terms(a: str, b: str) -> list[str]:
    """Canonical terms shared by ``a`` and ``b``, most telling first.

    Output: the terms of :func:`term_matches`, in its order; empty when the
    texts share nothing. Used to explain a match in words.
    """
    return [match.term for match in term_matches(a, b)]


if TYPE_CHECKING:  # at the end: lianbing.engine.suggest imports this module
    from lianbing.engine.suggest import Suggestion


def suggest(task_text: str) -> Suggestion:
    """Suggested category, core abilities and expertise tags of a demand text.

    The public name of :func:`lianbing.engine.suggest.suggest` (see that module
    for the rules); imported on call because that module builds on this one.
    """
    from lianbing.engine.suggest import suggest as _suggest

    return _suggest(task_text)
