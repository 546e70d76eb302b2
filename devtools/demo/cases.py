"""Demo data of this area for ``manage.py seed_demo``: the real published determinations, and twenty-one demo cases
with made-up parties in every state of the lifecycle, giving each demo reviewer a full working day.

reviewer1 and reviewer2 each have a case offered, two in review (one just accepted, one with a half-written draft),
one returned by QA with comments, one waiting for QA and one determined; expedited, at-risk and overdue clocks among
them. Everything after intake goes through the services the pages call (``cases.assignment``,
``cases.determinations``), so the demo obeys the same rules; the one exception is ``_approve_without_letter``.
The letters of two determined cases are signed by ``devtools.demo.letters``, which runs after this.

Idempotent: a published case already present is left alone; an open demo case is recognized by its claim number
(``DEMO-…``) and not made twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pgtrigger
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.interchange import import_document
from cases.lifecycle import Status
from cases.models import Assignment, Case, CaseDocument, CaseTransition, Determination, DisputedItem, ItemDecision
from cases.services import documents, intake, lifecycle
from cases.services.assignment import accept_case, attestation_text, offer_case
from cases.services.determinations import (
    approve_determination,
    return_determination,
    save_draft,
    start_or_get_draft,
    submit_determination,
)
from core.models import Party
from core.services import get_or_create_party, record_event
from guidelines.models import GuidelineSection

PUBLISHED_CASES = Path(__file__).with_name("data") / "published-cases.json"
DEMO_CLAIM_PREFIX = "DEMO-"


# -- the real published determinations -------------------------------------------------------------------------


def seed_published(*, by, log) -> int:
    """Import the published letters of devtools/demo/data/published-cases.json (made by ``python -m precedents.parser``)
    that are not in the portal yet. Returns how many were imported."""
    document = json.loads(PUBLISHED_CASES.read_text(encoding="utf-8"))
    existing = set(
        Case.objects.filter(case_number__in=[case["case_number"] for case in document["cases"]]).values_list(
            "case_number", flat=True
        )
    )
    document["cases"] = [case for case in document["cases"] if case["case_number"] not in existing]
    if document["cases"]:
        import_document(document, by=by)
    log(f"Published determinations: {len(document['cases'])} imported, {len(existing)} already present")
    return len(document["cases"])


# -- open demo cases ---------------------------------------------------------------------------------------------


@dataclass
class DemoItem:
    description: str
    category: str
    mtus: list[dict] = field(default_factory=list)
    non_mtus: list[str] = field(default_factory=list)
    ur_outcome: str = "denied"
    original_request: str = ""
    authorized: str = ""
    decision: str = ""
    rationale: str = ""


@dataclass
class DemoCase:
    key: str  # the claim number's suffix, which makes the case recognizable on the next run
    status: str
    days_ago: int  # when the application was received
    employee: str
    sex: str
    age: int
    employer: str
    claims_administrator: str
    adjuster: str
    physician: str
    specialty: str
    provider_group: str
    diagnosis: str
    icd10: str
    items: list[DemoItem]
    priority: str = "standard"
    attorney: str = ""
    law_firm: str = ""
    reviewer: str = ""  # a demo user ("reviewer1", "reviewer2") or another reviewer of the roster ("rev-delgado")
    summary: str = ""
    note: str = ""
    # How far the reviewer got with a case in review: "accepted" (nothing written yet), "draft" (half written) or
    # "returned" (submitted, then returned by QA with ``qa_comment`` and ``qa_item_comments`` by item position).
    work: str = "draft"
    qa_comment: str = ""
    qa_item_comments: dict[int, str] = field(default_factory=dict)
    # Days after the application that the records arrived (the clock starts then); None: the usual few days later.
    records_days: int | None = None
    # A determined case whose approval did not queue its letter (the letter worker was down): it waits in the
    # letter center's list of cases to generate. See ``_approve_without_letter``.
    letter_waits: bool = False


_CHRONIC_PAIN = "Chronic Pain Medical Treatment 2016"
_PT = DemoItem(
    "Physical therapy 2 times a week for 6 weeks, lumbar spine",
    "Therapies",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["Physical Medicine"]}],
    decision="upheld",
    rationale="The MTUS recommends 9-10 visits over 8 weeks for myalgia and myositis, with a fading of treatment "
    "frequency. The injured worker has completed 18 visits of physical therapy without documented functional "
    "improvement, and the 12 further visits requested exceed the guideline. Therefore, the request for physical "
    "therapy 2 times a week for 6 weeks is not medically necessary.",
)
_MRI = DemoItem(
    "MRI of the lumbar spine without contrast",
    "Diagnostic Testing",
    mtus=[{"chapter": "Low Back Complaints 2004", "sections": ["Special Studies"]}],
    decision="overturned",
    rationale="The MTUS supports imaging when unequivocal objective findings identify specific nerve compromise on "
    "the neurologic examination. The records document a new L5 dermatomal sensory loss and a positive straight leg "
    "raise after a failed 6-week course of conservative care. Therefore, the request for an MRI of the lumbar spine "
    "is medically necessary.",
)
_TRAMADOL = DemoItem(
    "Tramadol ER 100 mg #30",
    "Pharmaceuticals",
    mtus=[{"chapter": "Opioid Treatment 2016", "sections": ["Opioids, criteria for use"]}],
    ur_outcome="modified",
    original_request="Tramadol ER 100 mg #60",
    authorized="Tramadol ER 100 mg #30 for weaning",
    decision="upheld",
    rationale="The MTUS requires documented pain relief, functional improvement and monitoring for aberrant "
    "behavior for continued opioid use. None is documented, and the claims administrator authorized a supply for "
    "weaning. Therefore, the request for the remaining tramadol ER 100 mg #30 is not medically necessary.",
)
_ACUPUNCTURE = DemoItem(
    "Acupuncture 6 sessions, neck",
    "Therapies",
    mtus=[{"chapter": "Acupuncture Treatment 2007", "sections": []}],
    decision="overturned",
    rationale="The MTUS Acupuncture Medical Treatment Guidelines allow 3 to 6 treatments to produce functional "
    "improvement. This is an initial trial and medication was reduced because of side effects. Therefore, the "
    "request for 6 sessions of acupuncture is medically necessary.",
)
_TENS = DemoItem(
    "TENS unit, 30-day rental",
    "Durable Medical Equipment",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["TENS, chronic pain (transcutaneous electrical nerve stimulation)"]}],
)
_ESI = DemoItem(
    "Lumbar epidural steroid injection L4-L5",
    "Injections",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["Epidural steroid injections (ESIs)"]}],
    ur_outcome="modified",
    original_request="Lumbar epidural steroid injections L4-L5 and L5-S1",
    authorized="Lumbar epidural steroid injection L5-S1",
)
_FRP = DemoItem(
    "Functional restoration program, 80 hours",
    "Programs",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["Functional restoration programs (FRPs)"]}],
)
_CONSULT = DemoItem(
    "Orthopedic surgery consultation, right shoulder",
    "Evaluation and Management",
    non_mtus=[
        "ACOEM Practice Guidelines, 2nd Edition (2004), Chapter 7, Independent Medical Examinations and "
        "Consultations, page 127"
    ],
)
_PSYCH = DemoItem(
    "Cognitive behavioral therapy 6 sessions",
    "Psychological Services",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["Behavioral interventions"]}],
)

_NAPROXEN = DemoItem(
    "Naproxen sodium 550 mg #60",
    "Pharmaceuticals",
    mtus=[{"chapter": _CHRONIC_PAIN, "sections": ["NSAIDs (non-steroidal anti-inflammatory drugs)"]}],
    decision="overturned",
    rationale="The MTUS recommends NSAIDs at the lowest dose for the shortest period for moderate to severe pain. "
    "The records document a 3-point reduction in pain on the 10-point scale and a longer walking tolerance with "
    "naproxen, and no gastrointestinal side effects. Therefore, the request for naproxen sodium 550 mg #60 is "
    "medically necessary.",
)
_ARTHROSCOPY = DemoItem(
    "Right shoulder arthroscopy with subacromial decompression",
    "Surgery",
    mtus=[{"chapter": "Shoulder Complaints 2004", "sections": ["Surgical Considerations"]}],
    decision="overturned",
    rationale="The MTUS supports surgical consultation and decompression when activity limitation persists for more "
    "than four months despite a conservative program, with imaging evidence of a lesion shown to benefit from "
    "repair. The records document five months of therapy and two subacromial injections with temporary relief, "
    "and an MRI showing impingement with a type III acromion. Therefore, the request for right shoulder "
    "arthroscopy with subacromial decompression is medically necessary.",
)
_KNEE_MRI = DemoItem(
    "MRI of the right knee without contrast",
    "Diagnostic Testing",
    mtus=[{"chapter": "Knee Complaints 2004", "sections": ["Special Studies"]}],
    decision="overturned",
    rationale="The MTUS supports an MRI of the knee when a meniscal tear is suspected and surgery is being "
    "considered. The examination documents joint line tenderness, a positive McMurray test and locking episodes "
    "after six weeks of conservative care. Therefore, the request for an MRI of the right knee is medically "
    "necessary.",
)
_KNEE_BRACE = DemoItem(
    "Hinged knee brace, right",
    "Durable Medical Equipment",
    mtus=[{"chapter": "Knee Complaints 2004", "sections": ["Initial Care"]}],
)

_SPINE = {
    "diagnosis": "Lumbar disc displacement without myelopathy",
    "icd10": "M51.26",
    "physician": "Avery Quinlan, MD",
    "specialty": "Physical Medicine & Rehabilitation",
    "provider_group": "Valley Spine & Rehabilitation Group",
}
_SHOULDER = {
    "diagnosis": "Strain of the right rotator cuff",
    "icd10": "S46.011A",
    "physician": "Jordan Whitlock, MD",
    "specialty": "Orthopedic Surgery",
    "provider_group": "Coastal Orthopedic Associates",
}
_NECK = {
    "diagnosis": "Cervicalgia",
    "icd10": "M54.2",
    "physician": "Casey Marlowe, DO",
    "specialty": "Pain Medicine",
    "provider_group": "Foothill Pain Management",
}

_KNEE = {
    "diagnosis": "Tear of the medial meniscus of the right knee",
    "icd10": "S83.241A",
    "physician": "Morgan Tsai, MD",
    "specialty": "Orthopedic Surgery",
    "provider_group": "Inland Valley Orthopedics",
}

DEMO_CASES: list[DemoCase] = [
    DemoCase(
        "0001",
        Status.RECEIVED,
        1,
        "Dana Whitfield",
        "female",
        47,
        "Central Valley Packing Co.",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_PT, _TENS],
        **_SPINE,
    ),
    DemoCase(
        "0002",
        Status.RECEIVED,
        0,
        "Marco Delgado",
        "male",
        38,
        "Bayside Logistics Inc.",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_TRAMADOL],
        priority="expedited",
        attorney="Morgan Ellery",
        law_firm="Ellery & Hart Workers' Law",
        **_NECK,
    ),
    DemoCase(
        "0003",
        Status.ELIGIBLE,
        4,
        "Sofia Nakamura",
        "female",
        52,
        "Sierra Foothill Unified Schools",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_CONSULT],
        **_SHOULDER,
    ),
    DemoCase(
        "0004",
        Status.INELIGIBLE,
        6,
        "Terrence Boyd",
        "male",
        61,
        "Delta Farm Labor Cooperative",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_ESI],
        note="Filed 41 days after service of the UR decision, past the 30 days of 8 CCR 9792.10.1(b)(1).",
        **_SPINE,
    ),
    DemoCase(
        "0005",
        Status.RECORDS_REQUESTED,
        8,
        "Alicia Ferreira",
        "female",
        44,
        "Bayside Logistics Inc.",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_ACUPUNCTURE, _PSYCH],
        **_NECK,
    ),
    DemoCase(
        "0006",
        Status.RECORDS_RECEIVED,
        12,
        "Gregory Lindqvist",
        "male",
        55,
        "Pacific Crest Hospitality",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_FRP],
        attorney="Morgan Ellery",
        law_firm="Ellery & Hart Workers' Law",
        **_SPINE,
    ),
    DemoCase(
        "0007",
        Status.ASSIGNED,
        14,
        "Priya Raman",
        "female",
        39,
        "Central Valley Packing Co.",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_MRI, _PT],
        reviewer="reviewer1",
        **_SPINE,
    ),
    DemoCase(
        "0008",
        Status.IN_REVIEW,
        18,
        "Walter Osei",
        "male",
        58,
        "Sierra Foothill Unified Schools",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_ACUPUNCTURE],
        reviewer="reviewer1",
        summary="The injured worker is a 58 year old male who reported neck pain after lifting boxes of "
        "supplies. Treatment has included medication and 12 visits of physical therapy.",
        **_NECK,
    ),
    DemoCase(
        "0009",
        Status.IN_REVIEW,
        22,
        "Helen Kowalczyk",
        "female",
        49,
        "Pacific Crest Hospitality",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_TRAMADOL, _TENS],
        reviewer="reviewer2",
        priority="expedited",
        **_SPINE,
    ),
    DemoCase(
        "0010",
        Status.QA,
        25,
        "Samuel Achebe",
        "male",
        42,
        "Delta Farm Labor Cooperative",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_PT, _MRI],
        reviewer="reviewer2",
        summary="The injured worker is a 42 year old male with low back pain radiating to the left leg "
        "since a fall from a ladder. He has had 18 visits of physical therapy and anti-inflammatory "
        "medication. A recent examination found decreased sensation in the left L5 dermatome.",
        **_SPINE,
    ),
    DemoCase(
        "0011",
        Status.DETERMINED,
        28,
        "Rosa Villanueva",
        "female",
        36,
        "Bayside Logistics Inc.",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_ACUPUNCTURE, _TRAMADOL],
        reviewer="reviewer1",
        summary="The injured worker is a 36 year old female with neck pain after a motor vehicle accident "
        "at work. She stopped an anti-inflammatory for gastric side effects and takes tramadol.",
        **_NECK,
    ),
    DemoCase(
        "0012",
        Status.WITHDRAWN,
        9,
        "Kevin Thornbury",
        "male",
        50,
        "Pacific Crest Hospitality",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_CONSULT],
        note="The employee withdrew the application in writing.",
        **_SHOULDER,
    ),
    DemoCase(
        "0013",
        Status.TERMINATED,
        11,
        "Imani Sutherland",
        "female",
        45,
        "Central Valley Packing Co.",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_ESI],
        note="The claims administrator authorized the injection after the application was filed.",
        **_SPINE,
    ),
    # reviewer1's day, continued: an expedited case just accepted, one QA returned, one waiting for QA.
    DemoCase(
        "0014",
        Status.IN_REVIEW,
        2,
        "Lucia Benavides",
        "female",
        33,
        "Sierra Foothill Unified Schools",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_NAPROXEN],
        reviewer="reviewer1",
        priority="expedited",
        records_days=0,
        work="accepted",
        **_NECK,
    ),
    DemoCase(
        "0015",
        Status.IN_REVIEW,
        41,
        "Darnell Pruitt",
        "male",
        51,
        "Delta Farm Labor Cooperative",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_PT, _ESI],
        reviewer="reviewer1",
        attorney="Jamie Castellan",
        law_firm="Castellan Injury Law Group",
        summary="The injured worker is a 51 year old male farm equipment operator with low back pain since "
        "lifting an irrigation pipe. Treatment has included physical therapy, naproxen and a home exercise program.",
        work="returned",
        qa_comment="Please give the number of therapy visits already completed and the date of the last one, "
        "and say what the records show about function after them.",
        qa_item_comments={
            1: "The rationale cites the guideline but does not address the L5-S1 injection the claims "
            "administrator authorized; say why a second level is or is not needed."
        },
        **_SPINE,
    ),
    DemoCase(
        "0016",
        Status.QA,
        30,
        "Yusuf Haddad",
        "male",
        47,
        "Pacific Crest Hospitality",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_FRP, _PSYCH],
        reviewer="reviewer1",
        summary="The injured worker is a 47 year old male hotel maintenance engineer with chronic low back pain "
        "since a fall from a step ladder. He has not worked for ten months, reports poor sleep and low mood, and "
        "completed 24 visits of physical therapy.",
        **_SPINE,
    ),
    # reviewer2's day: an expedited offer, one case just accepted, one QA returned, one determined.
    DemoCase(
        "0017",
        Status.ASSIGNED,
        2,
        "Greta Sorensen",
        "female",
        29,
        "Bayside Logistics Inc.",
        "Redwood Mutual Claims",
        "Chris Abernathy",
        items=[_KNEE_MRI],
        reviewer="reviewer2",
        priority="expedited",
        records_days=0,
        **_KNEE,
    ),
    DemoCase(
        "0018",
        Status.IN_REVIEW,
        20,
        "Tomas Iglesias",
        "male",
        44,
        "Central Valley Packing Co.",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_MRI, _TENS],
        reviewer="reviewer2",
        attorney="Morgan Ellery",
        law_firm="Ellery & Hart Workers' Law",
        work="accepted",
        **_SPINE,
    ),
    DemoCase(
        "0019",
        Status.IN_REVIEW,
        37,
        "Beatrice Odum",
        "female",
        56,
        "Sierra Foothill Unified Schools",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_TRAMADOL, _NAPROXEN],
        reviewer="reviewer2",
        summary="The injured worker is a 56 year old female school custodian with neck pain radiating to the "
        "right shoulder since moving desks. She takes tramadol and naproxen and works modified duty.",
        work="returned",
        qa_comment="The summary should mention the urine drug screen of last month and the pain agreement on file.",
        qa_item_comments={0: "Say whether the weaning schedule the claims administrator authorized is being followed."},
        **_NECK,
    ),
    DemoCase(
        "0020",
        Status.DETERMINED,
        33,
        "Curtis Langley",
        "male",
        48,
        "Pacific Crest Hospitality",
        "Harbor Claims Services",
        "Lee Okafor",
        items=[_ARTHROSCOPY, _CONSULT],
        reviewer="reviewer2",
        summary="The injured worker is a 48 year old male banquet server with right shoulder pain since lifting a "
        "tray stand overhead. Five months of physical therapy and two subacromial injections gave short relief; an "
        "MRI showed impingement with a type III acromion.",
        **_SHOULDER,
    ),
    # Decided late by a reviewer without a demo log-in; its letter is still to be generated.
    DemoCase(
        "0021",
        Status.DETERMINED,
        44,
        "Mei-Ling Foster",
        "female",
        39,
        "Central Valley Packing Co.",
        "Golden Poppy Insurance Co.",
        "Pat Brennan",
        items=[_PT, _NAPROXEN],
        reviewer="rev-delgado",
        letter_waits=True,
        **_SPINE,
    ),
]

# The road from received to each state, through the lifecycle's moves.
_ROADS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.ELIGIBLE: [Status.ELIGIBLE],
    Status.INELIGIBLE: [Status.INELIGIBLE],
    Status.RECORDS_REQUESTED: [Status.ELIGIBLE, Status.RECORDS_REQUESTED],
    Status.RECORDS_RECEIVED: [Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.RECORDS_RECEIVED],
    Status.ASSIGNED: [Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.RECORDS_RECEIVED, Status.ASSIGNED],
    Status.IN_REVIEW: [Status.ELIGIBLE, Status.RECORDS_RECEIVED, Status.ASSIGNED, Status.IN_REVIEW],
    Status.QA: [Status.ELIGIBLE, Status.RECORDS_RECEIVED, Status.ASSIGNED, Status.IN_REVIEW, Status.QA],
    Status.DETERMINED: [
        Status.ELIGIBLE,
        Status.RECORDS_RECEIVED,
        Status.ASSIGNED,
        Status.IN_REVIEW,
        Status.QA,
        Status.DETERMINED,
    ],
    Status.WITHDRAWN: [Status.ELIGIBLE, Status.WITHDRAWN],
    Status.TERMINATED: [Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.TERMINATED],
}


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small real one-page PDF (Helvetica text), written by hand: no renderer needed to seed the demo."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace").decode()

    text = [f"BT /F1 16 Tf 72 720 Td ({escape(title)}) Tj ET"]
    text += [f"BT /F1 11 Tf 72 {690 - 16 * number} Td ({escape(line)}) Tj ET" for number, line in enumerate(lines)]
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


def _documents(case: Case, spec: DemoCase, *, by) -> None:
    received = case.application_received
    items = [item.description for item in spec.items]
    documents.add_document(
        case,
        data=demo_pdf(
            "Application for Independent Medical Review (DWC Form IMR)",
            [f"Employee: {spec.employee}", f"Claim number: {case.claim_number}", "Disputed treatment:", *items],
        ),
        name="IMR application.pdf",
        kind=CaseDocument.Kind.APPLICATION,
        by=by,
        author=spec.employee,
        document_date=received,
    )
    documents.add_document(
        case,
        data=demo_pdf(
            "Utilization Review Determination",
            [
                f"Claims administrator: {spec.claims_administrator}",
                f"Requesting physician: {spec.physician}",
                *(
                    f"{item.description}: {'modified' if item.ur_outcome == 'modified' else 'non-certified'}"
                    for item in spec.items
                ),
            ],
        ),
        name="UR decision.pdf",
        kind=CaseDocument.Kind.UR_DECISION,
        by=by,
        author=spec.claims_administrator,
        document_date=case.ur_determination_date,
    )
    if case.records_received:
        documents.add_document(
            case,
            data=demo_pdf(
                "Primary Treating Physician's Progress Report (PR-2)",
                [
                    f"Patient: {spec.employee}",
                    f"Diagnosis: {spec.diagnosis} ({spec.icd10})",
                    "Subjective: pain persists, rated 6/10, worse with activity.",
                    "Objective: tenderness to palpation, reduced range of motion.",
                    f"Plan: request authorization for {in_sentence(items[0])}.",
                ],
            ),
            name="PR-2 progress report.pdf",
            kind=CaseDocument.Kind.MEDICAL_RECORDS,
            by=by,
            author=spec.physician,
            document_date=case.records_received - timedelta(days=10),
        )


def assign_demo_reviewer(case: Case, reviewer, *, by) -> None:
    """Offer the case through the assignment service: the same qualification and conflict rules as the pages."""
    offer_case(case, reviewer, by=by, via="demo")
    case.refresh_from_db()


def accept_demo_case(case: Case, reviewer) -> None:
    accept_case(case, by=reviewer, attestation_text=attestation_text(case))
    case.refresh_from_db()


def in_sentence(text: str) -> str:
    """A treatment as written inside a sentence: its first letter small unless the first word is an abbreviation
    ("Tramadol ER 100 mg #30" reads "tramadol ER 100 mg #30"; "TENS unit" stays "TENS unit")."""
    first = text.split(" ", 1)[0]
    if (len(first) > 1 and first[1].isupper()) or first[:1].isdigit():
        return text
    return text[:1].lower() + text[1:]


def _summary(spec: DemoCase) -> str:
    if spec.summary:
        return spec.summary
    diagnosis = spec.diagnosis[:1].lower() + spec.diagnosis[1:]
    requests = "; ".join(in_sentence(item.description) for item in spec.items)
    return (
        f"The injured worker is a {spec.age} year old {spec.sex} with {diagnosis} ({spec.icd10}). Treatment to date "
        "has included medication, physical therapy and a home exercise program. The requesting physician, "
        f"{spec.physician}, asked for: {requests}."
    )


def _generic_rationale(item: DemoItem) -> str:
    return (
        f"The cited guideline conditions the {in_sentence(item.description)} on documented objective functional "
        "improvement, which the records do not show. Therefore, the request for "
        f"{in_sentence(item.description)} is not medically necessary."
    )


def _library_refs(mtus: list[dict]) -> list[dict]:
    """The library sections a reviewer would pick in the workspace for these MTUS citations (those the seeded
    library has), in the form the workspace's search sends: submission pins their current versions."""
    refs = []
    for citation in mtus:
        chapter, _, year = citation["chapter"].rpartition(" ")
        if not year.isdigit():
            chapter, year = citation["chapter"], ""
        sources = {"source__chapter": chapter, **({"source__year": int(year)} if year else {"source__year": None})}
        for name in citation["sections"]:
            section = GuidelineSection.objects.select_related("source").filter(name=name, **sources).first()
            version = section.current_version if section is not None else None
            if version is not None:
                refs.append(
                    {
                        "id": section.pk,
                        "version_id": version.pk,
                        "chapter": section.source.label,
                        "name": section.name,
                        "pages": section.pages,
                    }
                )
    return refs


def _write_draft(case: Case, spec: DemoCase, reviewer, *, whole: bool) -> Determination:
    """The reviewer's draft through the workspace's services: whole, or half written (the summary, the first item's
    decision and basis, and the start of its rationale; the other items still empty)."""
    draft = start_or_get_draft(case, by=reviewer)
    decisions: dict[int, dict] = {}
    for row in draft.decisions.select_related("item"):
        item_spec = spec.items[row.item.position]
        if not whole and row.item.position > 0:
            continue
        rationale = item_spec.rationale or _generic_rationale(item_spec)
        if not whole:
            rationale = rationale.split(". ")[0] + "."  # the first sentence: no conclusion yet
        decisions[row.item_id] = {
            "decision": item_spec.decision or ItemDecision.Decision.UPHELD,
            "basis": {"mtus": item_spec.mtus, "non_mtus": item_spec.non_mtus},
            "basis_none": False,
            "rationale": rationale,
            "guideline_refs": _library_refs(item_spec.mtus),
        }
    return save_draft(draft, by=reviewer, revision=draft.revision, summary=_summary(spec), decisions=decisions)


def _submit(case: Case, spec: DemoCase, reviewer) -> Determination:
    return submit_determination(_write_draft(case, spec, reviewer, whole=True), by=reviewer)


def _approve_without_letter(determination: Determination, *, by, today: date) -> None:
    """What ``approve_determination`` does, minus queueing the letter.

    The service queues the letter after commit, and with tasks run in-process (the default without Redis) the letter
    is signed at once: no case would stay "determined". This one case shows the state a case is in when the letter
    worker was down: approved, decided, waiting in the letter center's list of cases to generate.
    """
    case = determination.case
    Determination.objects.filter(pk=determination.pk, state=Determination.State.SUBMITTED).update(
        state=Determination.State.APPROVED, qa_by=by, qa_at=timezone.now(), updated_at=timezone.now()
    )
    lifecycle.transition(
        case,
        Status.DETERMINED,
        by=by,
        note=f"Determination version {determination.version} approved by clinical QA.",
        extra_fields={"decision_date": today},
    )
    Assignment.objects.filter(case=case, state=Assignment.State.ACCEPTED).update(
        state=Assignment.State.COMPLETED, ended_at=timezone.now(), end_reason="Determination approved by clinical QA."
    )
    record_event(
        by, "determination.approved", determination, case=case.case_number, version=determination.version, edited=False
    )


def _records_on(spec: DemoCase, received: date, today: date) -> date:
    if spec.records_days is not None:
        return received + timedelta(days=spec.records_days)
    return min(today, received + timedelta(days=min(spec.days_ago, 9)))


def _reviewer(spec: DemoCase, users: dict):
    if not spec.reviewer:
        return None
    return users.get(spec.reviewer) or get_user_model().objects.get(username=spec.reviewer)


def _create_demo_case(spec: DemoCase, *, users: dict, today: date) -> Case:
    admin = users["admin"]
    received = today - timedelta(days=spec.days_ago)
    case = Case.objects.create(
        case_number=intake.next_case_number(),
        priority=spec.priority,
        claim_number=f"{DEMO_CLAIM_PREFIX}{spec.key}",
        date_of_injury=received - timedelta(days=400 + 17 * int(spec.key)),
        ur_determination_date=received - timedelta(days=12),
        application_received=received,
        employee_name=spec.employee,
        employee_age=spec.age,
        employee_sex=spec.sex,
        employee_address=f"{100 + int(spec.key) * 7} Example Street, Fresno, CA 93701",
        employer=get_or_create_party(Party.Kind.EMPLOYER, spec.employer, address_lines=demo_address(spec.employer)),
        claims_administrator=get_or_create_party(
            Party.Kind.CLAIMS_ADMINISTRATOR,
            spec.claims_administrator,
            address_lines=demo_address(spec.claims_administrator),
        ),
        adjuster_name=spec.adjuster,
        employee_attorney=get_or_create_party(
            Party.Kind.LAW_FIRM, spec.law_firm, address_lines=demo_address(spec.law_firm)
        ),
        attorney_name=spec.attorney,
        requesting_provider=_physician(spec),
        provider_specialty=spec.specialty,
        diagnosis=spec.diagnosis,
        icd10_code=spec.icd10,
        created_by=admin,
    )
    for position, item in enumerate(spec.items):
        DisputedItem.objects.create(
            case=case,
            position=position,
            description=item.description,
            category=item.category,
            ur_outcome=item.ur_outcome,
            original_request=item.original_request,
            authorized=item.authorized,
            claims_administrator_basis={"mtus": item.mtus, "non_mtus": item.non_mtus},
        )
    lifecycle.record_transition(case, Status.RECEIVED, by=admin, note="Application received at intake.", from_status="")
    reviewer = _reviewer(spec, users)
    for step in _ROADS[spec.status]:
        _move(case, step, spec, users=users, reviewer=reviewer, today=today)
        case.refresh_from_db()
    _documents(case, spec, by=admin)
    date_timeline(case, today=today)
    return case


# When each move happens on a real case, relative to the case's own dates (the demo makes every move in one run).
_TIMELINE_HOURS = {
    Status.RECEIVED: (9, 10),
    Status.ELIGIBLE: (10, 20),
    Status.INELIGIBLE: (10, 20),
    Status.RECORDS_REQUESTED: (10, 40),
    Status.RECORDS_RECEIVED: (14, 15),
    Status.ASSIGNED: (15, 0),
    Status.IN_REVIEW: (17, 30),
    Status.QA: (21, 45),
    Status.DETERMINED: (11, 0),
}


def date_timeline(case: Case, *, today: date) -> None:
    """Date the case's timeline by the case's own dates (received, records requested and received, decided), in
    order and never later than now, instead of the moment the demo made each move."""
    tz = timezone.get_current_timezone()
    now = timezone.now()
    steps = list(case.transitions.order_by("at", "pk"))
    last_day = case.application_received or today
    anchors = []
    for step in steps:
        status = step.to_status
        if status == Status.RECEIVED:
            day = case.application_received or today
        elif status in (Status.ELIGIBLE, Status.INELIGIBLE):
            day = case.assigned_date or last_day + timedelta(days=1)
        elif status == Status.RECORDS_REQUESTED:
            day = case.records_requested or last_day
        elif status == Status.RECORDS_RECEIVED:
            day = case.records_received or last_day
        elif status == Status.QA:
            day = last_day + (today - last_day) / 2
        elif status == Status.DETERMINED:
            day = case.decision_date or today
        elif status == Status.IN_REVIEW and step.from_status == Status.QA:
            day = last_day + timedelta(days=1)  # returned by QA the next day
        elif status in _TIMELINE_HOURS:
            day = last_day
        else:
            day = today
        day = min(max(day, last_day), today)
        hour, minute = _TIMELINE_HOURS.get(status, (9, 30))
        anchors.append(timezone.make_aware(datetime.combine(day, time(hour, minute)), tz))
        last_day = day
    gap = timedelta(minutes=7)
    for index in range(1, len(anchors)):  # in order
        anchors[index] = max(anchors[index], anchors[index - 1] + gap)
    for index in range(len(anchors) - 1, -1, -1):  # and in the past
        latest = now - gap * (len(anchors) - 1 - index)
        if index + 1 < len(anchors):
            latest = min(latest, anchors[index + 1] - gap)
        anchors[index] = min(anchors[index], latest)
    for step, at in zip(steps, anchors, strict=True):
        step.at = at
    # The timeline is append-only (a trigger on PostgreSQL). The demo alone re-dates the rows it has just made,
    # before anyone reads them; nothing that runs in production does (devtools is not installed there).
    with pgtrigger.ignore("cases.CaseTransition:append_only"):
        CaseTransition.objects.bulk_update(steps, ["at"])


def _move(case: Case, step: str, spec: DemoCase, *, users: dict, reviewer, today: date) -> None:
    admin, qa = users["admin"], users["qa"]
    received = case.application_received
    records_on = _records_on(spec, received, today)
    if step == Status.ELIGIBLE:
        case.application_signed = True
        case.save(update_fields=["application_signed", "updated_at"])
        # The demo's UR decision copies are attached after the moves: recorded as an override so the timeline says so.
        intake.mark_eligible(
            case,
            by=admin,
            note="Signed, filed on time.",
            override="Demo data: the UR decision copy is filed with the case's documents.",
        )
        case.assigned_date = min(received + timedelta(days=1), today)
        case.save(update_fields=["assigned_date", "updated_at"])
    elif step == Status.INELIGIBLE:
        intake.mark_ineligible(case, by=admin, reason=spec.note)
    elif step == Status.RECORDS_REQUESTED:
        intake.request_records(case, by=admin, on=min(received + timedelta(days=1), records_on))
    elif step == Status.RECORDS_RECEIVED:
        intake.receive_records(case, by=admin, on=records_on)
    elif step == Status.ASSIGNED:
        assign_demo_reviewer(case, reviewer, by=admin)
    elif step == Status.IN_REVIEW:
        accept_demo_case(case, reviewer)
        if spec.status == Status.IN_REVIEW and spec.work == "draft":
            _write_draft(case, spec, reviewer, whole=False)
        elif spec.status == Status.IN_REVIEW and spec.work == "returned":
            submitted = _submit(case, spec, reviewer)
            positions = dict(case.items.values_list("position", "pk"))
            return_determination(
                submitted,
                by=qa,
                comment=spec.qa_comment,
                item_comments={positions[position]: text for position, text in spec.qa_item_comments.items()},
            )
    elif step == Status.QA:
        _submit(case, spec, reviewer)
    elif step == Status.DETERMINED:
        submitted = case.determinations.get(state=Determination.State.SUBMITTED)
        if spec.letter_waits:
            _approve_without_letter(submitted, by=qa, today=today)
        else:
            # Queues the letter after commit (letters.services.request_letters); devtools.demo.letters signs two first.
            approve_determination(submitted, by=qa)
    elif step == Status.WITHDRAWN:
        intake.withdraw(case, by=admin, reason=spec.note)
    elif step == Status.TERMINATED:
        intake.terminate(case, by=admin, reason=spec.note)


_DEMO_STREETS = ("Capitol Mall", "J Street", "Fulton Street", "Van Ness Avenue", "Broadway", "Tulare Street")
_DEMO_CITIES = ("Sacramento, CA 95814", "Fresno, CA 93721", "Oakland, CA 94612", "San Jose, CA 95113")


def demo_address(name: str) -> str | None:
    """A made-up postal address for a demo party, the same for the same name on every run (the letters and the
    proof of service print the parties' addresses)."""
    if not name:
        return None
    number = sum(ord(char) for char in name)
    street, city = _DEMO_STREETS[number % len(_DEMO_STREETS)], _DEMO_CITIES[number % len(_DEMO_CITIES)]
    return f"{100 + number % 900} {street}, Suite {number % 40 + 100}\n{city}"


def _physician(spec: DemoCase) -> Party:
    physician = get_or_create_party(Party.Kind.PHYSICIAN, spec.physician, address_lines=demo_address(spec.physician))
    group = get_or_create_party(Party.Kind.PROVIDER_GROUP, spec.provider_group)
    if physician.organization_id != group.pk:
        physician.organization = group
        physician.save(update_fields=["organization", "updated_at"])
    return physician


def seed_open_cases(*, users: dict, log) -> int:
    """Create the open demo cases not made yet (recognized by their DEMO- claim number)."""
    existing = set(
        Case.objects.filter(claim_number__startswith=DEMO_CLAIM_PREFIX).values_list("claim_number", flat=True)
    )
    today = timezone.localdate()
    made = 0
    for spec in DEMO_CASES:
        if f"{DEMO_CLAIM_PREFIX}{spec.key}" not in existing:
            _create_demo_case(spec, users=users, today=today)
            made += 1
    log(f"Open demo cases: {made} created, {len(DEMO_CASES) - made} already present")
    return made


def seed(*, users: dict, log) -> None:
    seed_published(by=users["admin"], log=log)
    seed_open_cases(users=users, log=log)
