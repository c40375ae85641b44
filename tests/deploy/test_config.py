"""The files in deploy/ agree with each other and with the settings, and nginx accepts them."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO_DIR / "deploy"
# Read by the test set-up only, never in production.
TEST_ONLY_SETTINGS = {"TEST_DATABASE_NAME"}


def _run_local():
    spec = importlib.util.spec_from_file_location("run_local", DEPLOY_DIR / "run_local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _settings_names() -> set[str]:
    sources = [
        *REPO_DIR.glob("kidney_genetics/settings*.py"),
        *REPO_DIR.glob("kidney_genetics/settings/*.py"),
    ]
    pattern = re.compile(r"env\.\w+\(\s*\"([A-Z0-9_]+)\"")
    return {name for path in sources for name in pattern.findall(path.read_text())}


def test_env_example_names_every_setting_read_from_the_environment():
    example = (DEPLOY_DIR / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    names = _settings_names()
    assert "SECRET_KEY" in names and "DATABASE_URL" in names  # the scan finds the settings
    missing = names - documented - TEST_ONLY_SETTINGS
    assert not missing, f"deploy/.env.example does not mention {sorted(missing)}"


def test_systemd_target_starts_one_asgi_server_per_nginx_upstream():
    site = (DEPLOY_DIR / "nginx" / "kgdb.conf").read_text()
    upstream = re.search(r"upstream kgdb_asgi \{(.*?)\}", site, flags=re.DOTALL).group(1)
    upstream_ports = re.findall(r"server 127\.0\.0\.1:(\d+);", upstream)
    target = (DEPLOY_DIR / "systemd" / "kgdb.target").read_text()
    assert upstream_ports and upstream_ports == re.findall(r"kgdb-asgi@(\d+)\.service", target)


def test_rendered_site_is_accepted_by_nginx(tmp_path):
    """What run_local.py (and so the production-topology test) runs is the production file
    with ports, paths and certificate replaced, and nginx accepts it."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists() or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl is not installed")
    run_local = _run_local()
    certificate, key = run_local.certificate_ensure(tmp_path / "tls")
    (tmp_path / "nginx" / "tmp").mkdir(parents=True)
    site = run_local.nginx_site_render(
        (DEPLOY_DIR / "nginx" / "kgdb.conf").read_text(),
        port=18443,
        http_port=18080,
        asgi_ports=[18001, 18002, 18003],
        static_root=tmp_path / "static",
        certificate=certificate,
        key=key,
    )
    directives = "".join(line for line in site.splitlines() if not line.lstrip().startswith("#"))
    assert "kgdb.example.org" not in directives and "/srv/kgdb" not in directives
    assert site.count("server 127.0.0.1:1800") == 3
    site_path, main_path = tmp_path / "nginx" / "kgdb.conf", tmp_path / "nginx" / "nginx.conf"
    site_path.write_text(site)
    main_path.write_text(run_local.nginx_main_render(tmp_path, site_path))
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path / "nginx"),
            "-c",
            str(main_path),
            "-e",
            str(tmp_path / "nginx" / "error.log"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_renderer_refuses_a_site_that_drifted_from_what_it_expects(tmp_path):
    run_local = _run_local()
    site = (DEPLOY_DIR / "nginx" / "kgdb.conf").read_text().replace("listen 80;", "listen 81;")
    with pytest.raises(SystemExit, match="listen 80"):
        run_local.nginx_site_render(
            site,
            port=1,
            http_port=2,
            asgi_ports=[3],
            static_root=tmp_path,
            certificate=tmp_path,
            key=tmp_path,
        )
