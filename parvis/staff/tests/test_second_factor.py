"""Second factor for back-office accounts (django-otp TOTP and backup codes)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from parvis.staff.services import backup_codes_renew
from parvis.staff.tests.conftest import ROLES, staff_user

pytestmark = pytest.mark.django_db
ENROL = "/admin/2fa/activer/"
VERIFY = "/admin/2fa/verifier/"
NOW = datetime(2026, 11, 30, 9, 0, 0, tzinfo=UTC)
# Reachable before signing in, or the second-factor step itself.
OPEN = ("admin/login/", "admin/logout/", "admin/password_reset/", "admin/jsi18n/")
OPEN += ("admin/sprite/", "admin/2fa/", "admin/sso/")


def admin_paths() -> list[str]:
    """Every URL pattern of the back office, with sample values for its parameters."""

    def walk(patterns: list, prefix: str = ""):  # noqa: ANN202 — local generator
        for pattern in patterns:
            text = str(pattern.pattern)
            text = re.sub(r"<int:\w+>", "1", text)
            text = re.sub(r"<\w+:\w+>|<\w+>", "x", text)
            text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
            text = re.sub(r"[\^$\\?*+()\[\]]", "", text)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + text)
            else:
                yield prefix + text

    paths = sorted({p for p in walk(get_resolver().url_patterns) if p.startswith("admin/")})
    return [f"/{p}" for p in paths if not p.startswith(OPEN)]


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device (clock frozen by the test)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enrolled(role: str, username: str) -> tuple:
    user = staff_user(role, username)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


def signed_in(user) -> Client:  # noqa: ANN001 — a User
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def frozen():  # noqa: ANN201 — time_machine traveller
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_path_sends_each_role_to_enrolment(role, require_2fa):
    """With the second factor required, no back-office path answers before enrolment."""
    client = signed_in(staff_user(role, "sans-appareil"))
    paths = admin_paths()
    assert len(paths) > 150  # the walk found Wagtail's and Parvis' screens
    leaks = []
    for path in paths:
        response = client.get(path)
        if response.status_code != 302 or not response["Location"].startswith(ENROL):
            leaks.append((path, response.status_code))
    assert leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_path_asks_enrolled_roles_for_a_code_then_opens(role, require_2fa, frozen):
    """An enrolled user of each role is sent to the code; a valid code opens the back office."""
    user, device = enrolled(role, "avec-appareil")
    client = signed_in(user)
    for path in admin_paths():
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), path
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_enrolment_page_renders_the_qr_code_server_side_with_the_secret(staff, require_2fa):
    """An inline SVG (no image host, no script) and the base32 secret, grouped by four."""
    import base64

    client = signed_in(staff)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0][-200:]
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in page
    assert "Activer la double authentification" in page
    assert grouped in client.get(ENROL).content.decode()  # the same pending device again
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_first_code_confirms_the_device_and_shows_backup_codes(staff, require_2fa, frozen):
    """The first valid code confirms the app, verifies the session and shows 10 backup codes."""
    client = signed_in(staff)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(device), "next": "/admin/images/"})
    assert response.status_code == 200
    codes = StaticDevice.objects.get(user=staff).token_set.values_list("token", flat=True)
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/images/").status_code == 200
    assert 'href="/admin/images/"' in response.content.decode()  # "Continuer"


def test_wrong_enrolment_code_leaves_the_device_unconfirmed(staff, require_2fa, frozen):
    client = signed_in(staff)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 400
    assert "pas valable" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 302


def test_wrong_code_does_not_open_the_back_office(require_2fa, frozen):
    user, device = enrolled("Éditeurs", "claire")
    client = signed_in(user)
    valid = {totp_code(device)}
    for shift in (-30, 30):  # django-otp accepts one step of drift either way
        with time_machine.travel(NOW + timedelta(seconds=shift), tick=False):
            valid.add(totp_code(device))
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    response = client.post(VERIFY, {"code": wrong, "next": "/admin/"})
    assert response.status_code == 400
    assert "pas valable" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_cannot_be_replayed_in_another_session(require_2fa, frozen):
    """The code that verified one session is refused to the next, even within its 30 s."""
    user, device = enrolled("Agents", "samia")
    code = totp_code(device)
    first = signed_in(user)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = signed_in(user)
    assert second.post(VERIFY, {"code": code}).status_code == 400
    assert second.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled(require_2fa, frozen):
    """After wrong codes, even the right one waits for the back-off (1 s, 2 s, 4 s…)."""
    user, device = enrolled("Modérateurs", "yann")
    client = signed_in(user)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 400
    assert "Trop de codes erronés" in response.content.decode()
    frozen.shift(timedelta(seconds=5))
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302


def test_a_backup_code_opens_once(require_2fa):
    user, _ = enrolled("Éditeurs", "claire")
    code = backup_codes_renew(user=user)[0]
    first = signed_in(user)
    assert first.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert signed_in(user).post(VERIFY, {"code": code}).status_code == 400


def test_a_password_alone_cannot_replace_an_enrolled_device(require_2fa):
    """An unverified session is sent from the enrolment page to the code."""
    user, _ = enrolled("Éditeurs", "claire")
    response = signed_in(user).get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verification_rotates_the_session_key(require_2fa, frozen):
    user, device = enrolled("Éditeurs", "claire")
    client = signed_in(user)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.session.session_key != before


def test_verification_never_redirects_off_site(require_2fa, frozen):
    user, device = enrolled("Éditeurs", "claire")
    response = signed_in(user).post(
        VERIFY, {"code": totp_code(device), "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == "/admin/"


def test_without_the_requirement_a_user_without_device_is_not_asked(staff):
    """In the demo and the tests, the back office opens with the password alone…"""
    assert signed_in(staff).get("/admin/").status_code == 200


def test_without_the_requirement_a_user_who_enrolled_is_asked(db):
    """…but whoever chose to enrol is asked for a code."""
    user, _ = enrolled("Éditeurs", "claire")
    response = signed_in(user).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_account_menu_offers_the_second_factor(staff):
    page = signed_in(staff).get("/admin/account/").content.decode()
    assert "/admin/2fa/" in page and "Double authentification" in page


def test_lost_device_reset_sends_the_user_back_to_enrolment(require_2fa):
    user, _ = enrolled("Éditeurs", "claire")
    backup_codes_renew(user=user)
    call_command("staff_2fa_reset", "claire")
    assert not StaticDevice.objects.filter(user=user).exists()
    response = signed_in(user).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


@pytest.mark.parametrize(
    ("base_url", "expected"), [("https://www.nantes.example", "True"), ("", "False")]
)
def test_second_factor_is_required_by_default_only_over_https(base_url, expected, tmp_path):
    env = {"PARVIS_BASE_URL": base_url, "PARVIS_SECRET_KEY": "x" * 50}
    env |= {"PARVIS_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", "import parvis.settings as s; print(s.PARVIS_REQUIRE_2FA)"],
        env=env | {"PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected
