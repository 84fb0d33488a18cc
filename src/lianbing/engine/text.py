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

The data files themselves (lexicon, synonyms, topics, stop words, keyword
rules) are loaded by :mod:`lianbing.engine.lexicon`.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import jieba
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lianbing.engine.lexicon import lexicon

#: Count a topic term adds per occurrence of one of its members (related.txt).
TOPIC_WEIGHT: Final[float] = 0.5

#: Upper bound, in bytes, of the dense block used in :func:`similarity`.
_DENSE_BLOCK_BYTES: Final[int] = 64 * 1024 * 1024

_NOISE: Final = re.compile(r"^[\W\d_.%]+$")
#: Separators between the runs jieba segments independently (the complement of
#: jieba's ``re_han_default`` character class).
_BLOCK_SPLIT: Final = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


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
