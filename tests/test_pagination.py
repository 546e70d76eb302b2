"""Every paged list draws its pager from one partial (``templates/partials/pagination.html``): the links keep the
list's filters, whether the list counts its pages (synonyms) or cannot (the access log: newer and older only)."""

import re

import pytest
from django.urls import reverse

from audit import views as audit_views
from audit.models import AccessEvent
from guidelines.models import Synonym

pytestmark = pytest.mark.django_db


def _links(html: str) -> dict[str, str]:
    return {text: href for href, text in re.findall(r'<a class="page-link" href="([^"]*)">([^<]*)</a>', html)}


def test_the_synonym_pages_keep_the_search_in_their_links(client, admin_user):
    Synonym.objects.bulk_create(Synonym(term=f"zzterm {n:03d}", expansions="NSAIDs") for n in range(60))
    client.force_login(admin_user)

    first = client.get(reverse("guidelines:synonyms"), {"q": "zzterm"}).content.decode()
    second = client.get(reverse("guidelines:synonyms"), {"q": "zzterm", "page": 2}).content.decode()

    assert _links(first) == {"Next": "?q=zzterm&amp;page=2"}
    assert _links(second) == {"Previous": "?q=zzterm&amp;page=1"}
    assert "Page 2 of 2" in second


def test_the_access_log_pages_newer_and_older_with_its_filters_and_no_count(client, admin_user):
    AccessEvent.objects.bulk_create(
        AccessEvent(username="someone", kind="read", action="cases:detail", object_type="case")
        for _ in range(audit_views.PAGE_SIZE * 3 // 2)
    )
    client.force_login(admin_user)

    first = client.get(reverse("audit:log"), {"user": "someone"}).content.decode()
    second = client.get(reverse("audit:log"), {"user": "someone", "page": 2}).content.decode()

    assert _links(first) == {"Older": "?user=someone&amp;page=2"}
    assert _links(second) == {"Newer": "?user=someone&amp;page=1"}
    assert " of " not in re.search(r'<nav aria-label="Pages">.*?</nav>', second, re.DOTALL).group(0)
