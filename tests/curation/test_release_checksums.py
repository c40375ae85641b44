"""A published release's SHA256SUMS covers every other file of the release, as downloaded.

Checked the way a user checks a download: fetch SHA256SUMS and every file from the public
download URLs into a folder and verify with `sha256sum -c --strict` semantics (each line is
`<64 hex>  <name>`, every named file exists and matches); and nothing of the release is missing
from the list.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pytest

from curation import services
from curation.models import Verdict

pytestmark = pytest.mark.django_db

SUM_LINE = re.compile(r"^([0-9a-f]{64})  ([^/\s][^/]*)$")


@pytest.fixture
def release(genes, curator, admin_user):
    services.decision_record(gene=genes[0], verdict=Verdict.CONFIRMED, rationale="R.", user=curator)
    draft = services.release_draft_create(title="Checksums", user=curator)
    return services.release_publish(release=draft, user=admin_user)


def test_sha256sums_lists_every_file_of_the_release_and_each_matches(client, release, tmp_path):
    names = set(release.files.values_list("name", flat=True))
    assert "SHA256SUMS" in names and len(names) > 2
    prefix = f"/releases/{release.version}/download"
    for name in names:
        response = client.get(f"{prefix}/{name}")
        assert response.status_code == 200, name
        (tmp_path / name).write_bytes(response.content)

    listed: dict[str, str] = {}
    for line in (tmp_path / "SHA256SUMS").read_text().splitlines():
        match = SUM_LINE.match(line)
        assert match, f"not a sha256sum line: {line!r}"
        digest, name = match.groups()
        assert name not in listed, f"{name} listed twice"
        listed[name] = digest
    assert set(listed) == names - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest, name

    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "-c", "--strict", "SHA256SUMS"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
