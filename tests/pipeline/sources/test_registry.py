"""A source is declared once, on its class; registering it is the only other step.

A throw-away source registered here must show up in the model choices, the refresh schedule,
the public API and page, the admin filter and the ingest command, with no other edit.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.cache import cache

from genes.sources import source_choices, source_label, source_unregister
from pipeline.models import RunStatus, SourceRun, StagedRecord
from pipeline.sources.base import EvidenceSource, EvidenceSummary, ParsedSource
from pipeline.sources.config import source_config
from pipeline.sources.registry import (
    refresh_schedule,
    register,
    source_class,
    source_keys,
    upload_source_keys,
)

pytestmark = pytest.mark.django_db

SEVEN = ["panelapp", "clingen", "gencc", "hpo", "pubtator", "literature", "diagnostic-panels"]


class DummySource(EvidenceSource):
    key = "dummy"
    label = "Dummy registry"
    description = "A source that exists only in this test."
    order = 15
    refresh = "daily"
    default_config: ClassVar[dict[str, Any]] = {"url": "https://dummy.invalid/list.tsv"}

    def fetch(self) -> ParsedSource:
        return ParsedSource(records=[])

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        return EvidenceSummary(details={})


@pytest.fixture
def dummy_source():
    register(DummySource)
    cache.clear()
    yield DummySource
    source_unregister(DummySource.key)
    cache.clear()


def test_the_seven_sources_register_themselves_in_display_order():
    assert source_keys() == SEVEN
    assert upload_source_keys() == ["literature", "diagnostic-panels"]
    assert refresh_schedule() == {
        "panelapp": "weekly",
        "clingen": "weekly",
        "gencc": "weekly",
        "hpo": "monthly",
        "pubtator": "monthly",
    }


def test_a_registered_source_appears_everywhere_without_other_edits(
    dummy_source, client, admin_client
):
    assert source_class("dummy") is DummySource
    assert source_keys()[1] == "dummy", "order 15 puts it after PanelApp"
    assert ("dummy", "Dummy registry") in source_choices()
    for model in (SourceRun, StagedRecord):
        assert ("dummy", "Dummy registry") in model._meta.get_field("source").choices
    SourceRun(source="dummy", status=RunStatus.PENDING).full_clean()
    assert refresh_schedule()["dummy"] == "daily"
    assert source_config("dummy")["url"] == "https://dummy.invalid/list.tsv"
    assert source_label("dummy") == "Dummy registry"

    api = client.get("/api/sources/").json()
    listed = {item["id"]: item["attributes"] for item in api["data"]}
    assert listed["dummy"]["label"] == "Dummy registry"
    assert listed["dummy"]["config"] == {"url": "https://dummy.invalid/list.tsv"}
    assert client.get("/api/sources/dummy/").status_code == 200

    page = client.get("/sources/").content.decode()
    assert "A source that exists only in this test." in page

    admin = admin_client.get("/admin/pipeline/sourcerun/").content.decode()
    assert '<a href="?source__exact=dummy">Dummy registry</a>' in admin


def test_schedules_follow_the_declared_refresh_periods(dummy_source):
    from django_q.models import Schedule

    from pipeline.schedules import schedules_sync

    names = schedules_sync()
    assert "pipeline: refresh dummy" in names
    assert Schedule.objects.get(name="pipeline: refresh dummy").schedule_type == Schedule.DAILY
    assert "pipeline: refresh literature" not in names, "uploaded lists are not refreshed"


def test_two_classes_cannot_claim_one_key():
    class Impostor(DummySource):
        key = "panelapp"

    with pytest.raises(ValueError, match="taken by pipeline.sources.panelapp.PanelAppSource"):
        register(Impostor)


def test_an_unregistered_key_is_refused_with_the_known_keys():
    with pytest.raises(ValueError, match="unknown source 'nope'; choose one of: panelapp"):
        source_class("nope")
