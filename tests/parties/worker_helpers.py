"""Cases the injured worker can open in the tests: a date of birth on file and a notice of assignment queued (which
issues the code); the code read back from the notice, the only place it exists in clear."""

import datetime
import hashlib
import re

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.services.notices import queue_assignment_notice
from core.models import OutboxEmail
from letters.models import Letter
from tests import factories

BORN = datetime.date(1980, 4, 15)
CODE_IN_NOTICE = re.compile(r"(?:Case access code|Código de acceso al caso): ([A-Z0-9]{5}-[A-Z0-9]{5})")


def noticed_case(**fields):
    """A case whose notice of assignment was queued; (case, code as printed in the worker's notice)."""
    fields.setdefault("employee_date_of_birth", BORN)
    fields.setdefault("employee_name", "Maria Lopez")
    fields.setdefault("assigned_date", datetime.date(2026, 11, 2))
    case = fields.pop("case", None) or factories.CaseFactory(**fields)
    queue_assignment_notice(case)
    return case, code_of(case)


def worker_notices(case) -> list[OutboxEmail]:
    return list(
        OutboxEmail.objects.filter(
            template_key__startswith="assignment_notice_worker", related_object_id=str(case.pk)
        ).order_by("pk")
    )


def code_of(case) -> str:
    match = CODE_IN_NOTICE.search(worker_notices(case)[-1].body)
    assert match, "the worker's notice prints the case access code"
    return match.group(1)


def details(case_number: str, code: str, born: datetime.date = BORN) -> dict:
    return {
        "case_number": case_number,
        "access_code": code,
        "birth_month": born.month,
        "birth_day": born.day,
        "birth_year": born.year,
    }


def open_case(client, case, code, born: datetime.date = BORN):
    return client.post("/worker/", details(case.case_number, code, born))


def signed_letter(case) -> Letter:
    """A signed parties' letter on ``case`` (a determined case), as the letters app leaves it."""
    data = factories.small_pdf(marker=f"letter-{case.case_number}")
    letter = Letter(
        case=case,
        determination=case.determinations.first(),
        rendition="parties",
        state="signed",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_count=1,
        signed_at=timezone.now(),
    )
    letter.file.save(f"{case.case_number}.pdf", ContentFile(data), save=False)
    letter.save()
    return letter
