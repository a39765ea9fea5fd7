"""Delivery to followers: queued with the publication, sent by the worker, retried with backoff,
dead-lettered after the last attempt, once per shared inbox; followers' data can be erased."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parvis.federation.models import Delivery, Follower, RemoteKey
from parvis.federation.services import follower_forget, publication_announce
from parvis.federation.tasks import federation_deliver_task
from parvis.federation.tests.test_inbox_loopback import publish_news


def _followers(city, peer, n: int = 3) -> None:  # noqa: ANN001
    for i in range(n):
        Follower.objects.create(
            actor=city,
            uri=f"{peer.url}/users/{i}",
            inbox=f"{peer.url}/inbox",
            shared_inbox=f"{peer.url}/shared-inbox",
        )
    Follower.objects.create(actor=city, uri=f"{peer.url}/solo", inbox=f"{peer.url}/inbox")


def test_a_publication_is_queued_once_per_shared_inbox_and_sent_only_by_the_worker(city, peer):
    _followers(city, peer)
    already = len(peer.received())
    page = publish_news("Conseil de quartier")
    page.save_revision().publish()
    assert sorted(Delivery.objects.values_list("inbox", flat=True)) == [
        f"{peer.url}/inbox",
        f"{peer.url}/shared-inbox",
    ]
    assert len(peer.received()) == already  # nothing sent inside the publishing transaction
    assert federation_deliver_task.call() == {"sent": 2, "failed": 0}
    assert len(peer.received()) == already + 2
    assert publication_announce(page=page) == 2  # a second call: an Update, deduplicated per inbox


def test_a_failing_inbox_is_retried_with_growing_delays_then_dead_lettered(city, peer, settings):
    settings.PARVIS_FEDERATION_MAX_ATTEMPTS = 3
    settings.PARVIS_FEDERATION_RETRY_SECONDS = 60
    Follower.objects.create(actor=city, uri=f"{peer.url}/a", inbox=f"{peer.url}/inbox")
    publish_news("Travaux rue de Strasbourg").save_revision().publish()
    peer.fail(503)
    delivery = Delivery.objects.get()
    delays = []
    for attempt in range(1, 4):
        before = timezone.now()
        assert federation_deliver_task.call() == {"sent": 0, "failed": 1}
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_error == "HTTP 503"
        if attempt < 3:
            assert delivery.status == Delivery.Status.PENDING
            delays.append(delivery.next_attempt_at - before)
            # Not due yet: the worker leaves it alone until its time comes.
            assert federation_deliver_task.call() == {"sent": 0, "failed": 0}
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(seconds=1)
            )
    assert delivery.status == Delivery.Status.FAILED
    assert timedelta(seconds=25) <= delays[0] <= timedelta(seconds=61)
    assert timedelta(seconds=55) <= delays[1] <= timedelta(seconds=121)


def test_an_inbox_that_refuses_is_not_retried(city, peer):
    Follower.objects.create(actor=city, uri=f"{peer.url}/b", inbox=f"{peer.url}/inbox")
    publish_news("Marché de Noël").save_revision().publish()
    peer.fail(410)
    federation_deliver_task.call()
    assert Delivery.objects.get().status == Delivery.Status.FAILED


def test_an_unreachable_inbox_is_retried(city, peer):
    Follower.objects.create(
        actor=city, uri="http://127.0.0.1:9/x", inbox="http://127.0.0.1:9/inbox"
    )
    publish_news("Fermeture de la piscine").save_revision().publish()
    assert federation_deliver_task.call() == {"sent": 0, "failed": 1}
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at > timezone.now()


def test_no_delivery_reaches_a_private_address_outside_tests(city, peer, settings):
    Follower.objects.create(actor=city, uri=f"{peer.url}/c", inbox=f"{peer.url}/inbox")
    publish_news("Collecte des sapins").save_revision().publish()
    settings.PARVIS_FEDERATION_ALLOW_LOOPBACK = False
    already = len(peer.received())
    federation_deliver_task.call()
    assert len(peer.received()) == already
    assert Delivery.objects.get().status == Delivery.Status.FAILED


def test_a_follower_can_be_erased(city, peer):
    _followers(city, peer, 1)
    RemoteKey.objects.create(
        key_id=f"{peer.url}/users/0#main-key",
        owner=f"{peer.url}/users/0",
        public_key_pem="x",
        fetched_at=timezone.now(),
    )
    publish_news("Vote du budget").save_revision().publish()
    Follower.objects.filter(uri=f"{peer.url}/solo").delete()
    Follower.objects.create(actor=city, uri=f"{peer.url}/solo", inbox=f"{peer.url}/solo/inbox")
    publish_news("Vote du budget (suite)").save_revision().publish()
    assert Delivery.objects.filter(inbox=f"{peer.url}/solo/inbox").exists()
    assert follower_forget(uri=f"{peer.url}/solo") == 1
    assert not Follower.objects.filter(uri=f"{peer.url}/solo").exists()
    assert not Delivery.objects.filter(inbox=f"{peer.url}/solo/inbox").exists()
    assert Delivery.objects.filter(inbox=f"{peer.url}/shared-inbox").exists()  # not only its
    assert follower_forget(uri=f"{peer.url}/users/0") == 1
    assert not Follower.objects.filter(uri=f"{peer.url}/users/0").exists()
    assert not RemoteKey.objects.exists()


def test_the_erasure_command_forgets_an_account(city, peer):
    from io import StringIO

    from django.core.management import call_command

    Follower.objects.create(actor=city, uri=f"{peer.url}/d", inbox=f"{peer.url}/inbox")
    out = StringIO()
    call_command("federation_forget", f"{peer.url}/d", stdout=out)
    assert "1 abonnement" in out.getvalue()
    assert not Follower.objects.exists()


def test_an_unpublished_news_item_is_deleted_from_followers_timelines(city, peer, client):
    Follower.objects.create(actor=city, uri=f"{peer.url}/e", inbox=f"{peer.url}/inbox")
    page = publish_news("Concert annulé")
    page.save_revision().publish()
    federation_deliver_task.call()
    already = len(peer.received())
    page.unpublish()
    assert federation_deliver_task.call() == {"sent": 1, "failed": 0}
    delete = peer.received()[already]
    assert delete["verified"], delete["error"]
    assert delete["activity"]["type"] == "Delete"
    assert delete["activity"]["object"] == {
        "id": f"http://testserver/federation/objets/{page.pk}",
        "type": "Tombstone",
    }
    gone = client.get(
        f"/federation/objets/{page.pk}", headers={"Accept": "application/activity+json"}
    )
    assert gone.status_code == 410
    page.save_revision().publish()  # published again: a new Create
    federation_deliver_task.call()
    assert peer.received()[already + 1]["activity"]["type"] == "Create"


def test_a_deleted_news_item_is_deleted_from_followers_timelines(city, peer):
    Follower.objects.create(actor=city, uri=f"{peer.url}/f", inbox=f"{peer.url}/inbox")
    page = publish_news("Brocante reportée")
    page.save_revision().publish()
    federation_deliver_task.call()
    page.delete()
    assert Delivery.objects.filter(activity__type="Delete").count() == 1
