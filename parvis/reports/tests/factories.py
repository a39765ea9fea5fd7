"""Test helpers: agents bound to services, and reports."""

from __future__ import annotations

import io
import itertools

from django.contrib.auth.models import Group, User
from PIL import Image

from parvis.core.models import AgentProfile
from parvis.core.roles import AGENTS
from parvis.reports.models import Category, Report
from parvis.reports.services import report_create

_seq = itertools.count()


def category(code: str = "nid-de-poule") -> Category:
    return Category.objects.select_related("service").get(code=code)


def agent_for(*service_slugs: str, name: str = "Samia") -> User:
    user = User.objects.create_user(f"agent{next(_seq)}", first_name=name, password="x-pass-42!")
    user.groups.add(Group.objects.get_or_create(name=AGENTS)[0])
    profile = AgentProfile.objects.create(user=user, display_name=name, role="agente")
    from parvis.content.models import Service

    profile.services.add(*Service.objects.filter(slug__in=service_slugs))
    return user


def make_report(
    *, code: str = "nid-de-poule", description: str | None = None, **kwargs: object
) -> Report:
    kwargs.setdefault("latitude", 47.2184)
    kwargs.setdefault("longitude", -1.5536)
    report, _ = report_create(
        category=category(code),
        description=description or f"Un trou profond n° {next(_seq)}",
        **kwargs,
    )
    return report


def jpeg_bytes(*, exif: bytes | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 50, 50))
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0xA431] = "SERIAL-CANARY-42"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (47.0, 13.0, 5.0), 3: "W", 4: (1.0, 33.0, 13.0)}
    return jpeg_bytes(exif=exif.tobytes())
