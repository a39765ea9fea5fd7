"""Run the shipped nginx (deploy/nginx) in front of a portal, as an operator would: the template
rendered from ``PARVIS_*`` values, Debian's nginx with its cache-purge module, a self-signed
certificate. Shared by ``test_front_cache`` and ``bench/pages --front``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import subprocess
from pathlib import Path
from string import Template

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "nginx"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
NGINX = "/usr/sbin/nginx"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own authority), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_configure(folder: Path, values: dict[str, str]) -> Path:
    """Render the shipped template with ``values`` into ``folder``; return nginx.conf's path.

    Raises ``RuntimeError`` with nginx's words when ``nginx -t`` refuses the result.
    """
    if not (Path(NGINX).exists() and PURGE_MODULE.exists()):
        raise RuntimeError("nginx and its cache-purge module are missing (make test installs them)")
    site = Template((DEPLOY / "parvis.conf.template").read_text()).safe_substitute(values)
    if not Path("/proc/net/if_inet6").exists():  # a sandbox without IPv6
        site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (folder / "parvis.conf").write_text(site)
    shutil.copy(DEPLOY / "parvis-proxy.conf", folder / "parvis-proxy.conf")
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp_paths = "".join(
        f"  {kind}_temp_path {folder}/tmp-{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"load_module {PURGE_MODULE};\n{user}daemon off;\nworker_processes 1;\n"
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {folder}/access.log;\n{temp_paths}  include parvis.conf;\n}}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(conf)], capture_output=True, text=True
    )
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    return conf


def nginx_start(folder: Path, conf: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(conf)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
