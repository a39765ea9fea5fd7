"""The portal's JSON API under /api/v1/, described by one OpenAPI document.

Each app contributes a django-ninja ``Router`` from its own ``api.py``; this module only mounts
them and makes every error the same shape: ``{"error": "…"}`` with a 4xx status, never a 500.
Open311 is not here: it has its own specification and formats (see ``parvis.reports``).
"""

from __future__ import annotations

from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parvis.core.errors import ParvisError
from parvis.core.middleware import database_busy_response, is_database_busy

api = NinjaAPI(
    title="Parvis API",
    version="1",
    description=(
        "API ouverte du portail : réponses aux questions des habitants, signalements, "
        'conversations. Toutes les erreurs ont la forme {"error": "…"}.'
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [
        ".".join(str(part) for part in error.get("loc", []) if part not in ("body", "query"))
        for error in exc.errors
    ]
    message = (
        "Paramètres invalides : " + ", ".join(f for f in fields if f)
        if fields
        else ("Paramètres invalides.")
    )
    return api.create_response(request, {"error": message, "details": exc.errors}, status=400)


@api.exception_handler(ParvisError)
def domain_error(request: HttpRequest, exc: ParvisError) -> HttpResponse:
    return api.create_response(
        request, {"error": exc.message, "code": exc.code}, status=exc.status_code
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"error": "Authentification requise."}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


@api.exception_handler(OperationalError)
def database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A database busy with another's write: 503 JSON with Retry-After (even with DEBUG on)."""
    if is_database_busy(exc):
        return database_busy_response(request)
    raise exc


# Routers, one per app (keep this list sorted):
api.add_router("/answers", "parvis.answers.api.router")
api.add_router("/conversations", "parvis.conversation.api.router")
api.add_router("/questions", "parvis.listening.api.router")
api.add_router("/reports", "parvis.reports.api.router")
