"""The data files of the engine, loaded once for text, scoring and suggestions."""

from __future__ import annotations

from lianbing.engine import lexicon, suggest, taxonomy, text


def test_keyword_rules_cover_every_category_and_ability() -> None:
    categories = lexicon.category_keywords()

    abilities = lexicon.ability_keywords()

    assert list(categories) == list(taxonomy.CATEGORY_CODES)
    assert all(categories.values())
    assert list(abilities) == list(taxonomy.ABILITY_CODES)
    assert all(abilities[t.code][0] == t.label for t in taxonomy.ABILITIES)


def test_demand_keywords_are_keyed_by_category_code_in_taxonomy_order() -> None:
    demand = lexicon.demand_keywords()

    assert list(demand) == list(taxonomy.CATEGORY_CODES)
    assert any(demand.values())


def test_the_suggestion_rules_are_the_category_keywords_then_the_demand_keywords() -> None:
    categories, demand = lexicon.category_keywords(), lexicon.demand_keywords()

    rules = suggest.category_rules()

    for code in taxonomy.CATEGORY_CODES:
        assert rules[code] == tuple(dict.fromkeys((*categories[code], *demand[code])))


def test_synonym_variants_map_to_a_canonical_term_that_is_a_domain_term() -> None:
    loaded = lexicon.lexicon()

    assert loaded.canonical
    assert all(term in loaded.terms for term in loaded.canonical.values())
    assert all(variant in loaded.terms for variant in loaded.canonical)


def test_text_reads_the_same_lexicon_object() -> None:
    assert text.lexicon() is lexicon.lexicon()
