"""API tokens: django-rest-knox's hashed, expiring tokens, sent as `Authorization: Token <secret>`.

Knox stores only a digest and the first characters of each token, so a token cannot be read
back from the database or the admin; each expires after `API_TOKEN_TTL_HOURS`, and deleting its
row (logout, or `user_access_end` in curation.services) revokes it at once. This subclass only
makes malformed headers a 401 instead of a 500: knox decodes the secret as UTF-8 and would let
a UnicodeDecodeError through.

Listed first among DRF's authentication classes, its `authenticate_header` makes DRF answer an
anonymous write with 401 and `WWW-Authenticate: Token` rather than 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ProjectTokenAuthentication(TokenAuthentication):
    """Knox token authentication that refuses undecodable secrets with a 401."""

    def authenticate_credentials(self, token: bytes) -> Any:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)


class ProjectTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token scheme in the OpenAPI schema (drf-spectacular finds it by class)."""

    target_class = "common.token_auth.ProjectTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token from POST /api/auth/token/, sent as "Token <token>".',
        }
