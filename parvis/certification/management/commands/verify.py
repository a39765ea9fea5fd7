"""``parvis verify URL|FILE|BUNDLE``: check a certified publication without trusting the server.

The signature and the inclusion proof are checked locally with the city's public key (pin it
with ``--keys keys.json``; otherwise it is fetched from the portal). Exit code 0 when valid.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parvis.certification.verify import VerificationError, bundle_verify

_LINK = re.compile(r'<link rel="alternate" type="application/json"[^>]*href="([^"]+)"')


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 — http(s) only
        return response.read()


class Command(BaseCommand):
    help = "Vérifie hors ligne une page (URL), un fichier ou une preuve (bundle JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="URL d'une page, fichier de données ou preuve JSON")
        parser.add_argument("--keys", help="fichier keys.json (sinon téléchargé du portail)")
        parser.add_argument("--server", default="", help="portail (défaut : PARVIS_BASE_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            message = self._run(options)
        except VerificationError as exc:
            self.stdout.write(f"NON VÉRIFIÉ : {exc}")
            raise SystemExit(1) from exc
        except (OSError, ValueError, urllib.error.URLError) as exc:
            self.stdout.write(f"NON VÉRIFIÉ : impossible de lire la preuve ({exc}).")
            raise SystemExit(1) from exc
        self.stdout.write(f"VÉRIFIÉ : {message}")

    def _run(self, options: dict[str, Any]) -> str:
        target: str = options["target"]
        server = (options["server"] or settings.BASE_URL).rstrip("/")
        expect_sha = expect_path = None
        if target.startswith(("http://", "https://")):
            server = f"{urlsplit(target).scheme}://{urlsplit(target).netloc}"
            found = _LINK.search(_get(target).decode("utf-8", "replace"))
            if not found:
                raise VerificationError("Cette page n'a pas de preuve de certification.")
            bundle = json.loads(_get(urljoin(target, found.group(1))))
            expect_path = urlsplit(target).path
        else:
            raw = Path(target).read_bytes()
            try:
                bundle = json.loads(raw)
            except ValueError:
                bundle = None
            if not (isinstance(bundle, dict) and "inclusion_proof" in bundle):
                expect_sha = hashlib.sha256(raw).hexdigest()
                found = json.loads(_get(f"{server}/transparence/lookup?sha256={expect_sha}"))
                if not found["entries"]:
                    raise VerificationError("La Ville n'a jamais publié ce fichier.")
                bundle = json.loads(
                    _get(f"{server}/transparence/bundle/{found['entries'][0]}.json")
                )
        if options["keys"]:
            keys = json.loads(Path(options["keys"]).read_bytes())
        else:
            keys = json.loads(_get(f"{server}/.well-known/parvis/keys.json"))
        result = bundle_verify(bundle, keys)
        statement = result.statement
        if expect_sha and statement.get("sha256") != expect_sha:
            raise VerificationError("La preuve ne porte pas sur ce fichier.")
        if expect_path and urlsplit(statement.get("url", "")).path != expect_path:
            raise VerificationError("La preuve ne porte pas sur cette page.")
        return (
            f"« {statement.get('title') or statement.get('name')} », "
            f"{statement.get('type')} version {statement.get('version')} du "
            f"{statement.get('published_at')}, signée par la clé {result.kid}, "
            f"entrée {result.index} d'un journal de {result.tree_size} entrées."
        )
