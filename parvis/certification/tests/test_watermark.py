"""A database restored behind the log this server already published refuses to start."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction

from parvis.certification import watermark
from parvis.certification.models import LogEntry
from parvis.certification.selectors import log_size
from parvis.certification.services import export_certify

pytestmark = pytest.mark.django_db


@pytest.fixture
def mark_file(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.PARVIS_LOG_WATERMARK_FILE = str(tmp_path / "keys" / "log-watermark.json")
    return watermark.watermark_path()


def test_each_database_has_its_own_mark_beside_the_key(mark_file, settings):  # noqa: ANN001
    assert mark_file.parent == mark_file.parent.parent / "keys"
    assert mark_file.name.startswith("log-watermark-") and mark_file.suffix == ".json"


def _certify(name: str) -> None:
    with transaction.atomic():
        export_certify(name=name, content=name.encode(), url=f"https://x.example/{name}")


def test_each_append_raises_the_mark_once_committed(mark_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certify("a.csv")
    mark = json.loads(mark_file.read_text())
    assert mark["size"] == log_size()
    assert mark["first"] == LogEntry.objects.get(index=0).digest
    call_command("check")  # the database is at the mark: nothing to say


def test_a_database_behind_the_mark_refuses_to_start(mark_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certify("b.csv")
    mark = json.loads(mark_file.read_text())
    mark_file.write_text(json.dumps({**mark, "size": mark["size"] + 3}))  # published further
    with pytest.raises(SystemCheckError, match=r"certification\.E002.*older backup"):
        call_command("check")


def test_other_entries_at_the_same_size_are_a_fork(mark_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certify("c.csv")
    mark = json.loads(mark_file.read_text())
    mark_file.write_text(json.dumps({**mark, "root": "AAAA" + mark["root"][4:]}))
    with pytest.raises(SystemCheckError, match=r"certification\.E002.*differs"):
        call_command("check")


def test_another_log_altogether_only_warns_and_the_next_append_follows_it(
    mark_file, django_capture_on_commit_callbacks
):
    mark_file.parent.mkdir(parents=True)
    mark_file.write_text(json.dumps({"first": "0" * 64, "size": 10**6, "root": "AAAA"}))
    messages = watermark.watermark_check()
    assert [m.id for m in messages] == ["certification.W002"]
    with django_capture_on_commit_callbacks(execute=True):
        _certify("d.csv")
    assert json.loads(mark_file.read_text())["size"] == log_size()
    assert watermark.watermark_check() == []


def test_no_mark_yet_says_nothing(mark_file):
    assert not mark_file.exists()
    assert watermark.watermark_check() == []
