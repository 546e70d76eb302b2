"""Documents an organization sends to one of its cases: several PDFs at once, each with its kind.

Each file is checked as every upload of the portal is (``cases.services.documents``: a readable PDF by its content,
within the size and page limits, not password-protected, not already on the case), all of them before any is stored:
one bad file and nothing of the batch is saved, with a message naming the file and what is wrong with it.

Each stored document records the organization that sent it (``CaseDocument.sent_by``): its people see only those.
The kinds are the lines of the records checklist (8 CCR 9792.10.5) and "other medical records"; a document of a
checklist line sent by the case's claims administrator, who owes those records, ticks that line as received today
(``cases.services.records.record_document``), which starts the review clock once every line is in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cases.lifecycle import DECIDED_STATES, FINAL_STATES
from cases.models import Case, CaseDocument, RecordsDocument
from cases.services import documents, records
from core.models import Party
from core.services import record_event

MAX_FILES = 20


class UploadKind(models.TextChoices):
    """What a party says a file is: the checklist's lines first, in its order."""

    UR_DECISION = "ur_decision", "UR decision and its notice to the worker and the physician"
    UR_RECORDS = "ur_records", "Medical records the UR reviewer relied on"
    TREATING_REPORTS = "treating_reports", "Treating physician's reports"
    REQUEST_FOR_AUTHORIZATION = "rfa", "Request for authorization (RFA) and its attachments"
    CORRESPONDENCE = "correspondence", "Correspondence about the disputed treatment"
    MEDICAL_RECORDS = "medical_records", "Other medical records"


# Each kind: how the document is filed on the case, and the checklist line it answers (None: no line).
FILED_AS: dict[str, tuple[str, str | None]] = {
    UploadKind.UR_DECISION: (CaseDocument.Kind.UR_DECISION, RecordsDocument.Kind.UR_DECISION),
    UploadKind.UR_RECORDS: (CaseDocument.Kind.MEDICAL_RECORDS, RecordsDocument.Kind.UR_RECORDS),
    UploadKind.TREATING_REPORTS: (CaseDocument.Kind.MEDICAL_RECORDS, RecordsDocument.Kind.TREATING_REPORTS),
    UploadKind.REQUEST_FOR_AUTHORIZATION: (
        CaseDocument.Kind.MEDICAL_RECORDS,
        RecordsDocument.Kind.REQUEST_FOR_AUTHORIZATION,
    ),
    UploadKind.CORRESPONDENCE: (CaseDocument.Kind.CORRESPONDENCE, RecordsDocument.Kind.CORRESPONDENCE),
    UploadKind.MEDICAL_RECORDS: (CaseDocument.Kind.MEDICAL_RECORDS, None),
}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    kind: str


def takes_documents(case: Case) -> bool:
    """Open: not decided, not ended (withdrawn, ineligible, terminated, closed)."""
    return case.status not in FINAL_STATES and case.status not in DECIDED_STATES


def check_batch(case: Case, uploads: list[Upload]) -> list[str]:
    """What is wrong with the batch, one message per problem naming its file; empty when every file can be stored."""
    if not takes_documents(case):
        return [f"Case {case.case_number} is decided or ended: it takes no more documents."]
    if not uploads:
        return ["Choose at least one PDF file to send."]
    if len(uploads) > MAX_FILES:
        return [f"{len(uploads)} files chosen; send at most {MAX_FILES} at a time."]
    problems: list[str] = []
    seen: dict[str, str] = {}
    for upload in uploads:
        if upload.kind not in FILED_AS:
            problems.append(f"{upload.name}: choose what the document is.")
            continue
        try:
            documents.inspect_pdf(upload.data, name=upload.name)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        digest = hashlib.sha256(upload.data).hexdigest()
        if digest in seen:
            problems.append(f"{upload.name} is the same file as {seen[digest]}: send it once.")
        elif CaseDocument.objects.filter(case=case, sha256=digest).exists():
            problems.append(f"{upload.name} is already on case {case.case_number}.")
        seen.setdefault(digest, upload.name)
    return problems


def send_documents(case: Case, organization: Party, uploads: list[Upload], *, by) -> list[CaseDocument]:
    """Store every file of the batch with the case, as sent by ``organization``; all or nothing.

    Raises ``ValidationError`` with one message per problem (and stores nothing) when any file is refused."""
    problems = check_batch(case, uploads)
    if problems:
        raise ValidationError(problems)
    stored: list[CaseDocument] = []
    try:
        with transaction.atomic():
            for upload in uploads:
                filed_as, line = FILED_AS[upload.kind]
                document = documents.add_document(case, data=upload.data, name=upload.name, kind=filed_as, by=by)
                stored.append(document)
                document.sent_by = organization
                document.save(update_fields=["sent_by"])
                record_event(
                    by,
                    "parties.document_sent",
                    document,
                    case=case.case_number,
                    organization=organization.pk,
                    kind=upload.kind,
                    sha256=document.sha256,
                )
                if line is not None and case.claims_administrator_id == organization.pk:
                    _tick(case, line, organization, upload.name, by=by)
    except BaseException:
        for document in stored:  # the rows are rolled back: their files go too
            document.file.delete(save=False)
        raise
    return stored


def _tick(case: Case, line: str, organization: Party, name: str, *, by) -> None:
    """The checklist line received today, unless it was already (an earlier date is kept)."""
    if RecordsDocument.objects.filter(case=case, kind=line, received_on__isnull=False).exists():
        return
    records.record_document(
        case,
        line,
        received_on=timezone.localdate(),
        received_from=organization.name,
        by=by,
        note=f"Sent through the parties' portal: {name}"[:300],
    )
