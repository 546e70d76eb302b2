import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from core.models import AuditEvent
from guidelines import services
from guidelines.citations import Basis, MtusCitation, format_basis
from guidelines.models import Citation, GuidelineSectionVersion, GuidelineSource
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory

pytestmark = pytest.mark.django_db


def test_a_new_section_has_version_one_with_its_text(admin_user):
    source = GuidelineSourceFactory(chapter="Chronic Pain Medical Treatment", year=2016)

    section = services.create_section(source, by=admin_user, name="Physical Medicine", pages="98-99")

    version = section.versions.get()
    assert (section.version, version.number, version.name, version.pages) == (1, 1, "Physical Medicine", "98-99")
    assert version.source_label == "Chronic Pain Medical Treatment 2016"
    assert version.changed_by == admin_user


def test_editing_a_section_after_it_was_cited_leaves_the_citation_on_the_earlier_text(admin_user, reviewer):
    section = GuidelineSectionFactory(name="Acupuncture", recommendation="3 to 6 treatments.")
    citation = services.cite(section, by=reviewer)

    services.update_section(section, by=admin_user, recommendation="Up to 24 treatments.", note="2017 update")

    citation.refresh_from_db()
    section.refresh_from_db()
    assert citation.section_version.recommendation == "3 to 6 treatments."
    assert citation.section_version.number == 1
    assert section.recommendation == "Up to 24 treatments."
    assert section.current_version.recommendation == "Up to 24 treatments."
    assert list(section.versions.values_list("number", "note", "changed_by__username")) == [
        (2, "2017 update", "intake"),
        (1, "Created", None),
    ]


def test_a_citation_made_after_an_edit_points_at_the_new_version(admin_user, reviewer):
    section = GuidelineSectionFactory(recommendation="Old text.")
    services.update_section(section, by=admin_user, recommendation="New text.")

    citation = services.cite(section, by=reviewer)

    assert (citation.section_version.number, citation.section_version.recommendation) == (2, "New text.")


def test_saving_a_section_without_changes_makes_no_new_version(admin_user):
    section = GuidelineSectionFactory(recommendation="Same.")

    services.update_section(section, by=admin_user, recommendation="Same.")

    section.refresh_from_db()
    assert (section.version, section.versions.count()) == (1, 1)


def test_an_edit_is_audited_with_the_fields_that_changed(admin_user):
    section = GuidelineSectionFactory(pages="1")

    services.update_section(section, by=admin_user, pages="2", evidence_level="1a")

    event = AuditEvent.objects.get(action="guidelines.section_changed")
    assert (event.actor, event.detail["fields"], event.detail["version"]) == (
        admin_user,
        ["pages", "evidence_level"],
        2,
    )


def test_an_invalid_edit_saves_nothing(admin_user):
    section = GuidelineSectionFactory(name="Opioids")

    with pytest.raises(ValidationError):
        services.update_section(section, by=admin_user, name="", recommendation="changed")

    section.refresh_from_db()
    assert (section.name, section.recommendation, section.versions.count()) == (
        "Opioids",
        "Recommended as indicated below.",
        1,
    )


def test_a_version_cannot_be_changed_once_saved():
    section = GuidelineSectionFactory()
    version = section.versions.get()
    version.recommendation = "rewritten"

    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_a_cited_version_cannot_be_deleted(reviewer):
    section = GuidelineSectionFactory()
    services.cite(section, by=reviewer)

    with pytest.raises(ProtectedError):
        section.delete()


def test_a_non_mtus_citation_is_linked_to_the_library_section_it_names(reviewer):
    odg = GuidelineSourceFactory(key="odg-low-back", family=GuidelineSource.Family.ODG, chapter="Low Back", year=None)
    lumbar = GuidelineSectionFactory(source=odg, name="Lumbar supports")

    citation = services.cite_non_mtus(
        "Official Disability Guidelines (ODG), Low Back Chapter, Lumbar supports", by=reviewer
    )

    assert (citation.kind, citation.section_version.section) == (Citation.Kind.NON_MTUS, lumbar)


def test_a_non_mtus_citation_that_matches_nothing_keeps_only_its_text(reviewer):
    citation = services.cite_non_mtus("Sildenafil: Drug information,  UpToDate", by=reviewer)

    assert (citation.section_version, citation.text) == (None, "Sildenafil: Drug information, UpToDate")


def test_citations_make_the_letters_basis_sentence_word_for_word(reviewer):
    pain = GuidelineSourceFactory(key="mtus-cpmt-2016", chapter="Chronic Pain Medical Treatment", year=2016)
    back = GuidelineSourceFactory(key="mtus-lbc-2004", chapter="Low Back Complaints", year=2004)
    citations = [
        services.cite(GuidelineSectionFactory(source=pain, name="Physical Medicine"), by=reviewer),
        services.cite(GuidelineSectionFactory(source=back, name="Special Studies"), by=reviewer),
        services.cite(GuidelineSectionFactory(source=pain, name="Acupuncture"), by=reviewer),
        services.cite_non_mtus("Official Disability Guidelines (ODG), Low Back Chapter", by=reviewer),
    ]

    basis = services.basis_from_citations(citations)

    assert basis == Basis(
        mtus=[
            MtusCitation("Chronic Pain Medical Treatment 2016", ["Physical Medicine", "Acupuncture"]),
            MtusCitation("Low Back Complaints 2004", ["Special Studies"]),
        ],
        non_mtus=["Official Disability Guidelines (ODG), Low Back Chapter"],
    )
    assert format_basis(basis, party="reviewer") == (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine, Acupuncture, "
        "and Low Back Complaints 2004, Section(s): Special Studies. Decision based on Non-MTUS Citation Official "
        "Disability Guidelines (ODG), Low Back Chapter."
    )


def test_no_citations_make_the_no_medical_evidence_sentence():
    assert format_basis(services.basis_from_citations([]), party="claims_administrator") == (
        "The Claims Administrator did not cite any medical evidence for its decision."
    )


def test_a_source_is_labelled_as_letters_cite_it():
    assert GuidelineSourceFactory(chapter="Low Back Complaints", year=2004).label == "Low Back Complaints 2004"
    assert GuidelineSourceFactory(chapter="Pain (Chronic)", year=None).label == "Pain (Chronic)"


def test_versions_are_numbered_per_section():
    first, second = GuidelineSectionFactory(), GuidelineSectionFactory()

    versions = GuidelineSectionVersion.objects.filter(section__in=[first, second]).order_by("pk")
    assert list(versions.values_list("section", "number")) == [
        (first.pk, 1),
        (second.pk, 1),
    ]
