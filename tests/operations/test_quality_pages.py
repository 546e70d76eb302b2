"""The quality program over HTTP: the rate the medical director sets, the seeded sample, the blinded second review,
the agreement and the disagreements on the director's page, the letter left alone, the outliers flagged."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Determination, ItemDecision
from cases.services.documents import add_document
from letters.models import Letter, Rendition
from operations import quality
from operations.quality_models import SecondReview, SecondReviewItem
from reviewers.models import Affiliation
from tests.factories import UserFactory, determined_case, reviewer_profile, small_pdf

pytestmark = pytest.mark.django_db

SPECIALTY = "Physical Medicine & Rehabilitation"


def _signed_letter(case, determination) -> Letter:
    """A signed letter's row (the file itself is not read by these tests)."""
    return Letter.objects.create(
        case=case,
        determination=determination,
        rendition=Rendition.values[0],
        state="signed",
        file=f"letters/{case.case_number}.pdf",
        sha256="a" * 64,
        size=1000,
        signed_at=timezone.now(),
    )


@pytest.fixture
def sampled(client, qa_user, reviewer, other_reviewer):
    """One approved determination by ``reviewer`` (upheld, overturned), drawn at a rate of 100%."""
    reviewer_profile(reviewer)
    reviewer_profile(other_reviewer)
    case = determined_case(reviewer=reviewer, qa=qa_user)
    client.force_login(qa_user)
    assert client.post(reverse("operations:quality_rate"), {"rate": "100"}).status_code == 302
    assert client.post(reverse("operations:quality_draw")).status_code == 302
    client.logout()
    return case


def test_the_medical_director_sets_the_rate_and_reviewers_may_not(client, qa_user, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("operations:quality_rate"), {"rate": "50"}).status_code == 403
    assert client.get(reverse("operations:quality")).status_code == 403
    client.force_login(qa_user)
    client.post(reverse("operations:quality_rate"), {"rate": "150"})
    assert quality.current_rate() == 0
    client.post(reverse("operations:quality_rate"), {"rate": "12.5"})
    assert str(quality.current_rate()) == "12.50"
    assert client.get(reverse("operations:quality")).status_code == 200


def test_the_sample_is_the_same_on_every_draw_and_near_the_rate():
    numbers = [f"CM26-{index:07d}" for index in range(2000)]
    first = [number for number in numbers if quality.in_sample(number, quality.Decimal(10))]
    again = [number for number in numbers if quality.in_sample(number, quality.Decimal(10))]
    assert first == again
    assert 150 < len(first) < 250


def test_a_sampled_case_goes_to_another_reviewer_of_the_same_specialty_never_the_first(
    sampled, reviewer, other_reviewer
):
    outsider = UserFactory(username="ortho")
    outsider.groups.add(*reviewer.groups.all())
    reviewer_profile(outsider, certifications=["Orthopaedic Surgery"])
    review = SecondReview.objects.get(case=sampled)
    assert (review.first_reviewer, review.second_reviewer, review.specialty) == (reviewer, other_reviewer, SPECIALTY)
    assert sorted(review.items.values_list("first_decision", flat=True)) == ["overturned", "upheld"]


def test_the_second_reviewer_cannot_reach_the_first_decision(client, sampled, other_reviewer):
    client.force_login(other_reviewer)
    page = client.get(reverse("operations:second_review", args=[sampled.case_number]))
    assert page.status_code == 200
    html = page.content.decode()
    for decision in ItemDecision.objects.filter(determination__case=sampled):
        assert decision.item.description in html  # the inputs are there
        assert decision.rationale[:60] not in html
        assert "checked" not in html  # no answer chosen in advance
    determination = Determination.objects.get(case=sampled)
    assert determination.clinical_case_summary[:60] not in html
    assert "Chronic Pain Medical Treatment 2016" not in html
    assert "first_decision" not in html and "Riley" not in html and "Marchetti" not in html
    # Nor through the case's own pages and its letters.
    letter = _signed_letter(sampled, determination)
    for url in (
        reverse("cases:detail", args=[sampled.case_number]),
        reverse("cases:workspace", args=[sampled.case_number]),
        reverse("cases:qa_review", args=[sampled.case_number]),
        reverse("letters:download", args=[letter.pk]),
        reverse("letters:progress", args=[sampled.case_number]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_second_reviewer_reads_the_records_and_still_never_the_first_decision(
    client, sampled, reviewer, other_reviewer
):
    add_document(sampled, data=small_pdf(marker="records"), name="pt-notes.pdf", kind="medical_records", title="PT")
    document = sampled.documents.get()
    url = reverse("cases:document", args=[sampled.case_number, document.pk])
    search = reverse("cases:records_search", args=[sampled.case_number]) + "?q=anything"
    client.force_login(other_reviewer)
    page = client.get(reverse("operations:second_review", args=[sampled.case_number])).content.decode()
    assert f'href="{url}"' in page  # the review lists the records, linked

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(search).status_code == 200
    assert AccessEvent.objects.filter(user=other_reviewer, object_type="document", outcome="allowed").exists()
    # The first decision stays out of reach: the case's page, its determination, its letters.
    determination = Determination.objects.get(case=sampled)
    letter = _signed_letter(sampled, determination)
    for blinded in (
        reverse("cases:detail", args=[sampled.case_number]),
        reverse("cases:workspace", args=[sampled.case_number]),
        reverse("cases:qa_review", args=[sampled.case_number]),
        reverse("letters:download", args=[letter.pk]),
    ):
        assert client.get(blinded).status_code == 404, blinded
    # Another reviewer of the same specialty, not the one drawn, reads nothing.
    third = UserFactory(username="third")
    third.groups.add(*reviewer.groups.all())
    client.force_login(third)
    assert client.get(url).status_code == 404
    assert client.get(search).status_code == 404


def test_another_reviewer_gets_404_on_a_second_review_that_is_not_theirs(client, sampled, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("operations:second_review", args=[sampled.case_number])).status_code == 404


def test_a_second_review_records_each_item_and_never_changes_the_issued_letter(
    client, sampled, other_reviewer, qa_user
):
    determination = Determination.objects.get(case=sampled)
    _signed_letter(sampled, determination)
    before = (
        list(Letter.objects.filter(case=sampled).values()),
        list(ItemDecision.objects.filter(determination__case=sampled).values()),
        list(Determination.objects.filter(case=sampled).values()),
    )
    items = list(SecondReviewItem.objects.filter(review__case=sampled).order_by("item__position"))
    url = reverse("operations:second_review", args=[sampled.case_number])
    client.force_login(other_reviewer)
    missing = client.post(url, {f"item-{items[0].item_id}": "upheld"})
    assert missing.status_code == 400 and "Item 2: choose upheld or overturned." in missing.content.decode()
    # The first decisions are upheld, overturned; the second reviewer upholds both: one disagreement.
    answer = {f"item-{row.item_id}": "upheld" for row in items}
    assert client.post(url, answer).status_code == 302
    after = (
        list(Letter.objects.filter(case=sampled).values()),
        list(ItemDecision.objects.filter(determination__case=sampled).values()),
        list(Determination.objects.filter(case=sampled).values()),
    )
    assert after == before
    assert [row.second_decision for row in SecondReviewItem.objects.filter(review__case=sampled)] == [
        "upheld",
        "upheld",
    ]
    client.force_login(qa_user)
    page = client.get(reverse("operations:quality"))
    tables = page.context["tables"]
    assert [(label, agreement.items, agreement.percent) for label, agreement in tables["specialty"]] == [
        (SPECIALTY, 2, 0.5)
    ]
    month = f"{timezone.localdate():%Y-%m}"
    assert [(label, agreement.items) for label, agreement in tables["month"]] == [(month, 2)]
    assert [row.item_id for row in page.context["disagreements"]] == [items[1].item_id]
    assert "Physical therapy 8 sessions, item 2" in page.content.decode()
    assert AccessEvent.objects.filter(user=qa_user, object_type="operations_quality").exists()
    assert AccessEvent.objects.filter(
        user=other_reviewer, object_type="second_review", case_number=sampled.case_number
    ).exists()


def test_a_reviewer_who_overturns_far_more_than_their_specialty_is_flagged(client, qa_user, reviewer, other_reviewer):
    third = UserFactory(username="third", first_name="Tess", last_name="Thirdly")
    for _ in range(4):
        determined_case(reviewer=reviewer, decisions=("overturned",) * 3)  # 12 of 12 overturned
        determined_case(reviewer=other_reviewer, decisions=("upheld",) * 3)
        determined_case(reviewer=third, decisions=("upheld",) * 3)
    client.force_login(qa_user)
    flags = client.get(reverse("operations:quality")).context["flags"]
    assert [(flag.reviewer, flag.measure, flag.count) for flag in flags] == [
        ("Riley Marchetti", "Overturn rate", 12),
        # Robin and Tess overturn nothing where the specialty overturns a third: less than half, flagged too.
        ("Robin Vandersloot", "Overturn rate", 12),
        ("Tess Thirdly", "Overturn rate", 12),
    ]


def test_a_reviewer_tied_to_a_party_of_the_case_is_never_its_second_reviewer(client, qa_user, reviewer, other_reviewer):
    reviewer_profile(reviewer)
    profile = reviewer_profile(other_reviewer)
    case = determined_case(reviewer=reviewer, qa=qa_user)
    Affiliation.objects.create(profile=profile, party=case.claims_administrator, relationship="consultant")
    client.force_login(qa_user)
    client.post(reverse("operations:quality_rate"), {"rate": "100"})
    page = client.post(reverse("operations:quality_draw"), follow=True)
    assert not SecondReview.objects.exists()
    assert "1 in the sample had no other reviewer of their specialty." in page.content.decode()


def test_a_rate_out_of_range_is_refused_with_a_message_saying_so(client, qa_user):
    client.force_login(qa_user)
    page = client.post(reverse("operations:quality_rate"), {"rate": "150"}, follow=True)
    assert "Sampling rate: Ensure this value is less than or equal to 100." in page.content.decode()
    assert quality.current_rate() == 0


def test_a_reviewer_whose_determinations_qa_returns_far_more_often_than_their_specialtys_is_flagged(
    client, qa_user, reviewer, other_reviewer
):
    third = UserFactory(username="third", first_name="Tess", last_name="Thirdly")
    for author, cases in ((reviewer, 5), (other_reviewer, 10), (third, 10)):
        for _ in range(cases):
            case = determined_case(reviewer=author)  # one item upheld, one overturned: the same overturn rate
            Determination.objects.filter(case=case).update(submitted_at=timezone.now())
            if author == reviewer:
                Determination.objects.create(
                    case=case, version=2, state="returned", author=author, submitted_at=timezone.now()
                )
    # Riley: 5 returned of 10 submitted (50%); the specialty: 5 of 30 (17%); Robin and Tess: 0 of 10.
    client.force_login(qa_user)
    flags = client.get(reverse("operations:quality")).context["flags"]
    assert [(flag.reviewer, flag.measure, flag.count, round(flag.rate, 2)) for flag in flags] == [
        ("Riley Marchetti", "QA return rate", 10, 0.5),
        ("Robin Vandersloot", "QA return rate", 10, 0.0),
        ("Tess Thirdly", "QA return rate", 10, 0.0),
    ]


def test_a_rate_of_zero_sends_nothing_and_a_second_draw_sends_no_case_twice(client, qa_user, reviewer, other_reviewer):
    reviewer_profile(reviewer)
    reviewer_profile(other_reviewer)
    determined_case(reviewer=reviewer, qa=qa_user)
    client.force_login(qa_user)
    client.post(reverse("operations:quality_draw"))
    assert not SecondReview.objects.exists()
    client.post(reverse("operations:quality_rate"), {"rate": "100"})
    client.post(reverse("operations:quality_draw"))
    page = client.post(reverse("operations:quality_draw"), follow=True)
    assert SecondReview.objects.count() == 1
    assert "0 case(s) sent to a second reviewer." in page.content.decode()


def test_the_second_reviewer_finds_the_case_in_the_menu_and_their_list(client, sampled, other_reviewer):
    client.force_login(other_reviewer)
    home = client.get(reverse("cases:my_cases")).content.decode()
    assert reverse("operations:my_second_reviews") in home
    listing = client.get(reverse("operations:my_second_reviews")).content.decode()
    assert reverse("operations:second_review", args=[sampled.case_number]) in listing
