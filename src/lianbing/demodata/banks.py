"""The phrase banks of the demo generator, read once from ``demodata/data/*.toml``.

The files hold only words and weights; this module turns them into frozen
records and checks every category and ability code against the taxonomy, so
that a change there fails loudly on the first load instead of drifting.
Order in the files is order in the records: the generator draws by position,
so reordering a list changes the generated program.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lianbing.engine import taxonomy

_DEPARTMENT, _TOWN, _PLATFORM = taxonomy.UNIT_KIND_CODES
ANY_TOWN = ""  # among a template's units: any town or street as well


@dataclass(frozen=True)
class Department:
    name: str
    short: str
    category: str
    sections: tuple[str, ...]
    expertise: tuple[str, ...]
    deputy: str  # the unit-level deputy title (副局长, 副主任 ...)


@dataclass(frozen=True)
class Host:
    name: str
    short: str
    kind: str
    weight: int  # share of the posts
    categories: tuple[tuple[str, int], ...]  # category weights of its posts
    mentors: tuple[tuple[str, tuple[str, ...]], ...]  # position, categories it covers
    parent: str | None = None


@dataclass(frozen=True)
class PostTemplate:
    """A kind of post. Text placeholders: {u} unit, {s} its short name, {n} and {m} counts."""

    name: str
    category: str
    duties: str
    tasks: tuple[str, ...]
    expertise: str
    core: tuple[tuple[str, float], ...]
    develops: tuple[str, ...]  # ability codes the post trains
    experience: str  # experience the post gives
    units: tuple[str, ...] = ()  # where it is offered; () = any town or street


@dataclass(frozen=True)
class ArticlePost:
    name: str
    unit: str
    category: str
    duties: str
    key_tasks: str
    expertise: str
    core: tuple[tuple[str, float], ...]
    develops: tuple[str, ...]
    experience: str
    mentor: str = ""


@dataclass(frozen=True)
class ArticleCadre:
    name: str
    gender: str
    age: int
    birth_month: int
    education: str
    major: str
    origin: str
    position: str
    rank: str
    category: str | None
    abilities: tuple[int, ...]
    expertise: str
    shortcomings: str
    # (years before the program, month, unit, position); the last one is current
    history: tuple[tuple[int, int, str, str], ...]
    prefers_own_post: bool


@dataclass(frozen=True)
class Names:
    surnames: str
    male_first: str
    male_second: str
    male_single: str
    female_first: str
    female_second: str
    female_single: str


@dataclass(frozen=True)
class Shortcomings:
    no_grassroots: str
    short_grassroots: str
    no_enterprise: str
    one_unit: str


@dataclass(frozen=True)
class Banks:
    """Every phrase bank of the generator."""

    towns: tuple[Host, ...]
    platforms: tuple[Host, ...]
    departments: tuple[Department, ...]
    templates: tuple[PostTemplate, ...]
    article_posts: tuple[ArticlePost, ...]
    article_cadres: tuple[ArticleCadre, ...]
    article_mentor: str
    article_mentor_unit: str
    bystanders: tuple[str, ...]
    names: Names
    education: tuple[tuple[str, int, int], ...]  # degree, weight, age at graduation
    majors: Mapping[str, tuple[str, ...]]  # by category
    strengths: Mapping[str, tuple[str, ...]]  # ability codes by category
    weaknesses: Mapping[str, str]  # by ability code
    shortcomings: Shortcomings
    general_skills: tuple[str, ...]
    grassroots_offices: tuple[str, ...]
    grassroots_first_jobs: tuple[str, ...]
    closed_departments: tuple[str, ...]
    staff_titles: Mapping[str, str]  # by department
    office_titles: tuple[str, str, str]
    section_titles: tuple[tuple[str, tuple[str, ...]], ...]  # suffix, titles
    ranks: tuple[tuple[tuple[str, int], ...], ...]  # by level

    @functools.cached_property
    def hosts(self) -> tuple[Host, ...]:
        return self.towns + self.platforms

    @functools.cached_property
    def host_by_name(self) -> dict[str, Host]:
        return {h.name: h for h in self.hosts}

    @functools.cached_property
    def open_departments(self) -> dict[str, list[Department]]:
        """Departments of each category whose posts are filled by transfer."""
        return {
            c: [
                d
                for d in self.departments
                if d.category == c and d.name not in self.closed_departments
            ]
            for c in taxonomy.CATEGORY_CODES
        }


@functools.cache
def banks() -> Banks:
    """Read and check the phrase banks (once per process)."""
    hosts = _read("hosts.toml")
    people = _read("people.toml")
    article = _read("article.toml")
    careers = people["careers"]
    towns = tuple(_town(t, hosts) for t in hosts["town"])
    platforms = tuple(_platform(p) for p in hosts["platform"])
    departments = tuple(_department(d) for d in _read("departments.toml")["department"])
    result = Banks(
        towns=towns,
        platforms=platforms,
        departments=departments,
        templates=tuple(_template(t) for t in _read("posts.toml")["template"]),
        article_posts=tuple(_article_post(p) for p in article["post"]),
        article_cadres=tuple(_article_cadre(c) for c in article["cadre"]),
        article_mentor=article["mentor"]["name"],
        article_mentor_unit=article["mentor"]["unit"],
        bystanders=tuple(article["bystanders"]),
        names=Names(**people["names"]),
        education=tuple((e["name"], e["weight"], e["graduation_age"]) for e in people["education"]),
        majors={
            c: tuple(m) for c, m in _by_code(people["majors"], taxonomy.CATEGORY_CODES).items()
        },
        strengths={
            c: _abilities(a, "strengths")
            for c, a in _by_code(people["strengths"], taxonomy.CATEGORY_CODES).items()
        },
        weaknesses=_by_code(people["weaknesses"], taxonomy.ABILITY_CODES),
        shortcomings=Shortcomings(**people["shortcomings"]),
        general_skills=tuple(careers["general_skills"]),
        grassroots_offices=tuple(careers["grassroots_offices"]),
        grassroots_first_jobs=tuple(careers["grassroots_first_jobs"]),
        closed_departments=tuple(careers["closed_departments"]),
        staff_titles=dict(careers["staff_titles"]),
        office_titles=_three(careers["office_titles"]),
        section_titles=tuple((s["suffix"], _three(s["titles"])) for s in careers["section_titles"]),
        ranks=tuple(tuple(level.items()) for level in careers["ranks"]),
    )
    _check_references(result)
    return result


def _read(name: str) -> dict[str, Any]:
    path = resources.files("lianbing.demodata") / "data" / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _category(code: str, where: str) -> str:
    if code not in taxonomy.CATEGORY_CODES:
        raise ValueError(f"{where}: unknown post category {code!r}")
    return code


def _abilities(codes: Sequence[str], where: str) -> tuple[str, ...]:
    unknown = [c for c in codes if c not in taxonomy.ABILITY_CODES]
    if unknown:
        raise ValueError(f"{where}: unknown abilities {unknown!r}")
    return tuple(codes)


def _categories(codes: Iterable[str], where: str) -> tuple[str, ...]:
    return tuple(_category(c, where) for c in codes)


def _core(table: Mapping[str, int], where: str) -> tuple[tuple[str, float], ...]:
    # The weights stay ints, as they were typed: the generated program is compared
    # to a stored digest, where 3 and 3.0 differ.
    _abilities(list(table), where)
    return tuple(table.items())


def _three(titles: Sequence[str]) -> tuple[str, str, str]:
    staff, deputy, head = titles
    return staff, deputy, head


def _by_code(table: dict[str, Any], codes: Sequence[str]) -> dict[str, Any]:
    if set(table) != set(codes):
        raise ValueError(f"expected exactly the codes {codes!r}, got {sorted(table)!r}")
    return table


def _portfolio(
    rows: Iterable[Mapping[str, Any]], where: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (
            row["position"],
            _categories(row["covers"], where) if "covers" in row else taxonomy.CATEGORY_CODES,
        )
        for row in rows
    )


def _town(row: Mapping[str, Any], hosts: Mapping[str, Any]) -> Host:
    """A town or street; a category it is known for gets one more share of its posts."""
    name = row["name"]
    defaults = hosts["town_defaults"]
    known_for = _categories(row["known_for"], name)
    weights = tuple(
        (_category(c, name), w + (c in known_for)) for c, w in defaults["categories"].items()
    )
    mentors = _portfolio(hosts["portfolios"][row["portfolio"]], name)
    return Host(name, row["short"], _TOWN, defaults["weight"], weights, mentors)


def _platform(row: Mapping[str, Any]) -> Host:
    name = row["name"]
    weights = tuple((_category(c, name), w) for c, w in row["categories"].items())
    mentors = _portfolio(row["mentors"], name)
    return Host(name, row["short"], _PLATFORM, row["weight"], weights, mentors, row.get("parent"))


def _department(row: Mapping[str, Any]) -> Department:
    return Department(
        row["name"],
        row["short"],
        _category(row["category"], row["name"]),
        tuple(row["sections"]),
        tuple(row["expertise"]),
        row["deputy"],
    )


def _template(row: Mapping[str, Any]) -> PostTemplate:
    name = row["name"]
    units = tuple(row.get("units", ()))
    return PostTemplate(
        name,
        _category(row["category"], name),
        row["duties"],
        tuple(row["tasks"]),
        row["expertise"],
        _core(row["core"], name),
        _abilities(row["develops"], name),
        row["experience"],
        (ANY_TOWN, *units) if row.get("any_town", False) else units,
    )


def _article_post(row: Mapping[str, Any]) -> ArticlePost:
    name = row["name"]
    return ArticlePost(
        name,
        row["unit"],
        _category(row["category"], name),
        row["duties"],
        row["key_tasks"],
        row["expertise"],
        _core(row["core"], name),
        _abilities(row["develops"], name),
        row["experience"],
        row.get("mentor", ""),
    )


def _article_cadre(row: Mapping[str, Any]) -> ArticleCadre:
    name = row["name"]
    if row["gender"] not in taxonomy.GENDERS:
        raise ValueError(f"{name}: unknown gender {row['gender']!r}")
    abilities = tuple(row["abilities"])
    if len(abilities) != len(taxonomy.ABILITY_CODES):
        raise ValueError(f"{name}: expected {len(taxonomy.ABILITY_CODES)} ability scores")
    category = row.get("category")
    return ArticleCadre(
        name,
        row["gender"],
        row["age"],
        row["birth_month"],
        row["education"],
        row["major"],
        row["origin"],
        row["position"],
        row["rank"],
        None if category is None else _category(category, name),
        abilities,
        row["expertise"],
        row["shortcomings"],
        tuple((h["years_before"], h["month"], h["unit"], h["position"]) for h in row["history"]),
        row["prefers_own_post"],
    )


def _check_references(b: Banks) -> None:
    """Names that point at another bank must find it there."""
    hosts = set(b.host_by_name)
    departments = {d.name for d in b.departments}
    problems = [
        f"host {h.name}: parent {h.parent}"
        for h in b.hosts
        if h.parent and h.parent not in departments
    ]
    problems += [
        f"template {t.name}: unit {u}"
        for t in b.templates
        for u in t.units
        if u != ANY_TOWN and u not in hosts
    ]
    problems += [
        f"article post {p.name}: unit {p.unit}" for p in b.article_posts if p.unit not in hosts
    ]
    problems += [
        f"article post {p.name}: mentor {p.mentor}"
        for p in b.article_posts
        if p.mentor and (p.mentor, p.unit) != (b.article_mentor, b.article_mentor_unit)
    ]
    problems += [
        f"article cadre {c.name}: origin {c.origin}"
        for c in b.article_cadres
        if c.origin not in departments
    ]
    problems += [f"closed department {d}" for d in b.closed_departments if d not in departments]
    problems += [f"staff titles of {d}" for d in b.staff_titles if d not in departments]
    if b.article_mentor_unit not in hosts:
        problems.append(f"article mentor unit {b.article_mentor_unit}")
    if problems:
        raise ValueError("demo phrase banks name what they do not define: " + "; ".join(problems))
