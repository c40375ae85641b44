"""Public release pages: list, detail and byte-exact downloads of published releases."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from curation import selectors
from curation.models import Release, ReleaseFile
from curation.snapshot import release_file_bytes


def release_file_response(release_file: ReleaseFile) -> HttpResponse:
    """The file exactly as frozen at publication, with its checksum in a header."""
    response = HttpResponse(
        release_file_bytes(release_file.content_gzip), content_type=release_file.content_type
    )
    version = release_file.release.version
    response["Content-Disposition"] = (
        f'attachment; filename="kidney-genetics-{version}-{release_file.name}"'
    )
    response["X-Content-SHA256"] = release_file.sha256
    response["ETag"] = f'"{release_file.sha256}"'
    return response


@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    return render(request, "curation/release_list.html", {"releases": selectors.release_list()})


@require_GET
def release_detail(request: HttpRequest, version: str) -> HttpResponse:
    try:
        release = selectors.release_get(version=version)
    except Release.DoesNotExist as missing:
        raise Http404(f"No published release {version}.") from missing
    context = {"release": release, "files": selectors.release_files(release=release)}
    return render(request, "curation/release_detail.html", context)


@require_GET
def release_download(request: HttpRequest, version: str, name: str) -> HttpResponse:
    try:
        release_file = selectors.release_file_get(version=version, name=name)
    except ReleaseFile.DoesNotExist as missing:
        raise Http404(f"No file {name} in release {version}.") from missing
    return release_file_response(release_file)
