"""ORM rows of this app as the engine's types."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile

from .models import Cadre, Mentor

#: The cadre's model fields filled from its profile, with the profile attribute
#: of each: written by ``cadre_create`` and by an import, checked by an import.
#: The unit, avoided units, category and abilities are filled otherwise.
CADRE_PROFILE_FIELDS: Final[dict[str, str]] = {
    "code": "id",
    "name": "name",
    "gender": "gender",
    "birth_month": "birth_month",
    "education": "education",
    "major": "major",
    "position": "position",
    "rank": "rank",
    "grassroots_years": "grassroots_years",
    "expertise": "expertise",
    "experience": "experience",
    "shortcomings": "shortcomings",
}


def cadre_field_values(profile: CadreProfile) -> dict[str, Any]:
    """The values of :data:`CADRE_PROFILE_FIELDS` for a profile, as the model stores them."""
    values = {name: getattr(profile, attr) for name, attr in CADRE_PROFILE_FIELDS.items()}
    # One decimal, as the field keeps it, so a re-import compares equal.
    values["grassroots_years"] = Decimal(str(round(profile.grassroots_years, 1)))
    return values


class MissingAssessmentError(ValueError):
    """A cadre with no ability assessment cannot be described to the engine."""


def cadre_profile(cadre: Cadre, *, program_post_codes: Mapping[int, str]) -> CadreProfile:
    """The engine profile of a cadre.

    Expects ``assessments`` (newest first), ``avoided_units`` and
    ``preferred_posts`` prefetched and ``origin_unit`` selected;
    ``program_post_codes`` maps the pks of the run's posts to their codes, so
    only 志愿岗位 among them count.
    """
    assessments = list(cadre.assessments.all())
    if not assessments:
        raise MissingAssessmentError(f"干部“{cadre.name}”还没有能力评定，请先录入七种能力得分。")
    latest = assessments[0]
    return CadreProfile(
        id=cadre.code,
        name=cadre.name,
        origin_unit=cadre.origin_unit.name,
        abilities=tuple(float(s) for s in latest.scores()),
        category=cadre.category,
        grassroots_years=float(cadre.grassroots_years),
        expertise=cadre.expertise,
        experience=cadre.experience,
        shortcomings=cadre.shortcomings,
        avoided_units=tuple(u.name for u in cadre.avoided_units.all()),
        preferred_posts=tuple(
            program_post_codes[p.pk]
            for p in cadre.preferred_posts.all()
            if p.pk in program_post_codes
        ),
        gender=cadre.gender,
        birth_month=cadre.birth_month,
        education=cadre.education,
        major=cadre.major,
        position=cadre.position,
        rank=cadre.rank,
    )


#: The mentor's model fields filled from its profile (a row of the 导师 sheet),
#: with the profile attribute of each; the unit is filled otherwise.
MENTOR_PROFILE_FIELDS: Final[dict[str, str]] = {
    "code": "id",
    "name": "name",
    "position": "position",
    "expertise": "expertise",
    "strengths": "strengths",
    "capacity": "capacity",
    "email": "email",
}


def mentor_field_values(profile: MentorProfile) -> dict[str, Any]:
    """The values of :data:`MENTOR_PROFILE_FIELDS` for a profile, as the model stores them."""
    values = {name: getattr(profile, attr) for name, attr in MENTOR_PROFILE_FIELDS.items()}
    values["strengths"] = list(profile.strengths)
    return values


def mentor_profile(mentor: Mentor) -> MentorProfile:
    """The profile of a mentor (a row of the 导师 sheet); expects ``unit`` selected."""
    return MentorProfile(
        id=mentor.code,
        name=mentor.name,
        unit=mentor.unit.name,
        position=mentor.position,
        expertise=mentor.expertise,
        strengths=tuple(mentor.strengths),
        capacity=mentor.capacity,
        email=mentor.email,
    )
