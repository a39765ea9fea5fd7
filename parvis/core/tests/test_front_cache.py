"""The shipped nginx (deploy/nginx) in front of the real portal: TLS, forwarded headers, static
files, and a cache of anonymous pages that a publication purges through the task worker.

Real processes over real sockets: gunicorn serving Parvis in production mode (HTTPS base URL,
trusted proxy, front-cache purge address) behind Debian's nginx with the cache-purge module,
started from the template exactly as an operator would (envsubst-style substitution).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from parvis.conftest import PARVIS, _fresh_postgres_url, free_port
from parvis.core.tests.nginx_front import nginx_configure, nginx_start, self_signed


class Front:
    def __init__(self, base: str, http: str, cert: Path, env: dict[str, str]) -> None:
        self.base, self.http, self.cert, self.env = base, http, cert, env

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(f"{self.base}{path}", verify=str(self.cert), timeout=30, **kwargs)

    def worker_once(self) -> None:
        """Run the queued background jobs, as ``parvis worker`` does, then return."""
        subprocess.run(
            [PARVIS, "worker", "--once", "--no-schedule"],
            env=self.env,
            check=True,
            timeout=300,
            capture_output=True,
        )

    def shell(self, code: str) -> str:
        result = subprocess.run(
            [PARVIS, "shell", "-v", "0", "-c", code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return result.stdout


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    folder = tmp_path_factory.mktemp("front")
    cert, key = self_signed(folder)
    tls, plain, purge, upstream = free_port(), free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{tls}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "PARVIS_VAR_DIR": str(folder / "var"),
            "PARVIS_BASE_URL": base,
            "PARVIS_SECRET_KEY": "front-cache-test-" + "k" * 50,
            "PARVIS_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "PARVIS_TRUSTED_PROXIES": "127.0.0.1",
            "PARVIS_FRONT_CACHE_URL": f"http://127.0.0.1:{purge}",
            "PARVIS_FRONT_CACHE_TTL": "600",
        }
    )
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = _fresh_postgres_url(database_url, "front")
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([PARVIS, "demo", "--no-serve"], env=env, check=True, timeout=900)
    subprocess.run(
        [PARVIS, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, timeout=300
    )
    values = {
        "PARVIS_SERVER_NAME": "127.0.0.1",
        "PARVIS_HTTP_PORT": str(plain),
        "PARVIS_HTTPS_PORT": str(tls),
        "PARVIS_UPSTREAM": f"127.0.0.1:{upstream}",
        "PARVIS_TLS_CERTIFICATE": str(cert),
        "PARVIS_TLS_KEY": str(key),
        "PARVIS_STATIC_ROOT": str(folder / "var" / "static"),
        "PARVIS_MEDIA_ROOT": str(folder / "var" / "media"),
        "PARVIS_CACHE_DIR": str(folder / "cache"),
        "PARVIS_PURGE_LISTEN": f"127.0.0.1:{purge}",
        "PARVIS_UPLOAD_MAX": "12m",
    }
    conf = nginx_configure(folder, values)
    server = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{upstream}", "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "gunicorn.log").open("ab"),
    )
    proxy = nginx_start(folder, conf)
    try:
        deadline = time.monotonic() + 120  # gunicorn's boot, through nginx (HTTPS only)
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", verify=str(cert), timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.3)
        yield Front(base, f"http://127.0.0.1:{plain}", cert, env)
    finally:
        for process in (proxy, server):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def test_plain_http_is_sent_to_https(front: Front) -> None:
    response = requests.get(f"{front.http}/demarches/", allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://127.0.0.1")


def test_parvis_gets_the_host_the_client_asked_for_with_its_port(front: Front) -> None:
    """nginx forwards Host as the client sent it, port included: what a fediverse server
    signed (its inbox POSTs sign ``host``) and the addresses Parvis builds from it hold on a
    non-standard port too."""
    response = front.get("/robots.txt")
    assert response.status_code == 200
    assert f"Sitemap: {front.base}/sitemap.xml" in response.text  # https://127.0.0.1:<port>


def test_anonymous_pages_are_served_from_the_front_cache(front: Front) -> None:
    first = front.get("/lieux/")
    assert first.status_code == 200
    second = front.get("/lieux/")
    assert second.headers["X-Front-Cache"] == "HIT"
    assert second.text == first.text
    assert "X-Accel-Expires" not in second.headers  # nginx's instruction, never the browser's
    assert second.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_personal_requests_never_share_a_cached_page(front: Front) -> None:
    front.get("/actualites/")
    assert front.get("/actualites/").headers["X-Front-Cache"] == "HIT"
    with_session = front.get("/actualites/", cookies={"__Host-sessionid": "abc"})
    assert with_session.headers["X-Front-Cache"] == "BYPASS"
    with_credentials = front.get("/actualites/", headers={"Authorization": "Bearer x"})
    assert with_credentials.headers["X-Front-Cache"] == "BYPASS"


def test_pages_parvis_does_not_share_are_never_stored(front: Front) -> None:
    for path in ("/recherche/?q=poubelle", "/signalements/nouveau/", "/healthz"):
        front.get(path)
        assert front.get(path).headers.get("X-Front-Cache") in ("MISS", None), path


# The first Fiche of the default site (the communes' sites are served at other hosts).
FIRST_FICHE = (
    "from wagtail.models import Site; from parvis.content.models import FichePage; "
    "f = FichePage.objects.live().in_site(Site.objects.get(is_default_site=True))"
    ".order_by('pk').first()"
)


def test_a_publication_is_purged_from_the_front_cache_by_the_task_worker(front: Front) -> None:
    paths = front.shell(
        f"{FIRST_FICHE}; "
        "print(f.relative_url(f.get_site()), f.get_parent().relative_url(f.get_site()))"
    ).split()
    fiche, parent = paths
    front.worker_once()  # the purges the demo's own publications queued, done first
    for path in (fiche, parent, "/lieux/"):
        front.get(path)
        assert front.get(path).headers["X-Front-Cache"] == "HIT", path
    front.shell(
        f"{FIRST_FICHE}; f.title = 'Titre corrigé derrière nginx'; f.save_revision().publish()"
    )
    # The editor's request only queued the purge: nginx still has the old page...
    assert front.get(fiche).headers["X-Front-Cache"] == "HIT"
    front.worker_once()  # ...until the task worker sends it (queue "background")
    after = front.get(fiche)
    assert after.headers["X-Front-Cache"] == "MISS"
    assert "Titre corrigé derrière nginx" in after.text
    assert front.get(parent).headers["X-Front-Cache"] == "MISS"  # the list that shows it
    # The rest is not purged: it waits for its own lifetime (HIT, or STALE/EXPIRED once the
    # list's short lifetime, bounded by its opening hours, ran out during a slow worker run).
    assert front.get("/lieux/").headers["X-Front-Cache"] != "MISS"


def test_static_files_are_served_by_nginx_with_a_long_life(front: Front) -> None:
    manifest = Path(front.env["PARVIS_VAR_DIR"]) / "static" / "staticfiles.json"
    hashed = json.loads(manifest.read_text())["paths"]["parvis/css/parvis.css"]
    response = front.get(f"/static/{hashed}")
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Server"] == "nginx"
