"""Background jobs of certification: the daily check of the whole transparency log."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.certification.monitor import log_check
from parvis.core.schedule import periodic


class LogInconsistentError(Exception):
    """The transparency log does not check out (the job fails, and the back office shows it)."""


@periodic(every=timedelta(days=1), label=_("Vérification du journal de transparence"))
@task(backend="background")
def log_check_task() -> dict[str, int]:
    report = log_check()
    if report.problems:
        raise LogInconsistentError(
            f"{len(report.problems)} problème(s) : " + " | ".join(report.problems[:5])
        )
    return {"entries": report.entries, "checkpoints": report.checkpoints}


@task(backend="background")
def media_digest_task(kind: str, object_id: int) -> str | None:
    """Hash a media file that reached storage without an upload (after its commit)."""
    from parvis.certification.media import media_digest_compute

    return media_digest_compute(kind=kind, object_id=object_id)
