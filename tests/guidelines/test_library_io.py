import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from guidelines.library_io import FORMAT, LIBRARY_FILE, LibraryError, export_library, load_library
from guidelines.models import GuidelineSection, GuidelineSectionVersion, GuidelineSource, QuantityLimit
from tests import paths

pytestmark = pytest.mark.django_db

SMALL_LIBRARY = {
    "format": FORMAT,
    "sources": [
        {
            "key": "test-cpmt-2016",
            "family": "MTUS",
            "title": "Test Chronic Pain Guidelines",
            "chapter": "Test Chronic Pain Medical Treatment",
            "year": 2016,
            "evidence_rank": 1,
            "effective_from": "2016-12-01",
            "effective_to": None,
            "url": "https://www.dir.ca.gov/dwc/MTUS/MTUS-RegulationsGuidelines.html",
            "active": True,
            "sections": [
                {
                    "name": "Physical Medicine",
                    "pages": "98-99",
                    "body_region": "Whole body",
                    "treatment_category": "Physical medicine",
                    "recommendation": "Allow for fading of treatment frequency plus active self-directed home PM.",
                    "evidence_level": "",
                    "times_cited": 57,
                },
                {"name": "Acupuncture", "times_cited": 3},
            ],
            "quantity_limits": [
                {
                    "treatment": "physical medicine",
                    "condition": "myalgia and myositis",
                    "section": "Physical Medicine",
                    "min_units": 9,
                    "max_units": 10,
                    "unit": "visits",
                    "weeks_max": 8,
                    "quote": "Myalgia and myositis, unspecified: 9-10 visits over 8 weeks",
                }
            ],
        },
        {"key": "test-odg-low-back", "family": "ODG", "chapter": "Test Low Back", "sections": [{"name": "MRIs"}]},
    ],
}


def test_loading_a_library_creates_sources_sections_with_a_first_version_and_limits():
    report = load_library(copy.deepcopy(SMALL_LIBRARY))

    source = GuidelineSource.objects.get(key="test-cpmt-2016")
    section = source.sections.get(name="Physical Medicine")
    limit = QuantityLimit.objects.get(source=source)
    assert report.created == {"sources": 2, "sections": 3, "quantity_limits": 1}
    assert (source.label, str(source.effective_from), source.evidence_rank) == (
        "Test Chronic Pain Medical Treatment 2016",
        "2016-12-01",
        1,
    )
    assert (section.pages, section.times_cited, section.version, section.versions.get().note) == (
        "98-99",
        57,
        1,
        "Imported",
    )
    assert (limit.section, limit.min_units, limit.max_units, limit.weeks_max) == (section, 9, 10, 8)
    assert GuidelineSource.objects.get(key="test-odg-low-back").evidence_rank == 2


def test_loading_the_same_library_twice_changes_nothing():
    load_library(copy.deepcopy(SMALL_LIBRARY))

    report = load_library(copy.deepcopy(SMALL_LIBRARY))

    assert report.created == {"sources": 0, "sections": 0, "quantity_limits": 0}
    assert report.updated == {"sources": 0, "sections": 0, "quantity_limits": 0}
    assert GuidelineSectionVersion.objects.filter(section__source__key__startswith="test-").count() == 3


def test_loading_a_changed_section_makes_a_new_version_and_keeps_the_old():
    load_library(copy.deepcopy(SMALL_LIBRARY))
    changed = copy.deepcopy(SMALL_LIBRARY)
    changed["sources"][0]["sections"][0]["recommendation"] = "New wording."

    report = load_library(changed)

    section = GuidelineSection.objects.get(source__key="test-cpmt-2016", name="Physical Medicine")
    assert report.updated["sections"] == 1
    assert list(section.versions.values_list("number", "recommendation")) == [
        (2, "New wording."),
        (1, "Allow for fading of treatment frequency plus active self-directed home PM."),
    ]


def test_an_export_loads_back_to_the_same_export():
    load_library(copy.deepcopy(SMALL_LIBRARY))
    exported = export_library()

    report = load_library(json.loads(json.dumps(exported)))

    assert report.created == {"sources": 0, "sections": 0, "quantity_limits": 0}
    assert report.updated == {"sources": 0, "sections": 0, "quantity_limits": 0}
    again = export_library()
    assert again["sources"] == exported["sources"]
    [source] = [source for source in exported["sources"] if source["key"] == "test-cpmt-2016"]
    assert source["quantity_limits"][0]["section"] == "Physical Medicine"
    assert [section["name"] for section in source["sections"]] == ["Acupuncture", "Physical Medicine"]


def test_the_shipped_library_file_round_trips_through_load_and_export():
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    load_library(data)

    exported = export_library()
    keys = {source["key"] for source in data["sources"]}
    mine = [source for source in exported["sources"] if source["key"] in keys]

    assert load_library({"format": FORMAT, "sources": mine}).updated == {
        "sources": 0,
        "sections": 0,
        "quantity_limits": 0,
    }
    assert sum(len(source["sections"]) for source in mine) == sum(
        len(source.get("sections", [])) for source in data["sources"]
    )


def test_load_errors_name_their_json_path_and_save_nothing():
    broken = copy.deepcopy(SMALL_LIBRARY)
    broken["sources"][0]["sections"][1]["name"] = ""
    broken["sources"][0]["quantity_limits"][0]["max_units"] = "ten"
    broken["sources"][1]["family"] = "WIKIPEDIA"

    with pytest.raises(LibraryError) as raised:
        load_library(broken)

    assert raised.value.errors == [
        "$.sources[0].quantity_limits[0].max_units: 'ten' is not of type 'integer'",
        "$.sources[0].sections[1].name: '' should be non-empty",
        "$.sources[1].family: 'WIKIPEDIA' is not one of ['MTUS', 'ACOEM', 'ODG', 'OTHER']",
    ]
    assert GuidelineSource.objects.filter(key__startswith="test-").count() == 0


def test_load_errors_catch_duplicates_ranges_and_unknown_sections():
    broken = copy.deepcopy(SMALL_LIBRARY)
    broken["sources"][0]["sections"].append({"name": "Acupuncture"})
    broken["sources"][0]["quantity_limits"][0].update(min_units=12, section="Massage")
    broken["sources"][1]["key"] = "test-cpmt-2016"

    with pytest.raises(LibraryError) as raised:
        load_library(broken)

    assert raised.value.errors == [
        "$.sources[0].sections[2].name: 'Acupuncture' is also $.sources[0].sections[1]",
        "$.sources[0].quantity_limits[0].min_units: 12 is more than max_units 10",
        "$.sources[0].quantity_limits[0].section: no section 'Massage' in this source",
        "$.sources[1].key: 'test-cpmt-2016' is also the key of $.sources[0]",
    ]


def test_a_file_of_another_format_is_refused():
    with pytest.raises(LibraryError) as raised:
        load_library({"format": "imr-case/1", "sources": []})

    assert raised.value.errors == ["$.format: 'imr-guidelines/1' was expected"]


def test_the_commands_export_and_load_a_library_file(tmp_path):
    load_library(copy.deepcopy(SMALL_LIBRARY))
    path = tmp_path / "library.json"
    call_command("export_guidelines", "-o", str(path), stderr=io.StringIO())
    GuidelineSection.objects.filter(source__key="test-odg-low-back").delete()

    output = io.StringIO()
    call_command("load_guidelines", str(path), stdout=output)

    assert "sections: 1 new" in output.getvalue()
    assert GuidelineSection.objects.filter(source__key="test-odg-low-back", name="MRIs").count() == 1


def test_the_load_command_reports_errors_with_their_path(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": FORMAT, "sources": [{"key": "x", "family": "MTUS"}]}))

    with pytest.raises(CommandError, match=r"\$\.sources\[0\]: 'chapter' is a required property"):
        call_command("load_guidelines", str(path))


# The MTUS chapters that DOMAIN.md lists as cited by real letters.
DOMAIN_MTUS_CHAPTERS = paths.domain_mtus_chapters()


def test_after_migrate_the_database_holds_the_seeded_library():
    labels = {source.label for source in GuidelineSource.objects.filter(family=GuidelineSource.Family.MTUS)}
    section = GuidelineSection.objects.get(source__key="mtus-chronic-pain-2016", name="Physical medicine treatment")

    assert set(DOMAIN_MTUS_CHAPTERS) <= labels
    assert (section.version, section.versions.get().note, section.times_cited > 0) == (1, "Seeded library", True)
    assert QuantityLimit.objects.filter(source__key="mtus-chronic-pain-2016", section=section).count() >= 2


def test_loading_the_shipped_file_after_migrate_changes_nothing():
    report = load_library(json.loads(LIBRARY_FILE.read_text(encoding="utf-8")))

    assert (report.created, report.updated) == (
        {"sources": 0, "sections": 0, "quantity_limits": 0},
        {"sources": 0, "sections": 0, "quantity_limits": 0},
    )
