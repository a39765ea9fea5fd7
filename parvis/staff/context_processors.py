from django.conf import settings
from django.http import HttpRequest


def sso(request: HttpRequest) -> dict[str, object]:
    """Whether the login page offers the agents' single sign-on."""
    return {"parvis_oidc_enabled": settings.PARVIS_OIDC_ENABLED}
