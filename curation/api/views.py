"""Curation API: token login, role-checked writes that mirror admin actions, public releases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import generics, status
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import error_response
from curation import selectors, services
from curation.api import serializers
from curation.api.permissions import HasCurationPermission, LoginRateThrottle
from curation.models import CuratorDecision, ReleaseFile
from curation.views import release_file_response
from genes.models import Gene
from pipeline import tasks
from pipeline.models import SourceRun
from pipeline.services import uploads
from pipeline.sources.registry import source_keys


class RunConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "run_active"


class QueueUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "queue_unavailable"


class RunStateConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "run_state"


class StaleDecision(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_decision"


def _django_errors(error: DjangoValidationError) -> Any:
    return error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}


class TokenLimitReached(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "token_limit"


TOKEN_RESPONSE = inline_serializer(
    "ApiToken",
    {
        "token": drf_serializers.CharField(help_text="The secret; shown only in this response."),
        "expiry": drf_serializers.DateTimeField(help_text="When the token stops working."),
    },
)
UNAUTHENTICATED = error_response("No valid token: sign in (`POST /api/auth/token/`)")


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TokenObtainView(APIView):
    """POST username + password → a new API token (hashed at rest, expiring); rate-limited.

    Default authentication stays on so a signed-in browser's POST still needs its CSRF token.
    """

    permission_classes: list = []
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create",
        request=AuthTokenSerializer,
        responses={
            200: TOKEN_RESPONSE,
            400: error_response("Wrong username or password, or a field is missing"),
            403: error_response("The user already holds the most live tokens allowed"),
            429: error_response("Too many sign-in attempts from this client"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            secret, expiry = services.api_token_issue(user=serializer.validated_data["user"])
        except services.TokenLimitError as error:
            raise TokenLimitReached(str(error)) from None
        return Response({"token": secret, "expiry": expiry})


class TokenLogoutView(APIView):
    """POST with a token: that token stops working. `logout-all`: every token and session of
    the user (a signed-in browser may ask too, with its CSRF token)."""

    permission_classes = [IsAuthenticated]
    everywhere = False

    @extend_schema(
        request=None,
        responses={
            204: None,
            400: error_response("logout without a token (a browser session has no token)"),
            401: UNAUTHENTICATED,
        },
    )
    def post(self, request: Request) -> Response:
        if self.everywhere:
            services.user_access_end(user=request.user)
        elif isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            raise ValidationError("Send the token to end in the Authorization header.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class DecisionListCreateView(generics.ListCreateAPIView):
    """GET: every curator decision. POST: record one (role: Curator or Admin)."""

    permission_classes = [HasCurationPermission]
    required_permission = "curation.record_decision"
    serializer_class = serializers.DecisionSerializer
    queryset = CuratorDecision.objects.select_related("gene", "author").order_by("gene__symbol")

    @extend_schema(
        request=serializers.DecisionInputSerializer,
        responses={
            201: OpenApiResponse(
                serializers.DecisionSerializer, description="The gene's first decision"
            ),
            200: OpenApiResponse(
                serializers.DecisionSerializer, description="A new version of the gene's decision"
            ),
            409: error_response("The decision changed since `base_version`; reload and retry"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = serializers.DecisionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        gene = Gene.objects.filter(hgnc_id=data["gene"]).first()
        if gene is None:
            raise ValidationError({"gene": f"No gene HGNC:{data['gene']}."})
        try:
            decision = services.decision_record(
                gene=gene,
                verdict=data["verdict"],
                rationale=data["rationale"],
                pmids=data["pmids"],
                base_version=data["base_version"],
                user=request.user,
            )
        except services.StaleDecisionError as stale:
            raise StaleDecision(stale.messages[0]) from stale
        except DjangoValidationError as error:
            raise ValidationError(_django_errors(error)) from error
        code = status.HTTP_201_CREATED if decision.version == 1 else status.HTTP_200_OK
        return Response(serializers.DecisionSerializer(decision).data, status=code)


class RunTriggerView(APIView):
    """POST {"source": key | "all"}: queue source runs (role: Curator or Admin).

    With "all", sources that already have an active run are reported, not queued.
    """

    permission_classes = [HasCurationPermission]
    required_permission = "curation.trigger_run"

    @extend_schema(
        request=serializers.RunInputSerializer,
        responses={
            202: dict,
            409: error_response("Every requested source already has a run"),
            503: error_response("The task queue is unreachable; nothing was queued"),
        },
    )
    def post(self, request: Request) -> Response:
        given = serializers.RunInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        source = given.validated_data["source"]
        sources = source_keys() if source == "all" else [source]
        queued, refused = [], []
        for key in sources:
            try:
                run = tasks.source_run_enqueue(source=key, triggered_by=request.user)
            except tasks.RunAlreadyActiveError as active:
                refused.append({"source": key, "detail": str(active)})
                continue
            except tasks.EnqueueError as down:
                raise QueueUnavailable(str(down)) from down
            queued.append({"source": key, "run": run.pk})
        if not queued:
            raise RunConflict(refused[0]["detail"])
        return Response({"queued": queued, "refused": refused}, status=status.HTTP_202_ACCEPTED)


class RunActionView(APIView):
    """POST /api/runs/{id}/cancel|retry|confirm/ (role: Curator or Admin).

    cancel: a pending or running run ends as failed; retry: a failed run's source is queued
    again; confirm: a run held by the shrink guard is applied. 409 when the run's state does
    not allow the action.
    """

    permission_classes = [HasCurationPermission]
    required_permission = "curation.trigger_run"
    action: str = ""

    @extend_schema(
        request=None,
        responses={
            200: dict,
            404: error_response("No run with that id"),
            409: error_response("The run's state does not allow this action"),
            503: error_response("The task queue is unreachable (retry)"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        run = SourceRun.objects.filter(pk=pk).first()
        if run is None:
            raise Http404(f"No run {pk}.")
        try:
            result = tasks.source_run_action(action=self.action, run=run, user=request.user)
        except tasks.RunActionError as refused:
            raise RunStateConflict(str(refused)) from refused
        except tasks.RunAlreadyActiveError as active:
            raise RunConflict(str(active)) from active
        except tasks.EnqueueError as down:
            raise QueueUnavailable(str(down)) from down
        body = {"run": result.pk, "source": result.source, "status": result.status}
        return Response({**body, "message": result.message}, status=status.HTTP_200_OK)


class UploadView(APIView):
    """POST multipart source + file (+ mode): commit a list upload (role: Curator or Admin).

    A malformed file commits nothing and answers 400 with the row-level problems.
    """

    permission_classes = [HasCurationPermission]
    required_permission = "curation.upload_list"

    @extend_schema(
        request=serializers.UploadInputSerializer,
        responses={
            201: OpenApiResponse(dict, description="Committed"),
            202: OpenApiResponse(
                dict,
                description="Held: a replace would drop most of a provider's rows; nothing "
                "changed until POST /api/runs/{run}/confirm/",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        given = serializers.UploadInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            upload = uploads.upload_commit(
                source=data["source"],
                file_name=data["file"].name,
                content=data["file"].read(),
                mode=data["mode"],
                user=request.user,
            )
        except uploads.UploadHeldError as held:
            body = {"held": True, "run": held.run.pk, "detail": held.run.message}
            return Response(body, status=status.HTTP_202_ACCEPTED)
        except uploads.UploadError as error:
            raise ValidationError({"file": str(error)}) from error
        body = {
            "upload": upload.pk,
            "sha256": upload.sha256,
            "rows": upload.row_count,
            "mapped": upload.mapped_count,
            "staged": upload.staged_count,
            "run": upload.run_id,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ReleaseListView(generics.ListAPIView):
    """Published releases, newest first."""

    serializer_class = serializers.ReleaseSerializer

    def get_queryset(self):
        return selectors.release_list()


class ReleaseDetailView(generics.RetrieveAPIView):
    """One published release: changelog, citation, source versions, files with checksums."""

    serializer_class = serializers.ReleaseDetailSerializer
    lookup_field = "version"

    def get_queryset(self):
        return selectors.release_list()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "version" in self.kwargs:
            context["files"] = selectors.release_files(release=self.get_object())
        return context


class ReleaseDownloadView(APIView):
    """A release file exactly as published (uncompressed); `X-Content-SHA256` has its checksum."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, version: str, name: str) -> HttpResponse:
        try:
            return release_file_response(selectors.release_file_get(version=version, name=name))
        except ReleaseFile.DoesNotExist as missing:
            raise Http404(f"No file {name} in release {version}.") from missing
