"""Admin for curator decisions (with history) and releases; actions call curation.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from curation import services
from curation.models import CuratorDecision, Release, ReleaseFile

RATIONALE_REQUIRED = "A rationale is required for every decision."


class CuratorDecisionForm(forms.ModelForm):
    """Carries the version the curator loaded, so a stale save is refused, not applied."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    pmids_text = forms.CharField(
        label="PMIDs",
        required=False,
        help_text="PubMed ids separated by commas, spaces or new lines.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = CuratorDecision
        fields = ["gene", "verdict", "rationale"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "rationale" in self.fields:
            self.fields["rationale"].error_messages["required"] = RATIONALE_REQUIRED
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
            self.fields["pmids_text"].initial = ", ".join(self.instance.pmids)

    def clean_rationale(self) -> str:
        rationale = self.cleaned_data.get("rationale", "").strip()
        if not rationale:
            raise ValidationError(RATIONALE_REQUIRED)
        return rationale

    def clean_pmids_text(self) -> list[str]:
        raw = self.cleaned_data.get("pmids_text", "").replace(",", " ").split()
        return services.pmids_clean(raw)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("base_version") != self.instance.version:
            stored = CuratorDecision.objects.select_related("author").get(pk=self.instance.pk)
            who = stored.author.get_username() if stored.author else "someone"
            raise ValidationError(
                f"This decision was changed by {who} at {stored.updated_at:%Y-%m-%d %H:%M} "
                f"since you opened it (now version {stored.version}). Your changes were not "
                "saved: reload the page, review their change and apply yours again."
            )
        return cleaned


@admin.register(CuratorDecision)
class CuratorDecisionAdmin(SimpleHistoryAdmin):
    form = CuratorDecisionForm
    list_display = ["gene", "verdict", "author", "updated_at", "version"]
    list_filter = ["verdict"]
    list_select_related = ["gene", "author"]
    search_fields = ["gene__symbol", "=gene__hgnc_id", "rationale"]
    autocomplete_fields = ["gene"]
    readonly_fields = ["author", "updated_at", "version"]
    history_list_display = ["verdict", "rationale", "pmids", "version"]
    list_per_page = 100

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "gene"] if obj else fields

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        """Reverting would bypass the version check; curators re-record instead."""
        return True

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        obj_saved = services.decision_record(
            gene=form.cleaned_data.get("gene") or obj.gene,
            verdict=form.cleaned_data["verdict"],
            rationale=form.cleaned_data["rationale"],
            pmids=form.cleaned_data["pmids_text"],
            user=request.user,
            base_version=form.cleaned_data.get("base_version") if change else None,
        )
        obj.pk = obj_saved.pk
        obj.version = obj_saved.version


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    fields = ["name", "size", "sha256", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("content_gzip")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Download")
    def download(self, obj: ReleaseFile) -> str:
        url = reverse("curation:release-download", args=[obj.release.version, obj.name])
        return format_html('<a href="{}">{}</a>', url, obj.name)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "status", "gene_count", "created_by", "published_at"]
    list_filter = ["status"]
    list_select_related = ["created_by", "published_by"]
    search_fields = ["version", "title"]
    fields = ["title", "notes"]
    frozen_fields = [
        "version", "status", "created_by", "created_at", "published_by", "published_at",
        "gene_count", "evidence_count", "decision_count", "source_versions_display",
        "changelog_display", "citation", "previous",
    ]  # fmt: skip
    actions = ["publish_selected"]

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["title", "notes", *self.frozen_fields] if obj else ["title", "notes"]

    def get_inlines(self, request: HttpRequest, obj=None) -> list:
        return [ReleaseFileInline] if obj and obj.is_published else []

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if obj and obj.is_published:
            return ["title", "notes", *self.frozen_fields]
        return self.frozen_fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("curation.publish_release")

    def save_model(self, request: HttpRequest, obj: Release, form, change: bool) -> None:
        if change:
            services.release_draft_update(release=obj, title=obj.title, notes=obj.notes)
        else:
            created = services.release_draft_create(
                title=obj.title, notes=obj.notes, user=request.user
            )
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Release) -> None:
        services.release_draft_delete(release=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        if any(release.is_published for release in queryset):
            raise PermissionDenied("Published releases cannot be deleted.")
        for release in queryset:
            services.release_draft_delete(release=release)

    @admin.action(description="Publish selected draft releases", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for release in queryset.order_by("created_at"):
            try:
                published = services.release_publish(release=release, user=request.user)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
                continue
            self.message_user(request, f"Published release {published.version}.")

    @admin.display(description="Source versions")
    def source_versions_display(self, obj: Release) -> str:
        items = sorted(obj.source_versions.items())
        return format_html_join(
            "", "<div>{}: {}</div>", ((key, ", ".join(v) or "—") for key, v in items)
        )

    @admin.display(description="Changelog")
    def changelog_display(self, obj: Release) -> str:
        log = obj.changelog or {}
        return format_html(
            "Since {}: {} added, {} removed, {} tier changes",
            log.get("previous_version") or "the start",
            len(log.get("added", [])),
            len(log.get("removed", [])),
            len(log.get("tier_changes", [])),
        )


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Accounts, groups and tokens are managed by superusers only.

    The Admin role holds every model permission (curation/roles.py), including auth's; without
    this, an Admin-role account could grant itself `is_superuser` or read other users' tokens.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


for _model in (User, Group, AuthToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class ProjectUserAdmin(SuperuserOnlyAdmin, UserAdmin):
    pass


@admin.register(Group)
class ProjectGroupAdmin(SuperuserOnlyAdmin, GroupAdmin):
    pass


@admin.register(AuthToken)
class ApiTokenAdmin(SuperuserOnlyAdmin):
    """Tokens are listed by owner, start and expiry; deleting one revokes it. Secrets are only
    ever shown once, to the client that signed in; the database holds a digest."""

    list_display = ("user", "token_key", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "token_key", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
