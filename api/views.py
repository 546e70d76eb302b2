"""The pages of the API: an organization's managers make and revoke its keys (``/parties/api-keys/``, reached as every
party page is: ``parties.permissions.party_view``), and the staff read the interactive documentation (Swagger UI
from django-ninja's own files, no CDN, no inline script)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from api.forms import ApiKeyForm, RevokeForm
from api.keys import create_key, revoke_key
from api.models import ApiKey
from core.models import Party
from core.permissions import permission_required
from parties.permissions import party_view


def _keys_page(
    request: HttpRequest, organization: Party, form: ApiKeyForm, *, new_key: str = "", status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "api/keys.html",
        {
            "organization": organization,
            "keys": ApiKey.objects.filter(organization=organization).select_related("created_by"),
            "form": form,
            "new_key": new_key,
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"  # the page that shows a new key is never kept
    return response


@party_view("api.manage_keys")
def keys(request: HttpRequest, organization: Party) -> HttpResponse:
    """The organization's keys; a new one is shown once, on the page that made it."""
    if request.method != "POST":
        return _keys_page(request, organization, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, organization, form, status=400)
    try:
        api_key, key = create_key(
            organization,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
            by=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _keys_page(request, organization, form, status=400)
    messages.success(request, f"Key “{api_key.name}” made. Copy it now: it will not be shown again.")
    return _keys_page(request, organization, ApiKeyForm(), new_key=key)


@require_POST
@party_view("api.manage_keys")
def revoke(request: HttpRequest, organization: Party) -> HttpResponse:
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "No key was named: nothing was revoked.")
        return redirect("api:keys")
    api_key = get_object_or_404(ApiKey, pk=form.cleaned_data["key"], organization=organization)
    revoke_key(api_key, by=request.user)
    messages.success(request, f"Key “{api_key.name}” ({api_key.prefix}…) is revoked: it no longer works.")
    return redirect("api:keys")


@permission_required("api.read_docs")
def docs(request: HttpRequest) -> HttpResponse:
    settings = {"url": reverse("api_v1:openapi-json"), "layout": "BaseLayout", "deepLinking": True}
    return render(request, "api/docs.html", {"swagger_settings": settings})
