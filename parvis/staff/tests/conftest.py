"""Back-office accounts of each role, and the second factor turned on (as in production)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from parvis.core.roles import AGENTS, EDITORS, MODERATORS

PASSWORD = "un-mot-de-passe-solide-2026"
ROLES = ["administrator", EDITORS, MODERATORS, AGENTS]


def staff_user(role: str, username: str | None = None) -> User:
    """A back-office account of ``role`` ("administrator" or a group name)."""
    username = username or f"staff-{abs(hash(role)) % 10_000}"
    if role == "administrator":
        return User.objects.create_superuser(
            username=username, email=f"{username}@example.org", password=PASSWORD
        )
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: pytest.FixtureRequest) -> None:
    """Each login checks a password: a fast hasher keeps these tests quick (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db: None) -> User:
    return staff_user(EDITORS, "claire")


@pytest.fixture
def require_2fa(settings: pytest.FixtureRequest) -> None:
    """PARVIS_REQUIRE_2FA on, as in production (it is off in the tests and the demo)."""
    settings.PARVIS_REQUIRE_2FA = True
