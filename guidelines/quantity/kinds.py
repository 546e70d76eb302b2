"""What treatment and which body region an item (or a limit) names, and whether it is postsurgical."""

from __future__ import annotations

import re

# Treatment kinds, tried in order; the first that matches names the request. Physical therapy comes before
# occupational therapy so that "PT/OT" is physical therapy; "hand therapy" is occupational therapy.
TREATMENT_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "psychotherapy",
        r"psychotherap|cognitive[- ]behavio|\bcbt\b|psycholog\w* (?:treatment|therapy|sessions?|visits?)",
    ),
    ("biofeedback", r"biofeedback"),
    ("functional_restoration", r"functional restoration|\bfrp\b|multidisciplinary pain|chronic pain program"),
    ("work_conditioning", r"work (?:hardening|conditioning)"),
    ("acupuncture", r"acupunct"),
    ("chiropractic", r"chiropract|\bchiro\b|manipulation|\bcmt\b|\bomt\b"),
    ("massage", r"massage|myofascial release"),
    ("aquatic_therapy", r"aqua|pool therap|water therap|hydrotherap"),
    (
        "physical_therapy",
        r"physical therap|physiotherap|physical medicine|\bpt(?:\b|(?=x\d))(?!/ptt|/inr)|therapeutic exercise",
    ),
    ("occupational_therapy", r"occupational therap|\bot\b|hand therap"),
    (
        "injections",
        r"injection|\besi\b|epidural|nerve block|facet|trigger point inj|\bprp\b|platelet[- ]rich|"
        r"viscosupplement|radiofrequency|rhizotomy|neurotomy|neurolytic",
    ),
    ("tens", r"\btens\b|h-wave|interferential"),
    (
        "physical_modality",
        r"electrical (?:muscle )?stimulation|e-?stim\b|\bems\b|\bultrasound\b(?! of| guid)|infrared|traction|"
        r"spinolator|ice/heat|shock ?wave|\beswt\b|laser therap|\blllt\b|diathermy|iontophoresis|paraffin|"
        r"neurostimulation",
    ),
    ("home_health", r"home (?:health|aide|care|nursing)|caregiver|attendant care"),
    ("transportation", r"transportation"),
    (
        "electrodiagnostic",
        r"\bemg\b|\bncv\b|\bncs\b|nerve conduction|electromyograph|electrodiagnost",
    ),
    (
        "imaging",
        r"\bmri\b|\bmr arthrogram|\bct\b|ct scan|x-?rays?\b|radiograph|bone scan|ultrasound of|\bdexa\b|myelogra|"
        r"discogra|arthrogra|imaging",
    ),
    (
        "lab_test",
        r"\blabs?\b|urinalysis|urine (?:drug )?(?:test|screen)|\bcbc\b|\bcmp\b|blood test|drug screen|"
        r"electrocardiogram|\bekg\b|\becg\b",
    ),
    (
        "evaluation",
        r"evaluation(?! of)|\beval\b|consult|referral|\bexam\b|office visit|follow[- ]up|re-?exam|clearance|\btest\b",
    ),
    (
        "surgery",
        r"arthroscop|arthroplasty|replacement|repair|decompression|fusion|laminectomy|discectomy|meniscectomy|"
        r"neuroplasty|surgery|surgical|tenodesis|tenotomy|release\b",
    ),
    (
        "durable_medical_equipment",
        r"\bwraps?\b|\bpads?\b|pillow|brace|support\b|splint|orthotic|orthosis|wheelchair|walker|\bcane\b|crutch|"
        r"commode|chair|scooter|gloves|wipes|workstation|hearing aids?|\bunit\b|mattress|cushion|collar|sling|"
        r"stocking|garment",
    ),
)
_STRONG_MEDICATION_RE = re.compile(
    r"\d(?:\.\d+)?\s*(?:mg|mcg|%|percent)|\b(?:tabs?|tablets?|capsules?|caps|cream|gel|ointment|lotion|patch|"
    r"patches|suspension|solution|spray|syrup|refills?|supply)\b"
)
_MEDICATION_RE = re.compile(_STRONG_MEDICATION_RE.pattern + r"|#\s*\d")
_DRUG_NAME_RE = re.compile(
    r"\w(?:pril|olol|sartan|azepam|zolam|codone|morphone|prazole|profen|coxib|caine|tidine|fenac|benzaprine|"
    r"zodone|xetine|triptyline|gesic|micin|cillin|olac|oxen|adol|phenadrine|zanidine|baclofen|pentin|gabalin)\b"
)
# Medications by strength or dosage form are recognized after the therapies and before these kinds.
_FIRST_NON_THERAPY = "home_health"
# Only kinds for which the letters quote limits in visits; the others never get a visit-count finding.
THERAPY_KINDS = frozenset(
    {
        "physical_therapy",
        "occupational_therapy",
        "aquatic_therapy",
        "acupuncture",
        "chiropractic",
        "massage",
        "psychotherapy",
        "biofeedback",
        "physical_modality",
        "functional_restoration",
        "work_conditioning",
    }
)
# Where a request kind has no limit of its own, the limits of these kinds apply.
TREATMENT_FALLBACKS: dict[str, tuple[str, ...]] = {
    "occupational_therapy": ("physical_therapy",),
    "aquatic_therapy": ("physical_therapy",),
    "physical_modality": ("physical_therapy",),
    "biofeedback": ("psychotherapy",),
}

BODY_REGION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("lumbar", r"lumbar|lumbo|low(?:er)? back|(?<!upper )(?<!mid )\bback\b|sacr|\bl[1-5]\b"),
    ("cervical", r"cervical|\bneck\b|\bc[1-7]\b"),
    ("thoracic", r"thoracic|upper back|mid(?:dle)? back|\bt\d{1,2}\b"),
    ("shoulder", r"shoulder|rotator cuff|acromi"),
    ("elbow", r"elbow|epicondyl"),
    ("wrist_hand", r"wrist|\bhands?\b|finger|thumb|carpal|metacarp|phalan|forearm|radius|ulna"),
    ("hip", r"\bhips?\b|pelvi|groin"),
    ("thigh", r"upper leg|thigh|femur|femoral"),
    ("knee", r"knee|patell|menisc|\bacl\b|cruciate"),
    ("lower_leg", r"lower leg|\bcalf\b|tibia|fibula|\bshin"),
    ("ankle_foot", r"ankle|\bfoot\b|\bfeet\b|\btoes?\b|\bheel|achilles|plantar|malleol"),
    ("head", r"\bhead\b|brain|skull"),
    ("upper_extremity", r"upper extremit|\barms?\b"),
    ("lower_extremity", r"lower extremit|(?<!upper )(?<!lower )\blegs?\b"),
)


POSTOPERATIVE_RE = re.compile(
    r"post[- ]?op(?:erative)?\b|post[- ]?surg|after surgery|associated surgical service", re.IGNORECASE
)


def treatment_kind(text: str) -> str | None:
    """The normalized kind of treatment named in `text` ("physical_therapy", "acupuncture", ...), or None.

    Therapies are recognized first; then a medication by its strength or dosage form ("10mg", "5%", "tablet",
    "cream"); then the other kinds; last a medication by "#60" or a drug-name ending."""
    lowered = re.sub(r"^\s*associated surgical service:\s*", "", text.lower())
    for kind, pattern in TREATMENT_PATTERNS:
        if kind == _FIRST_NON_THERAPY and _STRONG_MEDICATION_RE.search(lowered):
            return "medication"
        if re.search(pattern, lowered):
            return kind
    if _MEDICATION_RE.search(lowered) or _DRUG_NAME_RE.search(lowered):
        return "medication"
    return None


def body_regions(text: str) -> tuple[str, ...]:
    """The body regions named in `text`, in the order they appear ("lumbar", "cervical", "knee", ...)."""
    lowered = text.lower()
    found = []
    for region, pattern in BODY_REGION_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            found.append((match.start(), region))
    return tuple(region for _, region in sorted(found))
