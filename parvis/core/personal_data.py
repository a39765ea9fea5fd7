"""The one protocol by which an app declares the personal data it holds, and gives it back.

Every app that keeps something tied to a person (an email address, a phone number) declares it
in a module ``<app>/personal_data.py`` with a list ``HOLDERS`` of objects following
:class:`PersonalDataHolder`. They are discovered at start (like ``answer_sources.py``), so
``core`` never imports an app, and everything built on them — "Mes données", the export, the
erasure, the retention jobs, the public "Données personnelles" page and the register of
processing activities (GDPR art. 30) — reads the same declarations and cannot drift from them.

A holder declares its ``categories`` (:class:`DataCategory`: what, why, on which legal basis,
for how long, who can see it) and implements:

- ``find(identity)``: every item it holds for that person (:class:`HeldItem`), each with its
  outcomes (:class:`Outcome`: dated steps traced from the records that already exist);
- ``export(identity)``: ``{category key: [row, …]}``, rows of JSON-serialisable values;
- ``erase(identity)``: delete the personal data, keep public contributions anonymised, leave
  statistics unchanged; returns an :class:`ErasureReport`;
- ``purge(now)``: enforce each category's retention; returns how many rows it deleted or
  anonymised. A holder whose retention is a rule rather than a delay (kept while a report is
  open…) says so in ``retention_rule`` and enforces that rule here;
- optionally ``related(identity)``: other identities the person gave alongside this one (the
  phone left with an email on a conversation), erased with it.

Example::

    # parvis/networks/personal_data.py
    class ProposalHolder:
        key = "networks"
        label = _("Groupes")
        categories = [
            DataCategory(
                key="networks.proposer",
                label=_("Courriel de la personne qui propose un groupe"),
                purpose=_("Vous tenir informé de la validation du groupe."),
                legal_basis=LegalBasis.PUBLIC_TASK,
                retention=timedelta(days=365),
                audience=_("Les modérateurs du site"),
                public_anonymised=True,
            )
        ]

        def find(self, identity): ...
        def export(self, identity): ...
        def erase(self, identity): ...
        def purge(self, now): ...

    HOLDERS = [ProposalHolder()]

Identities are normalised (:class:`Identity`): an email in lower case, a phone in E.164
(``+33612345678``). Match stored values with :meth:`Identity.matches` or the query helpers
:meth:`Identity.email_q` / :meth:`Identity.phone_candidates`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any, Protocol, runtime_checkable

import phonenumbers
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.errors import ParvisError
from parvis.core.privacy import MASK

MODULE = "personal_data"
DEFAULT_REGION = "FR"


class IdentityInvalid(ParvisError):
    """Neither an email address nor a phone number."""


class LegalBasis:
    """GDPR art. 6 bases, as the register names them."""

    PUBLIC_TASK = _("Mission d'intérêt public (RGPD, art. 6-1-e)")
    CONSENT = _("Consentement (RGPD, art. 6-1-a)")
    LEGAL_OBLIGATION = _("Obligation légale (RGPD, art. 6-1-c)")
    LEGITIMATE_INTEREST = _("Intérêt légitime : sécurité du service (RGPD, art. 6-1-f)")


@dataclass(frozen=True)
class Identity:
    """An email address (lower case) or a phone number (E.164), as a person typed it."""

    kind: str  # "email" or "phone"
    value: str

    @classmethod
    def parse(cls, raw: str, *, region: str | None = None) -> Identity:
        """The identity ``raw`` designates, or IdentityInvalid."""
        raw = (raw or "").strip()
        if "@" in raw:
            try:
                validate_email(raw)
            except ValidationError:
                raise IdentityInvalid(
                    _("Cette adresse électronique n'est pas valide."), code="bad_email"
                ) from None
            return cls("email", raw.lower())
        phone = phone_normalise(raw, region=region)
        if not phone:
            raise IdentityInvalid(
                _("Indiquez une adresse électronique ou un numéro de téléphone valide."),
                code="bad_identity",
            )
        return cls("phone", phone)

    @property
    def is_email(self) -> bool:
        return self.kind == "email"

    def digest(self) -> str:
        """A keyed hash of the identity: what logs keep instead of the address itself."""
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, f"{self.kind}:{self.value}".encode(), hashlib.sha256).hexdigest()

    def matches(self, stored: str) -> bool:
        """Whether a stored email or phone (in whatever format it was typed) is this one."""
        if not stored:
            return False
        if self.is_email:
            return stored.strip().lower() == self.value
        return phone_normalise(stored) == self.value

    def masked(self) -> str:
        """A hint that does not give the identity away: ``c•••@example.org``, ``+33 6 •• •• 42``."""
        if self.is_email:
            local, _at, domain = self.value.partition("@")
            return f"{local[:1]}•••@{domain}"
        return f"{self.value[:5]}•••{self.value[-2:]}"

    def phone_candidates(self) -> list[str]:
        """Usual ways the number may have been typed (for an indexed ``__in`` pre-filter);
        confirm each hit with :meth:`matches`."""
        if self.is_email:
            return []
        number = phonenumbers.parse(self.value)
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        digits = re.sub(r"\D", "", national)
        pairs = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
        return sorted(
            {
                self.value,
                national,
                intl,
                digits,
                pairs,
                pairs.replace(" ", "."),
                intl.replace(" ", ""),
            }
        )

    def mentions(self, field: str) -> Q:
        """A filter on rows whose text ``field`` may quote this identity (confirm each hit
        with :meth:`redact`): the email, or the usual ways of typing the number."""
        needles = [self.value] if self.is_email else self.phone_candidates()
        query = Q(pk__in=[])
        for needle in needles:
            query |= Q(**{f"{field}__icontains": needle})
        return query

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of this identity replaced by the mask."""
        if not text:
            return text
        if self.is_email:
            return re.sub(re.escape(self.value), MASK, text, flags=re.IGNORECASE)
        out, last = [], 0
        for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=0):
            if phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164) == (
                self.value
            ):
                out += [text[last : match.start], MASK]
                last = match.end
        return "".join(out) + text[last:]


def phone_normalise(raw: str, *, region: str | None = None) -> str:
    """``raw`` as an E.164 number (``+33612345678``), or "" when it cannot be a phone number.

    The one rule for every app: a number is accepted when it is *possible* (the right length for
    its country), not only when ``phonenumbers`` knows its range as assigned — the SMS channel
    accepts a number on that rule, and "Mes données" must then find what was kept under it.
    ``00`` is read as the international prefix; ``region`` defaults to
    ``PARVIS_SMS_DEFAULT_REGION``.
    """
    raw = (raw or "").strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    region = region or getattr(settings, "PARVIS_SMS_DEFAULT_REGION", DEFAULT_REGION)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class DataCategory:
    """One kind of personal data, as the register of processing activities describes it."""

    key: str  # "<holder>.<what>", unique across holders
    label: Any  # French label: "Courriel de la personne qui signale"
    purpose: Any  # why it is kept
    legal_basis: Any  # a LegalBasis
    audience: Any  # who can see it
    retention: dt.timedelta | None = None  # enforced by the holder's purge
    retention_rule: Any = ""  # a rule when it is not a fixed delay (or a precision)
    public_anonymised: bool = False  # public contributions are kept, anonymised, on erasure
    recipients: Any = ""  # outside the city's services, if any

    def retention_text(self) -> str:
        parts = []
        if self.retention is not None:
            parts.append(duration_text(self.retention))
        if self.retention_rule:
            parts.append(str(self.retention_rule))
        return " — ".join(parts)

    def keep_until(self, since: dt.datetime | None) -> dt.datetime | None:
        if self.retention is None or since is None:
            return None
        return since + self.retention


def duration_text(delay: dt.timedelta) -> str:
    """A delay as residents say it: "30 minutes", "7 jours", "1 an"."""
    from django.utils.translation import ngettext

    seconds = int(delay.total_seconds())
    if seconds % 86400:
        if seconds % 3600:
            minutes = seconds // 60
            return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
        hours = seconds // 3600
        return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}
    days = seconds // 86400
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(n)d an", "%(n)d ans", years) % {"n": years}
    return ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days}


@dataclass(frozen=True)
class Outcome:
    """One dated step of what a contribution produced ("Pris en compte par le service Voirie")."""

    at: dt.datetime | None
    label: str
    url: str = ""


@dataclass
class HeldItem:
    """One thing held for a person: a report, a conversation, a message waiting to be sent…"""

    category: str  # a DataCategory key
    title: str
    url: str = ""
    created_at: dt.datetime | None = None
    keep_until: dt.datetime | None = None
    audience: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    # The personal data itself, as shown to the person ("Courriel": "c…@…").
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class ErasureReport:
    """What an erasure did: rows deleted, contributions anonymised, what the law keeps."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, other: ErasureReport) -> ErasureReport:
        for key, count in other.deleted.items():
            self.deleted[key] = self.deleted.get(key, 0) + count
        for key, count in other.anonymised.items():
            self.anonymised[key] = self.anonymised.get(key, 0) + count
        self.kept += [text for text in other.kept if text not in self.kept]
        return self

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())


@runtime_checkable
class PersonalDataHolder(Protocol):
    """An app's personal data: declared categories, and the four operations on them."""

    key: str
    label: Any
    categories: list[DataCategory]

    def find(self, identity: Identity) -> Iterable[HeldItem]: ...

    def export(self, identity: Identity) -> dict[str, list[dict[str, Any]]]: ...

    def erase(self, identity: Identity) -> ErasureReport: ...

    def purge(self, now: dt.datetime) -> int: ...


@cache
def holders() -> tuple[PersonalDataHolder, ...]:
    """The holders of every installed app, in INSTALLED_APPS order."""
    found: list[PersonalDataHolder] = []
    keys: set[str] = set()
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.{MODULE}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{MODULE}":
                raise
            continue
        for holder in getattr(module, "HOLDERS", []):
            if not isinstance(holder, PersonalDataHolder):
                raise TypeError(f"{config.name}.{MODULE}: {holder!r} is not a PersonalDataHolder")
            for category in holder.categories:
                if category.key in keys:
                    raise ValueError(f"two holders declare the category {category.key!r}")
                keys.add(category.key)
            found.append(holder)
    return tuple(found)


def categories() -> list[DataCategory]:
    """Every declared category, holder by holder."""
    return [category for holder in holders() for category in holder.categories]


def category_get(key: str) -> DataCategory | None:
    """The category ``key`` names; an export's sub-key (``reports.contribution.photos``)
    names its category's (``reports.contribution``)."""
    by_key = {c.key: c for c in categories()}
    while key:
        if key in by_key:
            return by_key[key]
        key = key.rpartition(".")[0]
    return None


def held_items(identity: Identity) -> list[HeldItem]:
    """Everything every holder keeps for ``identity``, newest first."""
    items = [item for holder in holders() for item in holder.find(identity)]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(items, key=lambda item: item.created_at or oldest, reverse=True)


def export_rows(identity: Identity) -> dict[str, list[dict[str, Any]]]:
    """Every holder's export, merged by category key (a category with no rows is absent)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for holder in holders():
        for key, found in holder.export(identity).items():
            if found:
                rows.setdefault(key, []).extend(found)
    return rows


def related_identities(identity: Identity) -> list[Identity]:
    """``identity`` and the other addresses or numbers the person gave alongside it (a phone
    left with an email on the same conversation), from holders that implement the optional
    ``related(identity) -> Iterable[Identity]``."""
    found = [identity]
    for holder in holders():
        related = getattr(holder, "related", None)
        if related is not None:
            found += [other for other in related(identity) if other not in found]
    return found


@transaction.atomic
def erase_everywhere(identity: Identity) -> ErasureReport:
    """Erase ``identity``, and what the person gave alongside it, in every holder, in one
    transaction (all or nothing)."""
    report = ErasureReport()
    for each in related_identities(identity):
        for holder in holders():
            report.add(holder.erase(each))
    return report


def purge_everywhere(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every holder's retention; returns rows purged per holder."""
    now = now or timezone.now()
    return {holder.key: holder.purge(now) for holder in holders()}


def __getattr__(name: str) -> Any:
    # core's own holders live beside the protocol (this module is core's ``personal_data``).
    if name == "HOLDERS":
        from parvis.core.personal_data_holders import HOLDERS

        return HOLDERS
    raise AttributeError(name)
