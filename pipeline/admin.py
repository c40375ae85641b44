"""Admin for source runs and the staging review queue.

The actions are thin: mapping and rejecting call `pipeline.services.staged_record_map` /
`staged_record_reject` (mapping attaches the evidence, remembers the symbol and recomputes
scores), retrying calls `pipeline.tasks.source_run_enqueue`.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from genes.models import Gene
from pipeline import services, tasks
from pipeline.live_views import user_can_trigger
from pipeline.models import ReviewStatus, RunStatus, SourceRun, StagedRecord

PAYLOAD_PREVIEW_CHARS = 4000


def _pre(text: str) -> str:
    return format_html('<pre style="white-space: pre-wrap; max-height: 30em">{}</pre>', text)


@admin.register(SourceRun)
class SourceRunAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "mode", "created_at", "finished_at"]
    list_display += ["record_count", "gene_count", "staged_count", "source_version", "short_error"]
    list_filter = ["status", "source", "mode"]
    list_select_related = ["triggered_by"]
    search_fields = ["source", "source_version", "message", "error"]
    date_hierarchy = "created_at"
    readonly_fields = ["log_display", "error_display"]
    exclude = ["log", "error"]
    actions = ["confirm_selected", "retry_selected", "cancel_selected"]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return user_can_trigger(request.user)

    @admin.display(description="Error")
    def short_error(self, obj: SourceRun) -> str:
        first_line = obj.error.strip().splitlines()[0] if obj.error.strip() else ""
        return first_line[:120]

    @admin.display(description="Log")
    def log_display(self, obj: SourceRun) -> str:
        return _pre(obj.log or "—")

    @admin.display(description="Error")
    def error_display(self, obj: SourceRun) -> str:
        return _pre(obj.error or "—")

    @admin.action(description="Retry selected failed runs", permissions=["retry"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        failed = set(queryset.filter(status=RunStatus.FAILED).values_list("source", flat=True))
        queued = 0
        for source in sorted(failed):
            try:
                tasks.source_run_enqueue(source=source, triggered_by=request.user)
            except tasks.RunAlreadyActiveError as active:
                self.message_user(request, str(active), messages.WARNING)
                continue
            except tasks.EnqueueError as down:
                self.message_user(request, str(down), messages.ERROR)
                break
            queued += 1
        skipped = queryset.exclude(status=RunStatus.FAILED).count()
        note = f" ({skipped} selected run(s) had not failed)" if skipped else ""
        self.message_user(request, f"Queued {queued} source run(s){note}.")

    def _act_on_each(
        self, request: HttpRequest, queryset: QuerySet, action: str, statuses: list[str]
    ) -> int:
        """Run one of tasks.RUN_ACTIONS on each selected run in `statuses`; report the others."""
        done = 0
        for run in queryset.filter(status__in=statuses).order_by("pk"):
            try:
                tasks.source_run_action(action=action, run=run, user=request.user)
            except tasks.RunActionError as refused:
                self.message_user(request, str(refused), messages.WARNING)
                continue
            done += 1
        return done

    @admin.action(
        description="Confirm selected held runs (apply despite the shrink)", permissions=["retry"]
    )
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Apply what held runs read; each in its own transaction with the score recompute."""
        confirmed = self._act_on_each(request, queryset, "confirm", [RunStatus.HELD])
        skipped = queryset.exclude(status=RunStatus.HELD).count()
        note = f" ({skipped} selected run(s) were not held)" if skipped else ""
        self.message_user(request, f"Confirmed and applied {confirmed} held run(s){note}.")

    @admin.action(description="Cancel selected pending or running runs", permissions=["retry"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        active = [RunStatus.PENDING, RunStatus.RUNNING]
        cancelled = self._act_on_each(request, queryset, "cancel", active)
        skipped = queryset.exclude(status__in=active).count()
        note = f" ({skipped} selected run(s) were not pending or running)" if skipped else ""
        self.message_user(request, f"Cancelled {cancelled} run(s){note}.")


class MapToGeneForm(forms.Form):
    """One gene, chosen with the admin's autocomplete (searches symbols and HGNC ids)."""

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = StagedRecord._meta.get_field("mapped_gene")
        self.fields["gene"] = forms.ModelChoiceField(
            queryset=Gene.objects.all(),
            label="Gene",
            widget=AutocompleteSelect(model_field, admin_site),
        )


class CandidateCountFilter(admin.SimpleListFilter):
    title = "candidates"
    parameter_name = "has_candidates"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "With candidates"), ("no", "Without candidates")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(candidates__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(candidates__isnull=True)
        return queryset


class ReviewStatusFilter(admin.SimpleListFilter):
    """The queue opens on what still needs a curator (Pending); "All" shows every record."""

    title = "review status"
    parameter_name = "review_status__exact"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(ReviewStatus.choices)

    def value(self) -> str:
        return super().value() or ReviewStatus.PENDING

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(review_status=self.value())

    def choices(self, changelist: Any):
        yield {
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(StagedRecord)
class StagedRecordAdmin(admin.ModelAdmin):
    """The staging review queue: what could not be normalised, and the curator's answer."""

    list_display = ["raw_symbol", "source", "reason", "candidate_list", "review_status"]
    list_display += ["mapped_gene", "run", "last_seen_at"]
    list_filter = [ReviewStatusFilter, "source", "reason", CandidateCountFilter]
    list_select_related = ["mapped_gene", "run"]
    search_fields = ["raw_symbol", "raw_symbol_key", "=raw_hgnc_id", "=raw_ncbi_id", "detail"]
    autocomplete_fields = ["mapped_gene"]
    fields = ["mapped_gene", "source", "raw_symbol", "raw_hgnc_id", "raw_ncbi_id", "reason"]
    fields += ["detail", "candidate_list", "payload_preview", "review_status", "reviewed_by"]
    fields += ["reviewed_at", "run", "first_seen_at", "last_seen_at"]
    actions = ["map_to_gene", "reject_selected"]
    list_per_page = 100
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("candidates")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        editable = obj is None or obj.review_status == ReviewStatus.PENDING
        return [name for name in self.fields if not (editable and name == "mapped_gene")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("pipeline.change_stagedrecord")

    @admin.display(description="Candidates")
    def candidate_list(self, obj: StagedRecord) -> str:
        return ", ".join(gene.symbol for gene in obj.candidates.all()) or "—"

    @admin.display(description="Payload")
    def payload_preview(self, obj: StagedRecord) -> str:
        text = json.dumps(obj.payload, indent=2, sort_keys=True, ensure_ascii=False)
        cut = len(text) > PAYLOAD_PREVIEW_CHARS
        return _pre(text[:PAYLOAD_PREVIEW_CHARS] + ("\n…" if cut else ""))

    def save_model(self, request: HttpRequest, obj: StagedRecord, form, change: bool) -> None:
        """Choosing a gene on the form maps the record through the staging service."""
        if "mapped_gene" in form.changed_data and obj.mapped_gene_id:
            record = StagedRecord.objects.get(pk=obj.pk)
            self._map_records(request, [record], obj.mapped_gene)

    def _map_records(self, request: HttpRequest, records: list[StagedRecord], gene: Gene) -> int:
        mapped = 0
        for record in records:
            try:
                services.staged_record_map(record=record, gene=gene, user=request.user)
            except (ValidationError, ValueError) as error:
                self.message_user(request, f"{record}: {error}", messages.ERROR)
                continue
            mapped += 1
        if mapped:
            self.message_user(request, f"Mapped {mapped} record(s) to {gene}; evidence attached.")
        return mapped

    @admin.action(description="Map selected records to a gene…", permissions=["review"])
    def map_to_gene(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        pending = list(queryset.filter(review_status=ReviewStatus.PENDING))
        form = MapToGeneForm(
            request.POST if "apply" in request.POST else None, admin_site=self.admin_site
        )
        if form.is_bound and form.is_valid():
            self._map_records(request, pending, form.cleaned_data["gene"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Map staged records to a gene",
            "opts": self.model._meta,
            "records": pending,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/pipeline/stagedrecord/map_to_gene.html", context)

    @admin.action(description="Reject selected records", permissions=["review"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        pending = list(queryset.filter(review_status=ReviewStatus.PENDING))
        for record in pending:
            services.staged_record_reject(record=record, user=request.user)
        self.message_user(request, f"Rejected {len(pending)} record(s).")
