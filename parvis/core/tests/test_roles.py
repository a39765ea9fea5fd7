"""Back-office roles: editors write and submit, moderators publish."""

import pytest
from django.contrib.auth.models import Group, User
from wagtail.models import Page

from parvis.content.models import FichePage
from parvis.core.roles import AGENTS, EDITORS, MODERATORS, WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def member(name: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="x-long-password-1")
    user.groups.add(Group.objects.get(name=name))
    return user


def test_editors_can_edit_but_not_publish():
    home = Page.objects.get(depth=2, locale__language_code="fr")
    perms = home.permissions_for_user(member(EDITORS, "claire"))
    assert perms.can_edit() and perms.can_add_subpage()
    assert not perms.can_publish()


def test_moderators_can_publish():
    home = Page.objects.get(depth=2, locale__language_code="fr")
    assert home.permissions_for_user(member(MODERATORS, "yann")).can_publish()


def test_agents_reach_the_back_office_but_not_the_pages():
    agent = member(AGENTS, "samia")
    assert agent.has_perm("wagtailadmin.access_admin")
    home = Page.objects.get(depth=2, locale__language_code="fr")
    assert not home.permissions_for_user(agent).can_edit()


def test_every_page_goes_through_the_moderation_workflow():
    """A Fiche inherits the home page's workflow: an editor submits, a moderator approves."""
    fiche = FichePage.objects.first()
    workflow = fiche.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    assert [task.name for task in workflow.tasks] == ["Relecture et publication"]


def test_back_office_login_page_is_french(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Connexion" in response.content.decode() or "Se connecter" in response.content.decode()
