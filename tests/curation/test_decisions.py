"""Curator decisions: required rationale, optimistic concurrency, history, gene section."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from curation import services
from curation.models import CuratorDecision, Verdict
from genes.extensions import gene_sections
from genes.models import GeneScore

pytestmark = pytest.mark.django_db


def _record(gene, user, **overrides):
    arguments = {"verdict": Verdict.CONFIRMED, "rationale": "Segregates in three families."}
    arguments.update(overrides)
    return services.decision_record(gene=gene, user=user, **arguments)


def test_decision_without_rationale_is_refused(genes, curator):
    with pytest.raises(ValidationError, match="rationale is required"):
        _record(genes[0], curator, rationale="   ")
    assert not CuratorDecision.objects.exists()


def test_unknown_verdict_and_bad_pmid_are_refused(genes, curator):
    with pytest.raises(ValidationError):
        _record(genes[0], curator, verdict="maybe")
    with pytest.raises(ValidationError, match="not a PubMed id"):
        _record(genes[0], curator, pmids=["12345", "doi:10.1/x"])


def test_pmids_are_cleaned_and_deduplicated(genes, curator):
    decision = _record(genes[0], curator, pmids=["PMID:123", " 123", "456"])
    assert decision.pmids == ["123", "456"]


def test_second_curator_saving_a_stale_version_is_refused(genes, curator, other_curator):
    first = _record(genes[0], curator)
    seen_by_both = first.version
    _record(genes[0], curator, verdict=Verdict.DISPUTED, base_version=seen_by_both)
    with pytest.raises(services.StaleDecisionError, match="changed by cora_curator"):
        _record(genes[0], other_curator, verdict=Verdict.EXCLUDED, base_version=seen_by_both)
    stored = CuratorDecision.objects.get(gene=genes[0])
    assert (stored.verdict, stored.version, stored.author) == (Verdict.DISPUTED, 2, curator)


def test_recording_a_first_decision_when_one_already_exists_is_refused(
    genes, curator, other_curator
):
    _record(genes[0], curator)
    with pytest.raises(services.StaleDecisionError):
        _record(genes[0], other_curator, verdict=Verdict.EXCLUDED)


def _lose_the_first_decision_race(monkeypatch):
    """The moment of the race: this save's lookup saw no decision, the other one committed."""
    monkeypatch.setattr(
        CuratorDecision.objects, "select_for_update", lambda: CuratorDecision.objects.none()
    )


def test_losing_the_race_for_the_first_decision_is_stale_not_an_error(
    genes, curator, other_curator, monkeypatch
):
    _record(genes[0], curator)
    _lose_the_first_decision_race(monkeypatch)
    with pytest.raises(services.StaleDecisionError, match="a moment ago"):
        _record(genes[0], other_curator, verdict=Verdict.EXCLUDED)
    stored = CuratorDecision.objects.get(gene=genes[0])
    assert (stored.verdict, stored.version, stored.author) == (Verdict.CONFIRMED, 1, curator)
    assert stored.history.count() == 1


def test_history_keeps_who_and_what_of_every_change(genes, curator, other_curator):
    first = _record(genes[0], curator)
    _record(genes[0], other_curator, verdict=Verdict.DISPUTED, base_version=first.version)
    history = CuratorDecision.history.filter(gene=genes[0]).order_by("history_date")
    assert [(h.verdict, h.history_user.username) for h in history] == [
        ("confirmed", "cora_curator"),
        ("disputed", "carl_curator"),
    ]


def test_decision_never_changes_the_computed_tier(genes, curator):
    tier_before = GeneScore.objects.get(gene=genes[0]).tier
    _record(genes[0], curator, verdict=Verdict.EXCLUDED)
    assert GeneScore.objects.get(gene=genes[0]).tier == tier_before


def test_gene_section_shows_decision_beside_tier_in_one_query(
    genes, curator, django_assert_num_queries
):
    _record(genes[0], curator, pmids=["111"])
    assert "curator_decision" in [section.name for section in gene_sections()]
    loader = next(
        section.loader for section in gene_sections() if section.name == "curator_decision"
    )
    with django_assert_num_queries(1):
        payloads = loader([gene.pk for gene in genes])
    assert set(payloads) == {genes[0].pk}
    assert payloads[genes[0].pk]["verdict_label"] == "Confirmed"
    assert payloads[genes[0].pk]["author"] == "cora_curator"
    assert payloads[genes[0].pk]["changes_computed_tier"] is False


def test_gene_page_shows_decision_beside_the_computed_tier(client, genes, curator):
    _record(genes[0], curator, verdict=Verdict.DISPUTED, pmids=["111"])
    page = client.get("/genes/PKD1/").content.decode()
    assert "Curator decision" in page
    assert "Disputed" in page and "PMID:111" in page and "Segregates" in page
    assert "Comprehensive support" in page


def test_gene_api_shows_decision_beside_the_computed_tier(api_client, genes, curator):
    _record(genes[0], curator, verdict=Verdict.EXCLUDED)
    attributes = api_client.get("/api/genes/HGNC:9008/").json()["data"]["attributes"]
    assert attributes["sections"]["curator_decision"]["verdict"] == "excluded"
    assert attributes["score"]["tier"] == "comprehensive_support"


class TestAdminDecisionForm:
    def _post(self, client, url, **fields):
        data = {"verdict": "confirmed", "rationale": "Segregates.", "pmids_text": ""}
        data.update(fields)
        return client.post(url, data)

    def test_admin_records_decision_with_author_and_version(self, client, curator, genes):
        client.force_login(curator)
        response = self._post(client, "/admin/curation/curatordecision/add/", gene=genes[0].pk)
        assert response.status_code == 302
        decision = CuratorDecision.objects.get(gene=genes[0])
        assert (decision.author, decision.version) == (curator, 1)

    def test_admin_refuses_empty_rationale(self, client, curator, genes):
        client.force_login(curator)
        url = "/admin/curation/curatordecision/add/"
        response = self._post(client, url, gene=genes[0].pk, rationale=" ")
        assert response.status_code == 200
        assert "rationale is required" in response.content.decode()
        assert not CuratorDecision.objects.exists()

    def test_admin_refuses_stale_save_from_second_curator(
        self, client, curator, other_curator, genes
    ):
        decision = _record(genes[0], curator)
        url = f"/admin/curation/curatordecision/{decision.pk}/change/"
        _record(genes[0], curator, verdict=Verdict.DISPUTED, base_version=1)
        client.force_login(other_curator)
        response = self._post(client, url, verdict="excluded", base_version=1)
        assert response.status_code == 200
        assert "was changed by cora_curator" in response.content.decode()
        assert CuratorDecision.objects.get(pk=decision.pk).verdict == Verdict.DISPUTED

    def test_admin_saves_when_version_is_current(self, client, curator, other_curator, genes):
        decision = _record(genes[0], curator)
        client.force_login(other_curator)
        url = f"/admin/curation/curatordecision/{decision.pk}/change/"
        response = self._post(client, url, verdict="excluded", base_version=1, pmids_text="1, 2")
        assert response.status_code == 302
        stored = CuratorDecision.objects.get(pk=decision.pk)
        assert (stored.verdict, stored.version, stored.pmids) == ("excluded", 2, ["1", "2"])

    def test_admin_history_page_lists_changes(self, client, curator, genes):
        decision = _record(genes[0], curator)
        client.force_login(curator)
        response = client.get(f"/admin/curation/curatordecision/{decision.pk}/history/")
        assert response.status_code == 200
        assert "cora_curator" in response.content.decode()
