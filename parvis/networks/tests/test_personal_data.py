"""The group proposer's address in "Mes données": found with the moderation outcome, erased
(a published group stays without it, its update links spent; an unpublished one goes)."""

from __future__ import annotations

import pytest

from parvis.core.models import AddressConfirmation
from parvis.core.personal_data import Identity, erase_everywhere, held_items
from parvis.networks.models import Group
from parvis.networks.services import (
    GroupLinkInvalid,
    _edit_token,
    group_edit_check,
    group_edit_link_request,
    group_moderate,
)

pytestmark = pytest.mark.django_db


def _items(email: str) -> list:
    return [i for i in held_items(Identity.parse(email)) if i.category == "networks.contact"]


def test_a_published_group_is_listed_with_its_outcome_then_kept_without_the_address(
    make_group,
):  # noqa: ANN001
    group = make_group(name="Club de foot Doulon", description="Écrivez au 06 12 34 56 78.")
    email = group.contact_email.upper()
    (item,) = _items(email)
    assert item.title == "Groupe proposé : Club de foot Doulon"
    assert [o.label for o in item.outcomes][-1] == "Publié dans l'annuaire des groupes"
    assert item.url == group.get_absolute_url()
    token = _edit_token(group)
    assert group_edit_check(token=token).pk == group.pk

    report = erase_everywhere(Identity.parse(email))
    assert report.anonymised["networks.contact"] == 1
    group.refresh_from_db()
    assert group.status == Group.Status.APPROVED and group.contact_email == ""
    assert _items(email) == []
    assert not AddressConfirmation.objects.filter(subject=group.confirmation_subject).exists()
    with pytest.raises(GroupLinkInvalid):  # the link sent before the erasure is spent
        group_edit_check(token=token)
    assert group_edit_link_request(group=group, email=email) is False
    assert group_edit_link_request(group=group, email="") is False
    # The number in the description is the group's own; erasing the number masks it.
    erase_everywhere(Identity.parse("06 12 34 56 78"))
    group.refresh_from_db()
    assert "06 12" not in group.description and "[masqué]" in group.description


def test_an_unpublished_proposal_goes_entirely(make_group, django_user_model):  # noqa: ANN001
    pending = make_group(status=Group.Status.PROPOSED)
    refused = make_group(status=Group.Status.PROPOSED)
    moderator = django_user_model.objects.create_user("moderateur")
    group_moderate(group=refused, approve=False, user=moderator, note="Hors du territoire")
    (item,) = _items(refused.contact_email)
    assert "Refusé par la modération : Hors du territoire" in [o.label for o in item.outcomes]
    assert "En attente de modération" in [
        o.label for o in _items(pending.contact_email)[0].outcomes
    ]
    for group in (pending, refused):
        report = erase_everywhere(Identity.parse(group.contact_email))
        assert report.deleted["networks.group"] == 1
        assert not Group.objects.filter(pk=group.pk).exists()


def test_a_phone_finds_no_group(make_group):  # noqa: ANN001
    make_group()
    assert _items("+33612345678") == []
