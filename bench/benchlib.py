"""What the benchmark scripts share: wrk runs, a stock Wagtail project served like Parvis.

from benchlib import ensure_wrk, run_wrk, stock_wagtail
with stock_wagtail(folder, port=8766, workers=2) as base:
    figures = run_wrk(ensure_wrk(), base + "/", duration=10, connections=16)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def ensure_wrk() -> str:
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def parse_ms(value: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if match is None:
        raise SystemExit(f"unexpected wrk latency: {value!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    wrk: str, url: str, duration: float, connections: int, script: Path | None = None
) -> dict[str, float]:
    """requests/s, p50 and p99 in ms, non-2xx/3xx responses and socket errors of one wrk run."""
    command = [
        wrk,
        "-t2",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk gave no latency distribution for {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    distribution = out.split("Latency Distribution", 1)[1]  # not the "+/- Stdev" column
    p50 = parse_ms(re.search(r"^\s+50%\s+(\S+)", distribution, re.M).group(1))
    p99 = parse_ms(re.search(r"^\s+99%\s+(\S+)", distribution, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors, "requests": total}


def wait_http(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def gunicorn(
    app: str, port: int, workers: int, *, cwd: Path | None = None, env: dict[str, str]
) -> subprocess.Popen:
    """A gunicorn with Parvis's serving settings (sync workers, no control socket)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
        ],
        cwd=cwd,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait()


@contextlib.contextmanager
def stock_wagtail(
    folder: Path, *, port: int, workers: int
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A stock Wagtail project (``wagtail start``) on SQLite, served by the same gunicorn
    settings as Parvis; yields its base URL (its home page is ``/``) and its server."""
    project = folder / "stock"
    project.mkdir()
    python = sys.executable
    wagtail = str(Path(python).with_name("wagtail"))
    subprocess.run([wagtail, "start", "stock", str(project)], check=True, stdout=subprocess.DEVNULL)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "stock.settings.production"}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONPATH", None)
    settings_file = project / "stock" / "settings" / "production.py"
    settings_file.write_text(
        settings_file.read_text() + '\nALLOWED_HOSTS = ["*"]\nSECRET_KEY = "bench"\n'
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=project,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    server = gunicorn("stock.wsgi:application", port, workers, cwd=project, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/")
        yield base, server
    finally:
        stop(server)


def fresh_postgres(url: str, suffix: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'parvis'}_{suffix}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def group_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by the live processes of ``process``'s group (a
    server and its workers): the server's own cost, whatever else loads the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == process.pid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks
