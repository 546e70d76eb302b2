"""The parties already known, searched by name as the intake form's party fields are typed in (static/js/
party-search.js): a pick fills the party's address and numbers; with scripts off the name typed is used as it is."""

from django.http import HttpRequest, JsonResponse

from core.models import Party
from core.permissions import permission_required

LIMIT = 10


@permission_required("cases.edit_intake")
def party_search(request: HttpRequest) -> JsonResponse:
    """Up to ten parties of the kind asked whose name contains the words typed, with their address and numbers."""
    kind = request.GET.get("kind") or ""
    query = (request.GET.get("q") or "").strip()[:200]
    if kind not in Party.Kind.values or len(query) < 2:
        return JsonResponse({"results": []})
    parties = Party.objects.filter(kind=kind)
    for word in query.split():
        parties = parties.filter(name__icontains=word)
    return JsonResponse(
        {
            "results": [
                {
                    "name": party.name,
                    "address_lines": party.address_lines,
                    "city": party.city,
                    "state": party.state,
                    "zip_code": party.zip_code,
                    "email": party.email,
                    "fax": party.fax,
                    "phone": party.phone,
                }
                for party in parties.order_by("name")[:LIMIT]
            ]
        }
    )
