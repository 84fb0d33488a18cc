"""The rules every use case of a run checks first, and the errors they raise."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianbing.background.models import ACTIVE, JobStatus

from ..models import MatchRun, Reoptimisation


class MatchingError(Exception):
    """A request about a match run that cannot be carried out; the message is for the user."""


class MatchRunLockedError(MatchingError):
    """The run is finalised: it is never edited, only superseded by a new run."""


class ReoptimisationBusyError(MatchingError):
    """The run is being re-optimised: it takes no other change until that ends."""


def ensure_editable(run: MatchRun) -> None:
    if run.is_finalised:
        raise MatchRunLockedError(
            _("该方案已定案，不能再修改。如需调整，请新建匹配方案取代它，并写明取代理由。")
        )


def ensure_reviewable(run: MatchRun) -> None:
    ensure_editable(run)
    if run.status != JobStatus.DONE:
        raise MatchingError(_("该方案还没有计算完成，不能研判。请等待计算完成或新建方案。"))


def active_reoptimisation(run: MatchRun) -> Reoptimisation | None:
    return Reoptimisation.objects.filter(run=run, status__in=ACTIVE).first()


def ensure_not_reoptimising(run: MatchRun, message: str) -> None:
    if active_reoptimisation(run) is not None:
        raise ReoptimisationBusyError(message)
