"""Back-office roles: editors write and submit, moderators publish."""

import pytest
from django.contrib.auth.models import Group, User
from wagtail.models import Site

from parvis.content.models import FichePage
from parvis.core.roles import AGENTS, EDITORS, MODERATORS, WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def member(name: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="x-long-password-1")
    user.groups.add(Group.objects.get(name=name))
    return user


def test_editors_can_edit_but_not_publish():
    home = Site.objects.get(is_default_site=True).root_page
    perms = home.permissions_for_user(member(EDITORS, "claire"))
    assert perms.can_edit() and perms.can_add_subpage()
    assert not perms.can_publish()


def test_moderators_can_publish():
    home = Site.objects.get(is_default_site=True).root_page
    assert home.permissions_for_user(member(MODERATORS, "yann")).can_publish()


def test_agents_reach_the_back_office_but_not_the_pages():
    agent = member(AGENTS, "samia")
    assert agent.has_perm("wagtailadmin.access_admin")
    assert (
        not Site.objects.get(is_default_site=True).root_page.permissions_for_user(agent).can_edit()
    )


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


def _english_door():
    from wagtail.models import Locale

    from parvis.content.models import DoorPage

    return DoorPage.objects.get(
        locale=Locale.objects.get(language_code="en"), slug="visiting-nantes"
    )


def _door_form(door, title: str) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    links = [
        {"id": link.pk, "target": link.target_id, "note": link.note, "ORDER": str(order)}
        for order, link in enumerate(door.door_links.all(), start=1)
    ]
    return nested_form_data(
        {
            "title": title,
            "slug": door.slug,
            "intro": door.intro,
            "audience": door.audience_id or "",
            "door_links": inline_formset(links, initial=len(links)),
            "action-submit": "Soumettre",
        }
    )


def test_editors_edit_and_submit_the_english_pages(client):
    """The English tree is a translation of the French one: editors have the same roles there."""
    door = _english_door()
    client.force_login(member(EDITORS, "claire"))
    response = client.post(f"/admin/pages/{door.pk}/edit/", _door_form(door, "Visiting Nantes!"))
    assert response.status_code == 302, response.content.decode()[:2000]
    door.refresh_from_db()
    assert door.get_latest_revision().as_object().title == "Visiting Nantes!"
    state = door.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert door.title != "Visiting Nantes!"  # live only once a moderator approves


def test_agents_cannot_edit_the_english_pages(client):
    door = _english_door()
    client.force_login(member(AGENTS, "samia"))
    response = client.post(f"/admin/pages/{door.pk}/edit/", _door_form(door, "Hijacked"))
    assert response.status_code in (302, 403)
    door.refresh_from_db()
    assert door.get_latest_revision().as_object().title != "Hijacked"
    assert not door.permissions_for_user(User.objects.get(username="samia")).can_edit()


def test_a_new_translation_keeps_its_originals_roles():
    """A page copied for translation in the admin takes the grants and workflow of its original."""
    from wagtail.models import GroupPagePermission, Locale, Page

    from parvis.core.roles import translation_roles_copy

    german = Locale.objects.create(language_code="de")
    home = Site.objects.get(is_default_site=True).root_page
    copy = home.copy_for_translation(german)
    granted = set(GroupPagePermission.objects.filter(page=home).values_list("group", "permission"))
    assert granted
    assert (
        set(GroupPagePermission.objects.filter(page=copy).values_list("group", "permission"))
        == granted
    )
    assert Page.objects.get(pk=copy.pk).get_workflow().name == WORKFLOW_NAME
    assert translation_roles_copy(source=home, target=copy) == 0  # already there: nothing added
