"""Back office: "Fédivers" shows the actors, follower counts and abandoned sends, to
administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from parvis.federation.models import Delivery, Follower


@pytest.fixture
def admin(client):  # noqa: ANN001, ANN201
    client.force_login(User.objects.create_superuser("chef-fedi", "chef@example.test", "x"))
    return client


def test_an_administrator_sees_counts_and_abandoned_sends(city, admin):
    Follower.objects.create(
        actor=city, uri="https://m.example/u/a", inbox="https://m.example/u/a/i"
    )
    Delivery.objects.create(
        actor=city,
        inbox="https://m.example/u/a/i",
        activity_id="https://x/1",
        activity={"type": "Create"},
        status=Delivery.Status.FAILED,
        attempts=10,
        last_error="HTTP 503",
    )
    page = admin.get("/admin/fedivers/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "@ville@testserver" in html
    assert "HTTP 503" in html and "abandonnés : 1" in html


def test_others_do_not_see_it(city, client):
    client.force_login(User.objects.create_user("x-fedi", "x@example.test", "x"))
    assert client.get("/admin/fedivers/").status_code != 200
