"""The treatment categories of disputed items, after the DWC's IMR reporting categories (DOMAIN.md has no list of
its own; unconfirmed). Kept here, in the shared core, because both the cases (each item's category) and the roster
(which specialty fits which category) use them, and the roster may not import cases."""

from django.db import models


class Category(models.TextChoices):
    PHARMACEUTICALS = "Pharmaceuticals", "Pharmaceuticals"
    DIAGNOSTIC = "Diagnostic Testing", "Diagnostic testing (imaging, labs, studies)"
    DME = "Durable Medical Equipment", "Durable medical equipment"
    EVALUATION = "Evaluation and Management", "Evaluation and management (consults, visits)"
    INJECTIONS = "Injections", "Injections"
    SURGERY = "Surgery", "Surgery"
    THERAPIES = "Therapies", "Therapies (physical, occupational, chiropractic, acupuncture)"
    PROGRAMS = "Programs", "Programs (functional restoration, weight loss, pain programs)"
    PSYCHOLOGICAL = "Psychological Services", "Psychological services"
    HOME_HEALTH = "Home Health Services", "Home health services"
    TRANSPORTATION = "Transportation", "Transportation"
    OTHER = "Other", "Other"


NO_CATEGORY = "No treatment category"


def category_label(value: str) -> str:
    """How a disputed item's category reads on a page: its label, or "No treatment category" when none is set."""
    if not value:
        return NO_CATEGORY
    try:
        return Category(value).label
    except ValueError:
        return humanize(value)


# The guideline library tags its sections with short codes (``imr-guidelines/1``: ``treatment_category`` and
# ``body_region``); these are the words shown for them. A code not listed reads as its words ("lab_test": "Lab test").
GUIDELINE_TOPICS = {
    "acupuncture": "Acupuncture",
    "chiropractic": "Chiropractic manipulation",
    "durable_medical_equipment": "Durable medical equipment",
    "electrodiagnostic": "Electrodiagnostic studies",
    "evaluation": "Evaluation and management",
    "functional_restoration": "Functional restoration",
    "general": "General principles",
    "home_health": "Home health services",
    "imaging": "Imaging",
    "injections": "Injections",
    "lab_test": "Laboratory tests",
    "massage": "Massage",
    "medication": "Medications",
    "physical_modality": "Physical modalities",
    "physical_therapy": "Physical therapy",
    "psychotherapy": "Psychotherapy",
    "surgery": "Surgery",
    "tens": "TENS (electrical stimulation)",
    "transportation": "Transportation",
}
BODY_REGIONS = {
    "abdomen": "Abdomen",
    "ankle_foot": "Ankle and foot",
    "cervical": "Cervical spine",
    "elbow": "Elbow",
    "head": "Head",
    "hip": "Hip",
    "knee": "Knee",
    "lumbar": "Lumbar spine",
    "shoulder": "Shoulder",
    "thoracic": "Thoracic spine",
    "wrist_hand": "Wrist and hand",
}


def humanize(code: str) -> str:
    """A code in words, sentence case: "physical_modality" reads "Physical modality"."""
    words = code.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else ""


def guideline_topic_label(code: str) -> str:
    return GUIDELINE_TOPICS.get(code) or humanize(code)


def body_region_label(code: str) -> str:
    return BODY_REGIONS.get(code) or humanize(code)
