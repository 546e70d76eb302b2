"""The public (redacted) copy never prints the names of the case's people, in any form a person types, nor other
personal names near a title or a credential; the parties' letter prints the text as written (issue 21, finding 5).

The texts are the clinical case summaries and rationales of the real published letters, with names planted in them.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from cases.models import Determination, ItemDecision
from core.models import AuditEvent, Party
from letters import rendering
from letters.models import RedactionTerm
from letters.redaction import Redactor
from precedents.parser import parse_published_letter
from tests import paths
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    PartyFactory,
    UserFactory,
    case_in_review,
    determined_case,
)
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Person:
    first: str
    last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class People:
    worker: Person
    physician: Person
    adjuster: Person
    attorney: Person
    law_firm: str
    law_firm_names: tuple[str, ...]  # the people the firm is named after
    employer: str
    employer_short: tuple[str, ...]  # the forms a person types: without the legal form, the distinctive part
    administrator: str
    administrator_short: tuple[str, ...]


CASTS = (
    People(
        Person("Rosalind", "Quenneville"),
        Person("Hector", "Lin"),
        Person("Darnell", "Okafor"),
        Person("Miriam", "Castellanos"),
        "Kessler & Moreau, LLP",
        ("Kessler", "Moreau"),
        "Brightwater Foods, Inc.",
        ("Brightwater Foods",),
        "Zenith Insurance Company",
        ("Zenith",),
    ),
    People(
        Person("Tomasz", "Wierzbicki"),
        Person("Anne-Marie", "O'Neil"),
        Person("Priya", "Raghunathan"),
        Person("Declan", "Fitzhugh"),
        "Law Offices of Ines Albarran",
        ("Ines Albarran",),
        "Redwood Tile Works LLC",
        ("Redwood Tile Works",),
        "Sedgwick Claims Management Services, Inc.",
        ("Sedgwick Claims Management Services", "Sedgwick"),
    ),
    People(
        Person("Maria", "de la Cruz"),
        Person("Samuel", "Adeyemi"),
        Person("Colleen", "Vasquez-Hart"),
        Person("Bernard", "Kowalczyk"),
        "Halvorsen Law Group",
        ("Halvorsen",),
        "Pacific Crest Hospitality Corp.",
        ("Pacific Crest Hospitality",),
        "Gallagher Bassett Services",
        ("Gallagher Bassett",),
    ),
)


def planted(text: str, cast: People) -> str:
    """``text`` with the cast's names planted in every form a person types, before, inside and after it."""
    w, p, a, t = cast.worker, cast.physician, cast.adjuster, cast.attorney
    opening = (
        f"{w.full} was seen by Dr. {p.last} on referral from {p.full}, M.D.; {p.last}, MD documented the findings, "
        f"and {p.first[0]}. {p.last} signed the request. Ms. {w.last} ({w.last}, {w.first}) works for "
        f"{cast.employer} ({', '.join(cast.employer_short)})."
    )
    middle = (
        f"The adjuster {a.full} of {cast.administrator} ({', '.join(cast.administrator_short)}) wrote to "
        f"Mr. {a.last}'s supervisor; {a.last} denied it. {w.first} was represented by {t.full}, Esq., of "
        f"{cast.law_firm} ({', '.join(cast.law_firm_names)}); {t.last} appealed."
    )
    closing = f"{p.full} DO and {p.last.upper()} were copied; {w.last} agreed."
    sentences = re.split(r"(?<=\.) (?=[A-Z])", text, maxsplit=1)
    body = f"{sentences[0]} {middle} {sentences[1]}" if len(sentences) == 2 else f"{text} {middle}"
    return f"{opening} {body} {closing}"


def forbidden_words(cast: People) -> list[str]:
    """Every name and part of a name the public copy must not print (checked as whole words, as capitalized)."""
    words = []
    for person in (cast.worker, cast.physician, cast.adjuster, cast.attorney):
        words += [person.first, person.last, person.full, person.last.upper()]
        words += [part for part in person.last.split() if part[0].isupper()]
    words += [cast.law_firm, *cast.law_firm_names, cast.employer, *cast.employer_short]
    words += [cast.administrator, *cast.administrator_short]
    return words


def letter_texts() -> list[tuple[str, str, list[str]]]:
    """(case number, summary, rationales) of every real published letter."""
    letters = []
    for path in sorted(paths.LETTERS_TEXT.glob("*.txt")):
        parsed = parse_published_letter(path.read_text(encoding="utf-8"))
        rationales = [item["determination"]["rationale"] for item in parsed["items"]]
        letters.append((parsed["case_number"], parsed["clinical_case_summary"], rationales))
    return letters


def case_with(cast: People, number: str, summary: str, rationales: list[str]):
    """A determined case whose people are the cast, with this summary and these rationales (approved)."""

    def party(kind: str, name: str) -> Party:
        return Party.objects.get_or_create(kind=kind, name=name)[0]

    case = CaseFactory(
        case_number=number,
        status="determined",
        employee_name=cast.worker.full,
        adjuster_name=cast.adjuster.full,
        attorney_name=f"{cast.attorney.full}, Esq.",
        employee_attorney=party(Party.Kind.LAW_FIRM, cast.law_firm),
        requesting_provider=party(Party.Kind.PHYSICIAN, f"{cast.physician.full}, M.D."),
        employer=party(Party.Kind.EMPLOYER, cast.employer),
        claims_administrator=party(Party.Kind.CLAIMS_ADMINISTRATOR, cast.administrator),
        decision_date=datetime.date(2026, 11, 10),
    )
    determination = Determination.objects.create(case=case, version=1, state="approved", clinical_case_summary=summary)
    for position, rationale in enumerate(rationales):
        item = DisputedItemFactory(case=case, position=position, description=f"Item {position + 1}")
        ItemDecision.objects.create(determination=determination, item=item, decision="upheld", rationale=rationale)
    return case


def html_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def leaks(text: str, words: list[str]) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w'-]){re.escape(word)}(?![\w-])", text)]


def test_the_public_copy_prints_no_name_of_the_cases_people_in_any_typed_form_over_the_real_letters(capsys):
    letters = letter_texts()
    corpus = " ".join(summary + " " + " ".join(rationales) for _, summary, rationales in letters)
    for cast in CASTS:  # the planted names are not words of the real letters: a leak is a leak
        assert leaks(corpus, forbidden_words(cast)) == []
    checked, problems = 0, []
    for index, (number, summary, rationales) in enumerate(letters):
        cast = CASTS[index % len(CASTS)]
        texts = [planted(summary, cast), *(planted(rationale, cast) for rationale in rationales)]
        case = case_with(cast, number, texts[0], texts[1:])
        determination = rendering.approved_determination(case)
        public = html_text(rendering.render_letter_html(case, determination, rendition="public"))
        parties = html_text(rendering.render_letter_html(case, determination, rendition="parties"))
        checked += len(texts)
        if found := leaks(public, forbidden_words(cast)):
            problems.append(f"{number}: public copy prints {found}")
        missing = [text[:60] for text in texts if " ".join(text.split()) not in parties]
        if missing:
            problems.append(f"{number}: the parties' letter changed {missing}")
        if "[redacted]" not in public:
            problems.append(f"{number}: nothing redacted")
    with capsys.disabled():
        print(f"\nredaction: {checked} summaries and rationales of {len(letters)} real letters, names planted")
    assert checked >= 200
    assert problems == []


def test_the_name_rules_find_nothing_to_redact_in_the_real_published_texts():
    # The published letters carry no names: every span the title and credential rules found there would be a word
    # wrongly blanked (the round trip over the same letters checks the whole public copy).
    redactor = Redactor()  # the rules alone: no name of a case
    found = [
        text[max(0, span.start - 20) : span.end + 20]
        for _, summary, rationales in letter_texts()
        for text in (summary, *rationales)
        for span in redactor.spans(text)
    ]

    assert found == []


def test_the_signed_pdf_of_the_public_copy_prints_no_name_and_the_parties_pdf_prints_them_all():
    cast = CASTS[0]
    number, summary, rationales = letter_texts()[0]
    case = case_with(cast, number, planted(summary, cast), [planted(text, cast) for text in rationales])
    determination = rendering.approved_determination(case)

    public = " ".join(pdftotext(rendering.render_letter_pdf(case, determination, rendition="public").pdf).split())
    parties = " ".join(pdftotext(rendering.render_letter_pdf(case, determination, rendition="parties").pdf).split())

    assert leaks(public, forbidden_words(cast)) == []
    assert "Dr. [redacted] on referral from [redacted], M.D.; [redacted], MD documented the findings" in public
    assert "Dr. Lin on referral from Hector Lin, M.D.; Lin, MD documented the findings" in parties


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Seen by Dr. Abigail Thornbury on 6/18/14.", "Seen by Dr. [redacted] on 6/18/14."),
        ("Report of Jonas P. Whitcombe, MD, reviewed.", "Report of [redacted], MD, reviewed."),
        ("Jane Ellery, PA-C, and Tom Brandt NP examined him.", "[redacted], PA-C, and [redacted] NP examined him."),
        ("Mr. Ostrowski and Mrs. Bell-Harding attended.", "Mr. [redacted] and Mrs. [redacted] attended."),
        # A possessive stays with the sentence; an apostrophe inside a name is part of it.
        ("Ms. Ostrowski's pain, per Dr. O'Neil's note.", "Ms. [redacted]'s pain, per Dr. [redacted]'s note."),
        ("Per Dr. Orthopedic Surgery consult, therapy helped.", "Per Dr. Orthopedic Surgery consult, therapy helped."),
        ("Physical Therapy, Chiropractic, and MD/DO visits.", "Physical Therapy, Chiropractic, and MD/DO visits."),
    ],
)
def test_other_personal_names_after_a_title_or_before_a_credential_are_redacted(typed, printed):
    case = determined_case(decisions=("upheld",))
    determination = rendering.approved_determination(case)
    determination.clinical_case_summary = typed
    determination.save(update_fields=["clinical_case_summary"])

    public = html_text(rendering.render_letter_html(case, determination, rendition="public"))

    assert printed in public


# -- the redaction check before submitting and approving, and one more term in one click ------------------------


@pytest.fixture
def drafted(reviewer):
    from cases.services import determinations

    case = case_in_review(reviewer, items=1, employee_name="Rosalind Quenneville")
    case.requesting_provider = PartyFactory(kind=Party.Kind.PHYSICIAN, name="Hector Lin, M.D.")
    case.save(update_fields=["requesting_provider"])
    (item,) = case.items.all()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="Dr. Lin saw the injured worker with her neighbour Gwendolyn Marsh-Tibbett on 6/18/14.",
        decisions={
            item.pk: {
                "decision": "upheld",
                "basis": {
                    "mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}]
                },
                "rationale": "Quenneville did not improve. The request is not medically necessary.",
            }
        },
    )
    return case


def test_the_workspace_shows_the_public_copys_redactions_highlighted(client, reviewer, drafted):
    client.force_login(reviewer)

    page = client.get(reverse("cases:workspace", args=[drafted.case_number])).content.decode()

    assert 'Dr. <mark class="redaction" title="Redacted: requesting physician">Lin</mark> saw' in page
    assert '<mark class="redaction" title="Redacted: injured worker">Quenneville</mark> did not improve.' in page
    assert "Gwendolyn Marsh-Tibbett" in page  # not a name the rules find: shown plainly, to be added by hand
    assert f'action="{reverse("letters:redaction_add", args=[drafted.case_number])}"' in page
    assert 'src="/static/js/redaction-check.js"' in page
    assert "<script>" not in page  # no inline script: the page works under the CSP


def test_a_term_added_from_the_workspace_is_redacted_in_the_public_rendition_and_printed_in_the_parties(
    client, reviewer, drafted
):
    client.force_login(reviewer)
    workspace = reverse("cases:workspace", args=[drafted.case_number])

    response = client.post(
        reverse("letters:redaction_add", args=[drafted.case_number]),
        {"text": "  Gwendolyn   Marsh-Tibbett ", "next": workspace},
    )
    preview = reverse("letters:preview", args=[drafted.case_number])
    public = " ".join(pdftotext(client.get(preview, {"rendition": "public"}).content).split())
    parties = " ".join(pdftotext(client.get(preview).content).split())
    page = client.get(workspace).content.decode()

    assert (response.status_code, response["Location"]) == (302, workspace + "#redaction-check")
    assert [(term.text, term.added_by) for term in RedactionTerm.objects.filter(case=drafted)] == [
        ("Gwendolyn Marsh-Tibbett", reviewer)
    ]
    assert "Dr. [redacted] saw the injured worker with her neighbour [redacted] on 6/18/14." in public
    assert "Dr. Lin saw the injured worker with her neighbour Gwendolyn Marsh-Tibbett on 6/18/14." in parties
    assert '<mark class="redaction" title="Redacted: added by hand">Gwendolyn Marsh-Tibbett</mark>' in page
    assert AuditEvent.objects.filter(action="letter.redaction_added").count() == 1


def test_qa_sees_the_check_and_adds_a_term_the_same_term_twice_is_kept_once(client, qa_user, reviewer, drafted):
    from cases.services import determinations

    determinations.submit_determination(drafted.determinations.get(), by=reviewer)
    client.force_login(qa_user)
    add = reverse("letters:redaction_add", args=[drafted.case_number])

    page = client.get(reverse("cases:qa_review", args=[drafted.case_number])).content.decode()
    client.post(add, {"text": "Marsh-Tibbett"})
    client.post(add, {"text": "marsh-tibbett"})

    assert 'id="redaction-check"' in page
    assert 'Dr. <mark class="redaction" title="Redacted: requesting physician">Lin</mark> saw' in page
    assert list(RedactionTerm.objects.values_list("text", flat=True)) == ["Marsh-Tibbett"]


def test_an_empty_term_is_refused_with_a_message_and_nothing_is_stored(client, reviewer, drafted):
    client.force_login(reviewer)

    response = client.post(reverse("letters:redaction_add", args=[drafted.case_number]), {"text": " "}, follow=True)

    assert "This field is required." in response.content.decode()
    assert RedactionTerm.objects.count() == 0


def test_another_reviewer_and_correspondence_staff_cannot_add_a_term_to_a_case_in_review(
    client, other_reviewer, staff_user, drafted
):
    add = reverse("letters:redaction_add", args=[drafted.case_number])
    client.force_login(other_reviewer)
    hidden = client.post(add, {"text": "Marsh"})
    client.force_login(staff_user)
    refused = client.post(add, {"text": "Marsh"})

    assert (hidden.status_code, refused.status_code) == (404, 404)
    assert RedactionTerm.objects.count() == 0


def test_a_one_word_organization_name_is_redacted_capitalized_and_the_same_word_in_lower_case_is_kept():
    case = determined_case(decisions=("upheld",))
    case.employer = PartyFactory(kind=Party.Kind.EMPLOYER, name="Target Corporation")
    case.save(update_fields=["employer"])
    determination = rendering.approved_determination(case)
    determination.clinical_case_summary = "She stocked shelves at Target; the target dose was not reached."
    determination.save(update_fields=["clinical_case_summary"])

    public = html_text(rendering.render_letter_html(case, determination, rendition="public"))

    assert "She stocked shelves at [redacted]; the target dose was not reached." in public


def test_a_superuser_deletes_a_term_added_by_mistake_in_the_admin_and_the_word_is_printed_again(
    client, reviewer, drafted
):
    term = RedactionTerm.objects.create(case=drafted, text="neighbour", added_by=reviewer)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    listed = client.get(reverse("admin:letters_redactionterm_changelist"))

    client.post(reverse("admin:letters_redactionterm_delete", args=[term.pk]), {"post": "yes"})
    determination = drafted.determinations.get()
    public = html_text(rendering.render_letter_html(drafted, determination, rendition="public", preview=True))

    assert listed.status_code == 200
    assert RedactionTerm.objects.count() == 0
    assert "with her neighbour [redacted] on 6/18/14" not in public
    assert "with her neighbour Gwendolyn Marsh-Tibbett on 6/18/14" in public


def test_an_adjuster_typed_as_a_department_blanks_that_name_but_not_the_common_word_alone():
    case = determined_case(decisions=("upheld",), adjuster_name="Claims Department")
    determination = rendering.approved_determination(case)
    determination.clinical_case_summary = "The Claims Department wrote. Claims were paid in June 2016."
    determination.save(update_fields=["clinical_case_summary"])

    public = html_text(rendering.render_letter_html(case, determination, rendition="public"))

    assert "The [redacted] wrote. Claims were paid in June 2016." in public
