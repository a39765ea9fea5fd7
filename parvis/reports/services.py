"""What the reports app does: file, support, flag, answer, merge, hide and redact reports.

Every service is one transaction; every notification goes through the outbox in that same
transaction, so a committed change never loses its email and a rolled-back one sends none.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.content.geography import Position, commune_at, quartier_at
from parvis.content.models import Commune, Quartier, Service
from parvis.content.selectors import agent_profile_get, agent_services
from parvis.core import geocoding
from parvis.core.idempotency import StoredResponse, fingerprint, idempotency_run
from parvis.core.notifications import outbox_enqueue
from parvis.core.storage import private_storage
from parvis.reports.errors import PhotoStorageUnavailable, ReportAccessDenied, ReportInvalid
from parvis.reports.models import (
    Category,
    CategoryRoute,
    Flag,
    Photo,
    Report,
    ReportUpdate,
    Support,
    new_reference,
)
from parvis.reports.photos import MAX_PHOTOS, PreparedPhoto
from parvis.reports.privacy import MASK

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
# Below this addok score, an address is too uncertain to place the report on the map.
GEOCODE_MIN_SCORE = 0.5


def _location_check(latitude: float | None, longitude: float | None, address: str) -> None:
    if (latitude is None) != (longitude is None):
        raise ReportInvalid(_("Indiquez la latitude et la longitude ensemble."), code="location")
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ReportInvalid(_("Cette position n'existe pas (WGS84)."), code="location")
    elif not address.strip():
        raise ReportInvalid(_("Indiquez une adresse ou une position."), code="location")


def _report_check(*, category: Category, description: str, email: str | None) -> None:
    if not category.active:
        raise ReportInvalid(_("Cette catégorie n'est plus proposée."), code="category")
    if not description.strip():
        raise ReportInvalid(_("Décrivez le problème."), code="description")
    if len(description) > MAX_DESCRIPTION:
        raise ReportInvalid(
            _("La description dépasse %(n)d caractères.") % {"n": MAX_DESCRIPTION},
            code="description",
        )
    if "\x00" in description:
        raise ReportInvalid(_("La description contient des caractères interdits."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReportInvalid(
                _("L'adresse électronique n'est pas valide."), code="email"
            ) from None


def _notify(report: Report, template: str, **context: object) -> None:
    if report.reporter_email:
        outbox_enqueue(
            recipient=report.reporter_email,
            template=template,
            context={
                "report": report,
                "tracking_url": settings.BASE_URL + report.get_tracking_url(),
                **context,
            },
            topic="reports",
            confirm_for=f"report:{report.pk}",  # typed by whoever filed it: confirm first
            confirm_purpose=_("suivre le signalement n° %(pk)d (%(category)s)")
            % {"pk": report.pk, "category": report.category.name},
        )


def _store(
    *,
    category: Category,
    latitude: float | None,
    longitude: float | None,
    address: str,
    quartier: Quartier | None,
    commune: Commune | None,
    description: str,
    email: str | None,
    photos: Sequence[_StoredPhoto],
    attributes: dict[str, object],
    channel: str,
    place_later: bool = False,
) -> Report:
    service = report_route(category=category, commune=commune)
    report = Report.objects.create(
        category=category,
        latitude=latitude,
        longitude=longitude,
        address=address.strip()[:250],
        quartier=quartier,
        commune=commune,
        service=service,
        description=description.strip(),
        reporter_email=(email or "").strip(),
        channel=channel,
        attributes=attributes,
        placement_pending=place_later,
    )
    for stored in photos:
        Photo.objects.create(
            report=report,
            token=stored.token,
            image=stored.image,
            thumbnail=stored.thumbnail,
            width=stored.width,
            height=stored.height,
            held=settings.PARVIS_REPORTS_PHOTO_MODERATION,
        )
    ReportUpdate.objects.create(report=report, status=report.status, public=True)
    _notify(report, "reports/email/received")
    if place_later:
        # Committed with the report (the task queue is in this database): placing it, and
        # telling the service it is routed to, cannot be lost, only delayed.
        from parvis.reports.tasks import report_place_task

        report_place_task.enqueue(report_id=report.pk)
    else:
        _notify_service(report, service)
    return report


def _notify_service(report: Report, service: Service) -> None:
    if service.live and service.email:  # the published address only
        outbox_enqueue(
            recipient=service.email,
            template="reports/email/new_for_service",
            context={"report": report, "base_url": settings.BASE_URL},
            topic="reports",
        )


def report_route(*, category: Category, commune: Commune | None) -> Service:
    """The competent service: the commune's when a route says so, else the category's own."""
    if commune is not None:
        route = CategoryRoute.objects.filter(category=category, commune=commune).first()
        if route is not None:
            return route.service
    return category.service


@dataclass(frozen=True)
class Located:
    latitude: float | None
    longitude: float | None
    quartier: Quartier | None
    commune: Commune | None
    address: str


def report_locate(
    *,
    latitude: float | None,
    longitude: float | None,
    address: str,
    quartier: Quartier | None = None,
) -> Located:
    """The report's position (from its address when it has none: the address engine), and
    the quartier and commune it falls in (from the outlines, not from a picked list).

    Called before any transaction: the address engine is a Redis round-trip. Without it, or
    for an address it does not know, the report keeps its address as text, without position.
    """
    if latitude is None and address.strip():
        found = geocoding.geocode(address, limit=1, autocomplete=False)
        if found and found[0].score >= GEOCODE_MIN_SCORE:
            latitude, longitude = found[0].latitude, found[0].longitude
    if latitude is None or longitude is None:
        return Located(None, None, quartier, None, address)
    if not address.strip():  # "utiliser ma position": the nearest address, for people to read
        nearest = geocoding.reverse(latitude=latitude, longitude=longitude)
        address = nearest.label if nearest is not None else ""
    position = Position(latitude=latitude, longitude=longitude)
    return Located(
        latitude,
        longitude,
        quartier or quartier_at(position),
        commune_at(position),
        address,
    )


def report_place(*, report_id: int) -> bool:
    """Place a report filed with ``place_later``: its quartier and commune from its position (or
    its position from its address), the nearest address when it has none, the service of its
    commune; then tell that service. Runs on the worker; False if there was nothing to do.

    The address engine is asked outside any transaction; the report is then updated under a
    row lock, once (a second run, or the periodic sweep, finds it placed and does nothing).
    """
    report = Report.objects.filter(pk=report_id, placement_pending=True).first()
    if report is None:
        return False
    located = report_locate(
        latitude=report.latitude,
        longitude=report.longitude,
        address=report.address,
        quartier=report.quartier,
    )
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .select_related("category__service")
            .filter(pk=report_id, placement_pending=True)
            .first()
        )
        if report is None:
            return False
        service = report_route(category=report.category, commune=located.commune)
        report.latitude, report.longitude = located.latitude, located.longitude
        report.address = located.address.strip()[:250]
        report.quartier, report.commune, report.service = (
            located.quartier,
            located.commune,
            service,
        )
        report.placement_pending = False
        report.save(
            update_fields=[
                "latitude",
                "longitude",
                "address",
                "quartier",
                "commune",
                "service",
                "placement_pending",
                "updated_at",
            ]
        )
        _notify_service(report, service)
    return True


def reports_place_pending(*, older_than: dt.timedelta = dt.timedelta(minutes=1)) -> int:
    """Place the reports whose placing task never ran to the end (a worker died); how many."""
    cutoff = timezone.now() - older_than
    ids = list(
        Report.objects.filter(placement_pending=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(report_place(report_id=pk) for pk in ids)


@dataclass(frozen=True)
class _StoredPhoto:
    token: str
    image: str
    thumbnail: str
    width: int
    height: int


def _photos_upload(photos: Sequence[PreparedPhoto]) -> list[_StoredPhoto]:
    stored: list[_StoredPhoto] = []
    try:
        for prepared in photos:
            token = new_reference()
            stored.append(
                _StoredPhoto(
                    token=token,
                    image=private_storage.save(
                        f"reports/{token}/photo.jpg", ContentFile(prepared.image)
                    ),
                    thumbnail=private_storage.save(
                        f"reports/{token}/vignette.jpg", ContentFile(prepared.thumbnail)
                    ),
                    width=prepared.width,
                    height=prepared.height,
                )
            )
    except Exception as exc:
        # A full disk or an unreachable bucket: the resident is told, nothing is half-stored.
        logger.warning("photo storage failed: %s", type(exc).__name__)
        _photos_discard(stored)
        raise PhotoStorageUnavailable(
            _(
                "Les photos ne peuvent pas être enregistrées pour le moment. Réessayez dans "
                "quelques minutes, ou envoyez le signalement sans photo."
            ),
            code="photo_storage_unavailable",
        ) from exc
    return stored


def _photos_discard(stored: Sequence[_StoredPhoto]) -> None:
    for photo in stored:
        for name in (photo.image, photo.thumbnail):
            try:
                private_storage.delete(name)
            except Exception:  # noqa: BLE001 — an orphan file is better than a lost report
                logger.warning("could not delete the orphan photo file %s", name)


def report_create(
    *,
    category: Category,
    description: str,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    quartier: Quartier | None = None,
    email: str | None = None,
    photos: Sequence[PreparedPhoto] = (),
    attributes: dict[str, object] | None = None,
    idempotency_key: str | None = None,
    idempotency_scope: str = "",
    channel: str = Report.Channel.WEB,
    place_later: bool = False,
) -> tuple[Report, bool]:
    """File a report and queue its notifications; returns (report, replayed).

    With the same key (or, without a key, the same content within 24 h) from the same scope, a
    retry returns the first report and creates nothing.

    ``place_later`` (the APIs): the request stores the report as sent (position or address,
    the category's service) and acknowledges it; the worker places it (``report_place``:
    address engine, quartier, commune, the commune's service and its email) after the commit.
    """
    _report_check(category=category, description=description, email=email)
    _location_check(latitude, longitude, address)

    if len(photos) > MAX_PHOTOS:
        raise ReportInvalid(_("Trois photos au plus."), code="photos")
    fields = {
        "category": category.pk,
        "description": description.strip(),
        "lat": latitude,
        "long": longitude,
        "address": address.strip(),
        "email": email or "",
        "quartier": quartier.pk if quartier else "",
        "photos": ",".join(p.digest for p in photos),
        "attributes": json.dumps(attributes or {}, sort_keys=True),
    }
    fp = fingerprint(fields.items())
    key = idempotency_key or f"content:{fp}"
    scope = idempotency_scope or f"channel:{channel}"

    # The position from the address, and its quartier and commune (a Redis round-trip, before
    # the transaction; not part of the fingerprint: a retry is the same report).
    if place_later:
        located = Located(latitude, longitude, quartier, None, address)
    else:
        located = report_locate(
            latitude=latitude, longitude=longitude, address=address, quartier=quartier
        )
    latitude, longitude, quartier = located.latitude, located.longitude, located.quartier
    address = located.address

    # Photos are written to storage before the transaction (on object storage a write is a
    # network call) and removed again if nothing ends up referring to them.
    stored_photos = _photos_upload(photos)

    created: list[Report] = []

    def produce() -> StoredResponse:
        report = _store(
            category=category,
            latitude=latitude,
            longitude=longitude,
            address=address,
            quartier=quartier,
            commune=located.commune,
            description=description,
            email=email,
            photos=stored_photos,
            attributes=attributes or {},
            channel=channel,
            place_later=place_later,
        )
        created.append(report)
        return StoredResponse(201, "report", json.dumps({"report": report.pk}).encode())

    try:
        stored = idempotency_run(scope=scope, key=key, fingerprint=fp, produce=produce)
    except BaseException:
        _photos_discard(stored_photos)
        raise
    if stored.replayed:
        _photos_discard(stored_photos)
    if created and not stored.replayed:  # committed just now: no need to read it back
        return created[0], False
    report = Report.objects.get(pk=json.loads(stored.body)["report"])
    return report, stored.replayed


@transaction.atomic
def report_support(*, report: Report, supporter: str) -> bool:
    """Add a "moi aussi" to an open public report; False if this supporter already did."""
    if report.hidden or not report.is_open:
        raise ReportInvalid(_("Ce signalement ne peut plus être soutenu."), code="closed")
    try:
        with transaction.atomic():
            Support.objects.create(report=report, supporter=supporter)
    except IntegrityError:
        return False
    Report.objects.filter(pk=report.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def report_flag(*, report: Report, flagger: str, reason: str = "") -> bool:
    """Flag a report as abusive: it goes to the moderators' queue and stays public until a
    moderator hides it. False if this flagger already has an open flag on it."""
    if Flag.objects.filter(report=report, flagger=flagger, reviewed_at__isnull=True).exists():
        return False
    try:
        with transaction.atomic():
            Flag.objects.filter(report=report, flagger=flagger).delete()  # a reviewed one
            Flag.objects.create(report=report, flagger=flagger, reason=reason[:250])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def report_flags_dismiss(*, report: Report, agent: AbstractBaseUser) -> int:
    """A moderator keeps the report public: its open flags leave the queue; returns how many."""
    _check_access(agent=agent, report=report)
    return report.flags.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())


def _check_access(*, agent: AbstractBaseUser, report: Report) -> None:
    if not agent_services(user=agent).filter(pk=report.competent_service.pk).exists():
        raise ReportAccessDenied(_("Ce signalement relève d'un autre service."), code="forbidden")


def _signature(agent: AbstractBaseUser, report: Report) -> str:
    profile = agent_profile_get(user=agent)
    name = profile.display_name if profile else (agent.first_name or _("Un agent"))
    service = report.competent_service.name
    if service.casefold().startswith(("service ", "direction ", "pôle ", "mission ")):
        return f"{name}, {service}"  # "Sophie, Service Propreté", not "service Service Propreté"
    return _("%(name)s, service %(service)s") % {"name": name, "service": service}


@transaction.atomic
def report_update_publish(
    *,
    report: Report,
    agent: AbstractBaseUser,
    status: str,
    message: str,
    reason: str = "",
) -> ReportUpdate:
    """Change the status with a public message signed by the agent; notify the reporter."""
    _check_access(agent=agent, report=report)
    if status not in Report.Status.values:
        raise ReportInvalid(_("Statut inconnu."), code="status")
    if status == Report.Status.NON_RETENU and not reason.strip():
        raise ReportInvalid(_("Indiquez le motif du refus."), code="reason")
    if not message.strip() and status == report.status:
        raise ReportInvalid(_("Écrivez un message ou changez le statut."), code="message")
    report = Report.objects.select_for_update().get(pk=report.pk)
    report.status = status
    report.status_reason = reason.strip()[:250] if status == Report.Status.NON_RETENU else ""
    report.save(update_fields=["status", "status_reason", "updated_at"])
    update = ReportUpdate.objects.create(
        report=report,
        agent=agent,
        signature=_signature(agent, report),
        status=status,
        message=message.strip(),
        public=True,
    )
    _notify(report, "reports/email/update", update=update)
    return update


@transaction.atomic
def report_note_add(*, report: Report, agent: AbstractBaseUser, message: str) -> ReportUpdate:
    """Add an internal note, visible to agents only."""
    _check_access(agent=agent, report=report)
    if not message.strip():
        raise ReportInvalid(_("La note est vide."), code="message")
    return ReportUpdate.objects.create(
        report=report, agent=agent, message=message.strip(), public=False
    )


@transaction.atomic
def report_assign(
    *, report: Report, agent: AbstractBaseUser, assignee: AbstractBaseUser | None
) -> Report:
    """Give the report to an agent of its service (or to nobody)."""
    _check_access(agent=agent, report=report)
    if assignee is not None:
        _check_access(agent=assignee, report=report)
    report.assigned_to = assignee
    report.save(update_fields=["assigned_to", "updated_at"])
    return report


@transaction.atomic
def report_merge(*, report: Report, into: Report, agent: AbstractBaseUser) -> Report:
    """Close ``report`` as a duplicate of ``into``; its supporters count for ``into``."""
    _check_access(agent=agent, report=report)
    _check_access(agent=agent, report=into)
    if report.pk == into.pk or into.merged_into_id:
        raise ReportInvalid(_("Fusion impossible avec ce signalement."), code="merge")
    report.merged_into = into
    report.status = Report.Status.CLOS
    report.save(update_fields=["merged_into", "status", "updated_at"])
    Report.objects.filter(pk=into.pk).update(
        support_count=F("support_count") + report.support_count + 1
    )
    update = ReportUpdate.objects.create(
        report=report,
        agent=agent,
        signature=_signature(agent, report),
        status=Report.Status.CLOS,
        message=_("Déjà signalé : suivi dans le signalement n° %(pk)d.") % {"pk": into.pk},
        public=True,
    )
    _notify(report, "reports/email/update", update=update)
    return report


@transaction.atomic
def report_hide(
    *, report: Report, agent: AbstractBaseUser, hidden: bool = True, reason: str = ""
) -> Report:
    """Hide a report from the public (it stays in the agents' queue) or show it again."""
    _check_access(agent=agent, report=report)
    report.hidden = hidden
    report.hidden_reason = reason.strip()[:250] if hidden else ""
    report.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    report.flags.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())
    return report


@transaction.atomic
def report_redact(
    *,
    report: Report,
    agent: AbstractBaseUser,
    start: int | None = None,
    end: int | None = None,
    text: str | None = None,
) -> Report:
    """Mask personal data in the description: a character range, or every copy of ``text``."""
    _check_access(agent=agent, report=report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    description = report.description
    if text:
        if text not in description:
            raise ReportInvalid(_("Ce texte ne figure pas dans la description."), code="redact")
        description = description.replace(text, MASK)
    elif start is not None and end is not None and 0 <= start < end <= len(description):
        description = description[:start] + MASK + description[end:]
    else:
        raise ReportInvalid(_("Indiquez le passage à masquer."), code="redact")
    report.description = description
    report.save(update_fields=["description", "updated_at"])
    ReportUpdate.objects.create(
        report=report, agent=agent, message=_("Description caviardée."), public=False
    )
    return report


def _held_photo(report: Report, token: str) -> Photo:
    photo = report.photos.filter(token=token, held=True).first()
    if photo is None:
        raise ReportInvalid(_("Cette photo n'attend plus de validation."), code="photo")
    return photo


@transaction.atomic
def report_photo_approve(*, report: Report, agent: AbstractBaseUser, token: str) -> Photo:
    """Publish a photo held for moderation: from now on it shows wherever the report does."""
    _check_access(agent=agent, report=report)
    photo = _held_photo(report, token)
    photo.held = False
    photo.save(update_fields=["held"])
    ReportUpdate.objects.create(
        report=report, agent=agent, message=_("Photo validée et publiée."), public=False
    )
    return photo


@transaction.atomic
def report_photo_refuse(*, report: Report, agent: AbstractBaseUser, token: str) -> None:
    """Refuse a photo held for moderation: it is deleted, its files once that is committed."""
    _check_access(agent=agent, report=report)
    _held_photo(report, token).delete()
    ReportUpdate.objects.create(
        report=report, agent=agent, message=_("Photo refusée et supprimée."), public=False
    )


def categories_count_for(service: Service) -> int:
    """How many report categories (and so reports) go to ``service``."""
    return Category.objects.filter(service=service).count()


def categories_move(source: Service, target: Service) -> int:
    """Route ``source``'s categories, and so their reports, to ``target`` (caller's transaction)."""
    return Category.objects.filter(service=source).update(service=target)
