"""The running program's source code, offered to every user as the AGPL asks of a network service.

Section 13 of the GNU Affero General Public License: users who interact with Parvis over a network
must be offered its Corresponding Source. The archive is built from the files this process runs
(the installed ``parvis`` package, with the licence and build files beside it), so a city's own
changes are included without anyone having to remember to publish them.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from django.conf import settings

import parvis

PACKAGE = Path(parvis.__file__).resolve().parent
BESIDE = ("LICENSE", "README.md", "pyproject.toml", "constraints.txt", "Makefile")
SKIPPED_PARTS = {"__pycache__"}


def _files() -> list[tuple[Path, str]]:
    found = [
        (path, f"parvis/{path.relative_to(PACKAGE).as_posix()}")
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file()
        and not SKIPPED_PARTS.intersection(path.relative_to(PACKAGE).parts)
        and path.suffix != ".pyc"
    ]
    root = PACKAGE.parent
    found += [(root / name, name) for name in BESIDE if (root / name).is_file()]
    return found


def source_archive() -> Path:
    """A ``.tar.gz`` of the running source, rebuilt only when a file changed."""
    files = _files()
    digest = hashlib.sha256()
    for path, name in files:
        stat = path.stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    folder = Path(settings.VAR_DIR) / "source"
    target = folder / f"parvis-{parvis_version()}-{digest.hexdigest()[:12]}.tar.gz"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, name in files:
            archive.add(path, arcname=f"parvis-{parvis_version()}/{name}", recursive=False)
    partial = target.with_suffix(".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(target)  # atomic: a concurrent request never serves half an archive
    for old in folder.glob("parvis-*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def parvis_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("parvis")
    except PackageNotFoundError:
        return "0"
