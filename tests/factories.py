"""factory_boy factories for the rows tests build by hand: genes, symbols, evidence, scores, users.

One place that knows which fields a valid row needs, so a test states only what it is about
(`GeneFactory(symbol="PKD1", aliases=["PC1"])`, `EvidenceFactory(gene=g, source="literature",
publication_count=2)`). Scores written here are NOT computed: tests that need real scores create
evidence and call `genes.scoring.scores_recompute()`.
"""

from __future__ import annotations

import logging
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from genes.models import Evidence, Gene, GeneScore, GeneSymbol, SymbolKind, Tier

PASSWORD = "a-long-Secret-pass-42"
# factory_boy logs every declaration it evaluates at DEBUG, passwords included; the log-secrets
# tests capture DEBUG logs and must not find the test password there.
logging.getLogger("factory").setLevel(logging.WARNING)


class GeneFactory(DjangoModelFactory):
    """An approved HGNC gene; `aliases=[...]` and `previous=[...]` add its other symbols."""

    class Meta:
        model = Gene
        skip_postgeneration_save = True

    hgnc_id = factory.Sequence(lambda n: 100_000 + n)
    symbol = factory.LazyAttribute(lambda gene: f"GENE{gene.hgnc_id}")
    name = ""

    @factory.post_generation
    def aliases(gene: Gene, create: bool, extracted: list[str] | None, **_: Any) -> None:
        _symbols(gene, create, extracted, SymbolKind.ALIAS)

    @factory.post_generation
    def previous(gene: Gene, create: bool, extracted: list[str] | None, **_: Any) -> None:
        _symbols(gene, create, extracted, SymbolKind.PREVIOUS)


def _symbols(gene: Gene, create: bool, symbols: list[str] | None, kind: str) -> None:
    if create and symbols:
        GeneSymbol.objects.bulk_create(
            GeneSymbol(gene=gene, symbol=s, symbol_upper=s.upper(), kind=kind) for s in symbols
        )


class EvidenceFactory(DjangoModelFactory):
    """One evidence row. `classifications=[...]` fills classification and weight the way
    ingestion does (the strongest configured one), and keeps the list in `details`."""

    class Meta:
        model = Evidence

    gene = factory.SubFactory(GeneFactory)
    source = "panelapp"
    details = factory.LazyFunction(dict)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        labels = kwargs.pop("classifications", None)
        if labels is not None:
            from genes.config import best_classification

            labels = list(labels)
            best = best_classification(kwargs["source"], labels)
            if best:
                kwargs.setdefault("classification", best[0])
                kwargs.setdefault("classification_weight", best[1])
            if not kwargs.get("details"):
                kwargs["details"] = {"classifications": labels}
        return kwargs


class GeneScoreFactory(DjangoModelFactory):
    """A score row written directly (pages and API tests that need a fixed score)."""

    class Meta:
        model = GeneScore

    gene = factory.SubFactory(GeneFactory)
    evidence_count = 1
    list_count = 1
    source_count_percentile = 0.5
    high_evidence = factory.LazyAttribute(lambda score: score.evidence_count >= 2)
    score = 25.0
    source_count = 1
    tier = Tier.ESTABLISHED_SUPPORT
    sources_with_data = 7
    computed_at = factory.LazyFunction(timezone.now)


class UserFactory(DjangoModelFactory):
    """A staff user with the shared test password; `role="curator"` puts it in that group."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(user: Any, create: bool, extracted: str | None, **_: Any) -> None:
        if create:
            user.save()
            if extracted:
                user.groups.add(Group.objects.get(name=extracted))
