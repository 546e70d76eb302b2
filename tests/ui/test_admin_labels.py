import re

import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_the_admin_names_the_second_factor_apps_in_words_not_their_labels(client):
    client.force_login(
        factories.UserFactory(username="root", is_superuser=True, is_staff=True, first_name="Rory", last_name="Ot")
    )

    page = client.get(reverse("admin:index")).content.decode()

    captions = re.findall(r'<a href="/admin/[a-z_]+/" class="section"[^>]*>([^<]+)</a>', page)
    assert [c for c in captions if c.startswith("Second factor")] == [
        "Second factor: authenticator apps",
        "Second factor: recovery codes",
    ]
    assert re.findall(r"OTP_[A-Z]+", page) == []
