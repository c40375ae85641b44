"""Security headers on a public page, an API response and the admin; templates fit the CSP."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from common.middleware import policy_for_path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PATHS = ["/genes/", "/api/genes/", "/admin/login/"]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", SAMPLE_PATHS)
def test_security_headers_are_sent(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    policy = _directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/genes/", "/network/", "/api/genes/"])
def test_pages_and_api_allow_no_inline_styles_or_scripts(client, path):
    header = client.get(path)["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "style-src-attr" not in _directives(header)  # so style attributes obey style-src


def test_only_admin_and_swagger_pages_get_a_relaxed_policy():
    assert "style-src 'self' 'unsafe-inline'" in policy_for_path("/admin/pipeline/live/")
    assert "script-src 'self' 'unsafe-inline'" in policy_for_path("/api/docs/")
    for path in ("/", "/genes/", "/genes/PKD1/", "/api/genes/", "/api/schema/", "/network/"):
        assert "'unsafe-inline'" not in policy_for_path(path), path


@pytest.mark.django_db
@override_settings(CSP_REPORT_ONLY=True)
def test_report_only_mode_sends_the_report_only_header(client):
    response = client.get("/genes/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_is_sent_over_https_only(client):
    assert "max-age=31536000" in client.get("/api/ping/", secure=True)["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/api/ping/")


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LOG_FORMAT)"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "test-only-production-key",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "json"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
INLINE_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE_ELEMENT = re.compile(r"<style\b")
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted((REPO / "templates").rglob("*.html"))


def test_templates_have_no_inline_scripts_or_event_handlers():
    offenders = [
        str(path.relative_to(REPO))
        for path in _templates()
        if INLINE_SCRIPT.search(path.read_text()) or INLINE_EVENT_HANDLER.search(path.read_text())
    ]
    assert not offenders


def test_style_attributes_only_in_admin_templates():
    """The public policy refuses style="..." attributes; the layout lives in site.css."""
    offenders = [
        str(path.relative_to(REPO))
        for path in _templates()
        if STYLE_ATTRIBUTE.search(path.read_text())
        and not str(path.relative_to(REPO)).startswith("templates/admin/")
    ]
    assert not offenders


def test_inline_style_elements_only_in_admin_templates():
    """<style> blocks are allowed by the /admin/ policy only."""
    admin_templates = {"templates/pipeline/live.html"}
    offenders = [
        str(path.relative_to(REPO))
        for path in _templates()
        if INLINE_STYLE_ELEMENT.search(path.read_text())
        and not str(path.relative_to(REPO)).startswith("templates/admin/")
        and str(path.relative_to(REPO)) not in admin_templates
    ]
    assert not offenders
