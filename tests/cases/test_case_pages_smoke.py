import pytest
from django.urls import reverse

from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db


def test_administrator_sees_the_case_list_and_the_case_page(admin_client):
    item = DisputedItemFactory()
    response = admin_client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert item.case.case_number in response.content.decode()
    response = admin_client.get(item.case.get_absolute_url())
    assert response.status_code == 200
    assert item.description in response.content.decode()


def test_reviewer_gets_404_for_a_case_not_assigned_to_them(client, reviewer):
    case = CaseFactory()
    client.force_login(reviewer)
    assert client.get(case.get_absolute_url()).status_code == 404
