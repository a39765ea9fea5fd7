"""Periodic jobs of "Une minute pour…": numbers kept for a reply are erased at expiry."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.core.schedule import periodic
from parvis.listening.services import contacts_expire


@periodic(every=timedelta(hours=1), label=_("Effacement des numéros de téléphone expirés"))
@task(backend="background")
def sms_contacts_expire_task() -> int:
    """Erase phone numbers kept for a reply that could not be sent before their expiry."""
    return contacts_expire()
