"""Search finds what reviewers type: drug and brand names, abbreviations and typos, through the synonym table seeded
by the data migration (guidelines/data/synonyms.json) and edited by administrators. Runs on SQLite and PostgreSQL."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import AuditEvent
from guidelines import synonyms
from guidelines.cited import sections_cited
from guidelines.models import GuidelineSection, Synonym
from guidelines.search import concepts, parse_query, search_sections

pytestmark = pytest.mark.django_db

NSAIDS = "NSAIDs (non-steroidal anti-inflammatory drugs)"
TENS = "TENS, chronic pain (transcutaneous electrical nerve stimulation)"


def first_name(query: str, **filters) -> str:
    return search_sections(query, **filters)[0].name


def section(chapter_key: str, name: str) -> GuidelineSection:
    return GuidelineSection.objects.get(source__key=chapter_key, name=name)


def test_the_migration_seeds_every_term_of_the_shipped_table():
    shipped = json.loads((Path(synonyms.__file__).parent / "data" / "synonyms.json").read_text())["synonyms"]

    assert Synonym.objects.count() == len(shipped)
    assert len(shipped) >= 500
    assert Synonym.objects.get(term="naproxen").expansion_list == ["nsaids"]


@pytest.mark.parametrize("typed", ["naproxen", "Naproxen sodium 550 mg #60", "Anaprox DS", "anaprox ", "Aleve"])
def test_a_drug_or_brand_name_finds_the_nsaids_section(typed):
    assert first_name(typed) == NSAIDS


@pytest.mark.parametrize(
    "typed", ["TENS unit", "TENS unit, 30-day rental", "tens unit supplies", "Electrical stimulation"]
)
def test_a_tens_unit_finds_transcutaneous_electrical_nerve_stimulation(typed):
    assert first_name(typed, chapter="Chronic Pain Medical Treatment 2016") == TENS


def test_norco_expands_through_hydrocodone_acetaminophen_to_opioids():
    assert synonyms.table().expand("Norco")[:2] == ["hydrocodone acetaminophen", "hydrocodone"]
    assert "opioids" in synonyms.table().expand("Norco")
    assert search_sections("Norco 10/325 #90")[0].source.key == "mtus-opioids-2016"


def test_an_abbreviation_finds_what_the_guidelines_spell_out():
    assert first_name("ESI") == "Epidural steroid injections (ESIs)"
    assert first_name("EMG/NCV of the bilateral lower extremities") == "Electrodiagnostic testing (EMG/NCS)"
    assert first_name("Flexeril 10mg #60") == "Cyclobenzaprine (Flexeril)"


def test_an_mri_of_a_body_region_finds_the_special_studies_of_its_chapter():
    # For a UR decision of the letters' time: the 2004 chapter was replaced on 12/01/2017 and ranks lower after.
    result = search_sections("MRI of the cervical spine without contrast", on=datetime.date(2017, 1, 15))[0]

    assert (result.source.key, result.name) == ("mtus-neck-upper-back-2004", "Special Studies")


@pytest.mark.parametrize("typed", ["naproxin ", "naproxin", "acupunture", "cyclobenzeprine"])
def test_a_typo_still_finds_the_section(typed):
    expected = {"naproxin": NSAIDS, "acupunture": "Acupuncture", "cyclobenzeprine": "Cyclobenzaprine (Flexeril)"}

    assert search_sections(typed)[0].name.startswith(expected[typed.strip()])


def test_words_that_say_how_much_are_not_searched():
    assert [concept.typed for concept in concepts(parse_query("Naproxen 550 mg #60, 2 times a week for 4 weeks "))] == [
        "naproxen"
    ]


def test_the_section_offered_first_comes_first_whatever_was_typed():
    tens = section("mtus-chronic-pain-2016", TENS)

    results = search_sections("naproxen", first=[tens.pk])

    assert [result.name for result in results[:2]] == [TENS, NSAIDS]
    assert [result.offered_first for result in results[:2]] == [True, False]
    assert [result.name for result in results].count(TENS) == 1


def test_the_search_endpoint_offers_the_first_sections_and_flags_them(client, reviewer):
    tens = section("mtus-chronic-pain-2016", TENS)
    client.force_login(reviewer)

    response = client.get(reverse("guidelines:search"), {"q": "naproxen", "first": f"{tens.pk},x", "limit": 3})

    results = response.json()["results"]
    assert [(result["name"], result["offered_first"]) for result in results] == [
        (TENS, True),
        (NSAIDS, False),
        ("NSAIDs, GI symptoms & cardiovascular risk", False),
    ]


def test_a_citation_is_traced_back_to_its_library_sections():
    basis = {
        "mtus": [
            {"chapter": "Chronic Pain Medical Treatment 2016", "sections": [NSAIDS, "No such section"]},
            {"chapter": "Acupuncture Treatment 2007", "sections": []},
        ],
        "non_mtus": [
            "Official Disability Guidelines (ODG), Knee and Leg (Acute and Chronic): Platelet-rich plasma (PRP)"
        ],
    }

    assert sections_cited(basis) == [
        section("mtus-chronic-pain-2016", NSAIDS).pk,
        section("mtus-acupuncture-2007", "Acupuncture Medical Treatment Guidelines").pk,
        section("odg-knee-leg", "Platelet-rich plasma (PRP)").pk,
    ]
    assert sections_cited({}) == []


# -- the synonym page --------------------------------------------------------------------------------------------


def test_an_administrator_adds_a_term_that_search_uses_at_once_and_the_change_is_audited(client, admin_user):
    assert search_sections("zorbicam") == []
    client.force_login(admin_user)

    response = client.post(
        reverse("guidelines:synonym_create"), {"term": "Zorbicam", "expansions": "NSAIDs\n", "note": "new brand"}
    )

    assert response.status_code == 302
    assert Synonym.objects.get(term="zorbicam").expansions == "NSAIDs"
    assert first_name("zorbicam") == NSAIDS
    event = AuditEvent.objects.get(action="guidelines.synonym_created")
    assert (event.actor, event.detail["after"]) == (admin_user, {"term": "zorbicam", "expansions": "NSAIDs"})


def test_an_administrator_changes_and_removes_a_term_each_audited(client, admin_user):
    client.force_login(admin_user)
    synonym = Synonym.objects.get(term="naproxen")

    client.post(reverse("guidelines:synonym_edit", args=[synonym.pk]), {"term": "naproxen", "expansions": "Opioids"})
    assert ["Opioid" in result.name for result in search_sections("naproxen ", limit=3)] == [True, True, True]
    client.post(reverse("guidelines:synonym_delete", args=[synonym.pk]))

    assert not Synonym.objects.filter(term="naproxen").exists()
    changed = AuditEvent.objects.get(action="guidelines.synonym_changed")
    assert changed.detail["before"] == {"term": "naproxen", "expansions": "nsaids"}
    assert AuditEvent.objects.filter(action="guidelines.synonym_deleted", object_id=str(synonym.pk)).count() == 1


def test_a_bad_entry_is_refused_with_the_reason_at_the_field(client, admin_user):
    client.force_login(admin_user)

    blank = client.post(reverse("guidelines:synonym_create"), {"term": "zorbicam", "expansions": "  "})
    taken = client.post(reverse("guidelines:synonym_create"), {"term": "Naproxen", "expansions": "NSAIDs"})
    itself = client.post(reverse("guidelines:synonym_create"), {"term": "zorbicam", "expansions": "Zorbicam"})

    assert (blank.status_code, taken.status_code, itself.status_code) == (400, 400, 400)
    assert blank.context["form"].errors == {"expansions": ["This field is required."]}
    assert taken.context["form"].errors == {"term": ["“naproxen” is already in the table: change that entry instead."]}
    assert itself.context["form"].errors == {"expansions": ["A term cannot expand to itself."]}
    assert not Synonym.objects.filter(term="zorbicam").exists()


def test_reviewers_read_the_table_but_cannot_change_it(client, reviewer):
    client.force_login(reviewer)
    synonym = Synonym.objects.get(term="norco")

    page = client.get(reverse("guidelines:synonyms"), {"q": "norco"})
    create = client.post(reverse("guidelines:synonym_create"), {"term": "zorbicam", "expansions": "NSAIDs"})
    edit = client.post(reverse("guidelines:synonym_edit", args=[synonym.pk]), {"term": "norco", "expansions": "x"})
    delete = client.post(reverse("guidelines:synonym_delete", args=[synonym.pk]))

    assert page.status_code == 200
    assert [row.term for row in page.context["page"]] == ["norco"]
    assert page.context["form"] is None
    assert (create.status_code, edit.status_code, delete.status_code) == (403, 403, 403)
    assert Synonym.objects.get(term="norco").expansions == "hydrocodone/acetaminophen"


def test_staff_cannot_open_the_synonym_table(client, staff_user):
    client.force_login(staff_user)

    assert client.get(reverse("guidelines:synonyms")).status_code == 403


def test_a_section_cited_by_the_start_of_its_name_is_traced_back_when_only_one_starts_so():
    cited = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine", "NSAIDs"]}]}

    assert sections_cited(cited) == [section("mtus-chronic-pain-2016", "Physical medicine treatment").pk]
