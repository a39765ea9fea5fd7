"""Where files live: the ``default`` storage (media: images, renditions, documents) and the
``private`` one (files only the portal's own views hand out, such as report photos).

Both are chosen by the ``STORAGES`` setting: the filesystem by default, an S3-compatible bucket
when ``PARVIS_S3_BUCKET`` is set (see docs/configuration.md). Code reads and writes files through
these objects, never through a path, so the same code runs on a laptop and on object storage.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def private_storage_get() -> Storage:
    """The private storage, for ``FileField(storage=private_storage_get)``."""
    return private_storage  # type: ignore[return-value]


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty


def files_delete_on_commit(*, storage: Storage, names: list[str]) -> None:
    """Delete stored files once the current transaction commits (never inside it: on object
    storage a delete is a network call, and a rolled-back delete must keep its files)."""
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
