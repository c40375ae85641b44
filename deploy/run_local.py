"""The production topology on one machine: nginx (TLS) → two ASGI servers + one qcluster.

    DATABASE_URL=postgres://... REDIS_URL=redis://... make prod-local

Started from Debian's nginx and the project's own processes, with the production settings
(`DEBUG=false`, `TRUSTED_PROXIES=1`, PostgreSQL, Redis), for trying the deployment and for the
production-topology test (tests/deploy/test_topology.py). The nginx configuration is
`deploy/nginx/kgdb.conf` itself, rendered with local ports, paths and a self-signed
certificate: nothing runs as a privileged user or on a privileged port, and everything the run
writes (certificate, nginx prefix, logs, static files, uploads) stays under `--workdir`.

Stops everything on SIGINT or SIGTERM (and when any process exits): nginx and the ASGI servers
at once, the qcluster after its current task or, past STOP_SECONDS, with that run marked
failed; then whatever is left in each process group is killed, so no worker outlives the run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
SITE_CONFIG = REPO_DIR / "deploy" / "nginx" / "kgdb.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
# How long the current task of the qcluster may take to finish when stopping.
STOP_SECONDS = 10


def nginx_site_render(
    site: str, *, port: int, http_port: int, asgi_ports: list[int], static_root: Path,
    certificate: Path, key: Path,
) -> str:
    """The production site with local ports, paths and certificate; fails when the production
    file no longer has a line this expects, so the two cannot drift apart silently."""
    upstream = "".join(f"    server 127.0.0.1:{asgi_port};\n" for asgi_port in asgi_ports)
    replacements = [
        (r"(    server 127\.0\.0\.1:\d+;\n)+", upstream, 1),
        (r"[ \t]*listen \[::\]:.*\n", "", 2),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        (r"listen 443 ssl", f"listen 127.0.0.1:{port} ssl", 1),
        (r"https://\$host\$request_uri", f"https://$host:{port}$request_uri", 1),
        (r"server_name kgdb\.example\.org;", "server_name 127.0.0.1 localhost;", 2),
        (r"ssl_certificate +\S+;", f"ssl_certificate {certificate};", 1),
        (r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};", 1),
        (r"alias /srv/kgdb/staticfiles/;", f"alias {static_root}/;", 1),
    ]
    for pattern, replacement, expected in replacements:
        site, count = re.subn(pattern, lambda _match, r=replacement: r, site)
        if count != expected:
            raise SystemExit(f"{SITE_CONFIG}: expected {expected} match(es) of {pattern!r}")
    return site


def nginx_main_render(workdir: Path, site_path: Path) -> str:
    """A main configuration with its own prefix under `workdir` (pid, logs, temp files)."""
    nginx_dir = workdir / "nginx"
    temp = "\n".join(
        f"    {kind}_temp_path {nginx_dir / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would hand requests to workers running as `nobody`, which cannot read a
    # private work directory: run them as the invoking user instead.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {nginx_dir / 'nginx.pid'};\n"
        f"error_log {nginx_dir / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        f"    access_log {nginx_dir / 'access.log'};\n{temp}\n"
        f"    include {site_path};\n"
        "}\n"
    )


def certificate_ensure(tls_dir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (made once, kept)."""
    tls_dir.mkdir(parents=True, exist_ok=True)
    certificate, key = tls_dir / "cert.pem", tls_dir / "key.pem"
    if not certificate.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )
    return certificate, key


def environment_build(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """Production settings for every process; the caller's environment may add to them."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        raise SystemExit(
            "prod-local runs on PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
            "REDIS_URL=redis://... (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            "kgdb_local REDIS_URL=redis://127.0.0.1:6379/0 make prod-local)"
        )
    secret_file = workdir / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    origins = f"https://127.0.0.1:{args.port},https://localhost:{args.port}"
    env = {
        "SECRET_KEY": secret_file.read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": origins,
        "STATIC_ROOT": str(workdir / "staticfiles"),
        "MEDIA_ROOT": str(workdir / "media"),
        "BACKUP_DIR": str(workdir / "backups"),
        **os.environ,
        # What makes it the production topology, whatever the caller's environment says.
        "DEBUG": "false",
        "TRUSTED_PROXIES": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.base")
    return env


def database_ensure(database_url: str) -> None:
    """Create the PostgreSQL database when it does not exist yet."""
    import psycopg

    try:
        psycopg.connect(database_url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name.split("?")[0]}"')


class Topology:
    """The child processes, each in a process group of its own, and their orderly stop."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str) -> None:
        """A one-off manage.py command; its failure ends the start-up."""
        print(f"prod-local: manage.py {' '.join(args)}", flush=True)
        subprocess.run(
            [sys.executable, str(REPO_DIR / "manage.py"), *args],
            cwd=REPO_DIR, env=self.env, check=True,
        )

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        self.processes[name] = subprocess.Popen(
            command, cwd=REPO_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def exited(self) -> str | None:
        """The name of a process that has exited, if any."""
        return next((n for n, p in self.processes.items() if p.poll() is not None), None)

    def stop(self) -> None:
        """Each main process first (nginx: no new requests; the qcluster: no new tasks, the
        current one may finish), for up to STOP_SECONDS; then SIGTERM to the rest of each
        process group (a worker in a source run marks it failed and exits; signalling the
        cluster's main process again could deadlock it in django-q2's stop); then SIGKILL."""
        for name, process in self.processes.items():
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        self._wait(STOP_SECONDS)
        for process in self.processes.values():
            for pid in _group_members(process.pid):
                if pid != process.pid:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
        self._wait(3)
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))


def _group_members(pgid: int) -> list[int]:
    """The processes in process group `pgid` (from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(stat.parent.name))
    return members


def wait_ready(url: str, topology: Topology, timeout: float = 120) -> None:
    """Until `url` answers 200 (any TLS certificate accepted); fails when a process exits."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (name := topology.exited()) is not None:
            raise SystemExit(f"prod-local: {name} exited; see {topology.log_dir / name}.log")
        try:
            with urllib.request.urlopen(request, timeout=2, context=context):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"prod-local: {url} did not come up")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROD_LOCAL_PORT", 8108)),
                        help="nginx HTTPS port (default 8108)")
    parser.add_argument("--http-port", type=int, default=None,
                        help="nginx plain-HTTP port that redirects (default --port + 1)")
    parser.add_argument("--asgi-ports", default=None,
                        help="comma-separated ASGI server ports (default --port + 2, + 3)")
    parser.add_argument("--workdir", type=Path, default=REPO_DIR / "var" / "prod-local")
    parser.add_argument("--no-demo", action="store_true",
                        help="do not load the demo snapshot into an empty database")
    args = parser.parse_args()
    args.http_port = args.http_port or args.port + 1
    args.asgi_ports = (
        [int(port) for port in args.asgi_ports.split(",")] if args.asgi_ports
        else [args.port + 2, args.port + 3]
    )
    return args


def main() -> int:
    args = arguments()
    workdir = args.workdir.resolve()
    for directory in ("logs", "nginx/tmp", "staticfiles", "media"):
        (workdir / directory).mkdir(parents=True, exist_ok=True)
    env = environment_build(args, workdir)
    database_ensure(env["DATABASE_URL"])
    certificate, key = certificate_ensure(workdir / "tls")
    site_path, main_path = workdir / "nginx" / "kgdb.conf", workdir / "nginx" / "nginx.conf"
    site_path.write_text(nginx_site_render(
        SITE_CONFIG.read_text(), port=args.port, http_port=args.http_port,
        asgi_ports=args.asgi_ports, static_root=Path(env["STATIC_ROOT"]),
        certificate=certificate, key=key,
    ))
    main_path.write_text(nginx_main_render(workdir, site_path))
    nginx = [NGINX, "-p", str(workdir / "nginx"), "-c", str(main_path),
             "-e", str(workdir / "nginx" / "error.log")]
    subprocess.run([*nginx, "-t", "-q"], check=True)

    topology = Topology(env, workdir / "logs")
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        topology.manage("migrate", "--noinput", "-v", "0")
        topology.manage("pipeline_schedules")
        topology.manage("collectstatic", "--noinput", "-v", "0")
        if not args.no_demo:
            topology.manage("load_demo", "--if-empty")
        daphne = str(Path(sys.executable).with_name("daphne"))
        for port in args.asgi_ports:
            topology.start(f"asgi-{port}", [daphne, "-b", "127.0.0.1", "-p", str(port),
                                            "kidney_genetics.asgi:application"])
        topology.start("qcluster", [sys.executable, str(REPO_DIR / "manage.py"), "qcluster"])
        for port in args.asgi_ports:
            wait_ready(f"http://127.0.0.1:{port}/api/ping/", topology)
        topology.start("nginx", nginx)
        wait_ready(f"https://127.0.0.1:{args.port}/api/ping/", topology)
        print(
            f"prod-local: ready on https://127.0.0.1:{args.port}/ (self-signed certificate; "
            f"http://127.0.0.1:{args.http_port}/ redirects); ASGI servers on "
            f"{', '.join(map(str, args.asgi_ports))}; logs in {workdir / 'logs'}. "
            "Ctrl-C stops everything.",
            flush=True,
        )
        while not stopping:
            if (name := topology.exited()) is not None:
                print(f"prod-local: {name} exited; stopping", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.3)
        return 0
    finally:
        print("prod-local: stopping", flush=True)
        topology.stop()


if __name__ == "__main__":
    sys.exit(main())
