"""Deleting a service never leaves its handed-off conversations (or reports) in no inbox."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from parvis.content.models import Service
from parvis.content.service_work import service_work_open
from parvis.conversation.models import Conversation
from parvis.conversation.services import conversation_ask, conversation_start
from parvis.reports.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(client) -> User:  # noqa: ANN001
    user = User.objects.create_superuser("moderateur-test", "m@ville.test", "pw-mod-123!")
    client.force_login(user)
    return user


@pytest.fixture
def busy_service(service_x) -> tuple[Service, Conversation, Category]:  # noqa: ANN001
    conversation, _token = conversation_start()
    conversation_ask(conversation=conversation, text="je veux parler à un agent")
    Conversation.objects.filter(pk=conversation.pk).update(
        service=service_x, status=Conversation.Status.WAITING_AGENT
    )
    category = Category.objects.first()
    Category.objects.filter(pk=category.pk).update(service=service_x)
    return service_x, conversation, category


def _delete_url(service: Service) -> str:
    return reverse("wagtailsnippets_content_service:delete", args=[service.pk])


def test_a_service_with_open_work_cannot_be_deleted(client, moderator, busy_service):  # noqa: ANN001
    service, conversation, _category = busy_service
    response = client.post(_delete_url(service), follow=True)
    assert Service.objects.filter(pk=service.pk).exists()
    page = response.content.decode()
    assert "ne peut pas être supprimé" in page
    assert "1 conversations en cours" in page and "1 catégories de signalements" in page
    conversation.refresh_from_db()
    assert conversation.service_id == service.pk


def test_its_work_moves_to_a_chosen_service_then_it_can_be_deleted(
    client, moderator, busy_service, service_y
):  # noqa: ANN001
    service, conversation, category = busy_service
    url = reverse("service_work_move", args=[service.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"target": service_y.pk})
    assert response.status_code == 302
    assert response["Location"] == _delete_url(service)
    conversation.refresh_from_db()
    category.refresh_from_db()
    assert (conversation.service_id, conversation.assigned_to_id) == (service_y.pk, None)
    assert conversation.status == Conversation.Status.WAITING_AGENT
    assert category.service_id == service_y.pk
    assert service_work_open(service=service) == []
    client.post(_delete_url(service))
    assert not Service.objects.filter(pk=service.pk).exists()
    conversation.refresh_from_db()
    assert conversation.service_id == service_y.pk  # still in an inbox


def test_move_form_refuses_a_missing_target_with_a_message(client, moderator, busy_service):  # noqa: ANN001
    service, _conversation, _category = busy_service
    response = client.post(reverse("service_work_move", args=[service.pk]), {"target": "999999"})
    assert response.status_code == 400
    assert 'class="error-message"' in response.content.decode()


def test_a_service_without_open_work_is_deleted_as_before(client, moderator, service_y):  # noqa: ANN001
    client.post(_delete_url(service_y))
    assert not Service.objects.filter(pk=service_y.pk).exists()


def test_move_form_is_for_those_who_may_delete_services(client, busy_service):  # noqa: ANN001
    user = User.objects.create_user("editeur-test", password="pw-ed-123!")
    client.force_login(user)
    response = client.post(reverse("service_work_move", args=[busy_service[0].pk]), {"target": "1"})
    assert response.status_code in (302, 403)
    busy_service[1].refresh_from_db()
    assert busy_service[1].service_id == busy_service[0].pk
