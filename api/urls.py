"""The API's pages (under ``/parties/api-keys/``, app ``api``) and the API itself (``/api/v1/``, namespace
``api_v1``: the endpoints, the schema and the staff's docs page)."""

from django.urls import URLPattern, path, re_path

from api import views
from api.endpoints import api, unknown_url

app_name = "api"
urlpatterns = [
    path("", views.keys, name="keys"),
    path("revoke/", views.revoke, name="revoke"),
]


def v1() -> tuple[list, str, str]:
    """The API's URL patterns: open to requests without a session (a key authenticates them, the schema is public);
    the docs page is the staff's, behind the log-in like every page."""
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    unknown = re_path(r"^.*$", unknown_url, name="unknown")
    unknown.callback.login_required = False  # type: ignore[attr-defined]
    return [*patterns, path("docs/", views.docs, name="docs"), unknown], app, namespace
