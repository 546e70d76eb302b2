import re

import pytest
from django.urls import reverse
from django.utils import timezone

from letters import services
from letters.models import Service
from tests.factories import determined_case


@pytest.mark.django_db
def test_the_letter_center_lists_the_letters_still_to_serve_first(staff_user, qa_user, client):
    served_case = determined_case(qa=qa_user, case_number="CM26-0000001")
    waiting_case = determined_case(qa=qa_user, case_number="CM26-0000002")
    served, _ = services.generate_letters(served_case)
    services.generate_letters(waiting_case)
    Service.objects.create(letter=served, served_on=timezone.localdate(), method=Service.Method.MAIL, by=staff_user)
    client.force_login(staff_user)

    page = client.get(reverse("letters:center")).content.decode()

    rows = re.findall(
        r'<a class="text-nowrap" href="[^"]+">([^<]+)</a></td>\s*<td data-label="Rendition">([^<]+)</td>', page
    )
    assert [(number, rendition.startswith("Parties")) for number, rendition in rows] == [
        ("CM26-0000002", True),  # still to serve
        ("CM26-0000001", True),
        ("CM26-0000001", False),
        ("CM26-0000002", False),
    ]
