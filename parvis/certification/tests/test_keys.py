"""Keys: outside the database, rotated without breaking old proofs, revocable from a date."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from django.core.management import call_command
from django.utils import timezone

from parvis.certification import keys as signing
from parvis.certification.checks import signing_key_check
from parvis.certification.keyring import key_revoke, keys_init, keys_rotate
from parvis.certification.selectors import bundle_for, page_entry_latest
from parvis.certification.verify import VerificationError, bundle_verify

pytestmark = pytest.mark.django_db


def test_keys_init_writes_an_owner_only_file_and_publishes_the_public_key(key_file, keys):
    """The seed file is mode 0600; only the public key reaches the database and keys.json."""
    kid = keys_init()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    published = next(k for k in keys()["keys"] if k["kid"] == kid)
    assert published["valid_to"] is None and published["revoked_from"] is None
    seed = key_file.read_text().strip()
    assert seed not in str(keys())


def test_rotation_keeps_old_proofs_valid(key_file, publish_fiche, keys):
    """After keys_rotate, a page signed by the old key still verifies; new pages use the new key."""
    keys_init()
    old_page = publish_fiche()
    old_entry = page_entry_latest(page_id=old_page.pk)
    call_command("keys_rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_page = publish_fiche()
    new_entry = page_entry_latest(page_id=new_page.pk)
    assert old_entry.kid != new_entry.kid
    keys_doc = keys()
    assert bundle_verify(bundle_for(old_entry), keys_doc).kid == old_entry.kid
    assert bundle_verify(bundle_for(new_entry), keys_doc).kid == new_entry.kid
    old = next(k for k in keys_doc["keys"] if k["kid"] == old_entry.kid)
    assert old["valid_to"] is not None


def test_a_revoked_key_signatures_after_the_revocation_date_are_rejected(
    key_file, publish_fiche, keys
):
    """Statements signed before the revocation date stay valid; later ones are rejected."""
    kid = keys_init()
    before = page_entry_latest(page_id=publish_fiche().pk)
    cut = timezone.now()
    after = page_entry_latest(page_id=publish_fiche().pk)
    keys_rotate()  # the compromised key is replaced, then revoked
    key_revoke(kid=kid, revoked_from=cut, reason="clé compromise")
    publish_fiche()  # a checkpoint signed by the new key
    keys_doc = keys()
    assert bundle_verify(bundle_for(before), keys_doc).kid == kid
    with pytest.raises(VerificationError):
        bundle_verify(bundle_for(after), keys_doc)


def test_a_checkpoint_signed_by_a_revoked_key_is_rejected(key_file, publish_fiche, keys):
    """A checkpoint has no date: a revoked key's checkpoints are never trusted."""
    kid = keys_init()
    entry = page_entry_latest(page_id=publish_fiche().pk)
    bundle = bundle_for(entry)
    key_revoke(kid=kid, revoked_from=timezone.now() + dt.timedelta(days=1), reason="perte")
    with pytest.raises(VerificationError):
        bundle_verify(bundle, keys())


def test_a_revoked_current_key_refuses_to_sign(key_file, publish_fiche):
    """Once revoked, the configured key cannot certify anything: publishing fails loudly."""
    kid = keys_init()
    key_revoke(kid=kid, revoked_from=timezone.now(), reason="clé compromise")
    with pytest.raises(signing.SigningKeyError):
        publish_fiche()


def test_production_without_a_key_fails_the_startup_check(key_file, settings):
    """HTTPS and no key: the system check errors and signing raises, never a silent skip."""
    settings.HTTPS = True
    assert [error.id for error in signing_key_check()] == ["certification.E001"]
    with pytest.raises(signing.SigningKeyError):
        signing.private_key()


def test_a_key_from_the_environment_is_used(key_file, monkeypatch):
    """PARVIS_SIGNING_KEY (base64 seed) wins over the file; a malformed one is refused."""
    monkeypatch.setenv("PARVIS_SIGNING_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    public = signing.public_bytes(signing.private_key())
    assert signing.kid_for(public) == signing.signer()[1].kid
    assert not key_file.exists()
    monkeypatch.setenv("PARVIS_SIGNING_KEY", "not a key")
    with pytest.raises(signing.SigningKeyError):
        signing.private_key()
