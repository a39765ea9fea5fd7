"""``parvis verify URL|FILE|BUNDLE``: check a certified publication without trusting the server.

The signature and the inclusion proof are checked locally with the city's public keys, taken
from a pinned source only: ``--keys keys.json``, or the city's own origin (``--origin``, default
``PARVIS_CERTIFIED_ORIGINS``), never from the host of the page being checked. The same document
lists the origins of every site the city serves (its portal and each commune's). For a URL, the
page's origin must be one of them, the proof must be about that path on that site, and the text
the page serves must be the signed text (see ``parvis.certification.pagecheck``). Exit code 0
when valid.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parvis.certification.pagecheck import (
    bundle_link,
    origin_check,
    page_verify,
    sites_read,
    sites_with,
)
from parvis.certification.verify import VerificationError, bundle_verify

MAX_DOWNLOAD = 20 * 1024 * 1024


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 — http(s) only
        return response.read(MAX_DOWNLOAD)


class Command(BaseCommand):
    help = "Vérifie hors ligne une page (URL), un fichier ou une preuve (bundle JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="URL d'une page, fichier de données ou preuve JSON")
        parser.add_argument(
            "--keys", help="fichier keys.json épinglé (sinon pris sur l'origine de la Ville)"
        )
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            help="origine du portail de la Ville, ex. https://nantes.example (répétable ; "
            "défaut : PARVIS_CERTIFIED_ORIGINS)",
        )
        parser.add_argument("--server", default="", help="alias de --origin pour un fichier")

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
        origins = [o.rstrip("/") for o in options["origin"]] or (
            [options["server"].rstrip("/")]
            if options["server"]
            else list(settings.PARVIS_CERTIFIED_ORIGINS)
        )
        home = origins[0]
        if options["keys"]:
            keys = json.loads(Path(options["keys"]).read_bytes())
        else:
            keys = json.loads(_get(f"{home}/.well-known/parvis/keys.json"))
        if not isinstance(keys, dict):
            raise VerificationError("Document de clés illisible.")
        # The sites' origins come with the pinned keys, never from the page's host.
        sites = sites_with(sites_read(keys), origins)
        accepted = [origin for site in sites for origin in site]
        note = ""
        if target.startswith(("http://", "https://")):
            origin_check(target, accepted)  # before the page is downloaded
            html = _get(target).decode("utf-8", "replace")
            proof_url = urljoin(target, bundle_link(html))
            origin_check(proof_url, accepted)
            bundle = json.loads(_get(proof_url))
            checked = page_verify(
                url=target, html=html, bundle=bundle, keys=keys, origins=[], sites=sites
            )
            result = checked.result
            if checked.outside:
                note = (
                    f" {checked.outside} passage(s) de la page (lieux, services, horaires, "
                    "autres pages, dates) ne sont pas couverts par cette signature."
                )
        else:
            raw = Path(target).read_bytes()
            try:
                bundle = json.loads(raw)
            except ValueError:
                bundle = None
            expect_sha = None
            if not (isinstance(bundle, dict) and "inclusion_proof" in bundle):
                expect_sha = hashlib.sha256(raw).hexdigest()
                found = json.loads(_get(f"{home}/transparence/lookup?sha256={expect_sha}"))
                if not found["entries"]:
                    raise VerificationError(
                        "Ce fichier ne figure dans aucune publication certifiée du journal."
                    )
                bundle = json.loads(_get(f"{home}/transparence/bundle/{found['entries'][0]}.json"))
            result = bundle_verify(bundle, keys)
            if expect_sha and result.statement.get("sha256") != expect_sha:
                raise VerificationError("La preuve ne porte pas sur ce fichier.")
        statement = result.statement
        return (
            f"« {statement.get('title') or statement.get('name')} », "
            f"{statement.get('type')} version {statement.get('version')} du "
            f"{statement.get('published_at')}, signée par la clé {result.kid}, "
            f"entrée {result.index} d'un journal de {result.tree_size} entrées.{note}"
        )
