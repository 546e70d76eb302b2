"""The streaming import (``import_stream``, the ``import_cases`` command and the upload page read the document as a
stream, saving batches as they go): still all or nothing, still every error with its JSON path, wherever in the
file it is."""

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cases.interchange import InterchangeError, import_stream
from cases.interchange.importer import BATCH
from cases.models import Case, CaseNumberSequence, CaseTransition, DisputedItem, ItemDecision
from core.models import Party
from tests.cases.test_interchange import EXAMPLE, open_case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# More cases than one batch: the first batch is saved before the error further down is read.
MANY = BATCH + 30


def numbered(number: int, **changes) -> dict:
    case = copy.deepcopy(EXAMPLE["cases"][0])
    case["case_number"] = f"CM16-{number:07d}"
    case.update(changes)
    return case


def document(cases: list[dict], **top) -> bytes:
    return json.dumps({"format": "imr-case/1", "cases": cases, **top}).encode()


def refused(raw: bytes, **options) -> list[str]:
    before = (Case.objects.count(), DisputedItem.objects.count(), Party.objects.count(), CaseTransition.objects.count())
    with pytest.raises(InterchangeError) as raised:
        import_stream(io.BytesIO(raw), **options)
    after = (Case.objects.count(), DisputedItem.objects.count(), Party.objects.count(), CaseTransition.objects.count())
    assert after == before, "a refused import saved something"
    return raised.value.errors


def test_a_file_of_several_batches_imports_whole():
    cases = [numbered(number) for number in range(1, MANY + 1)] + [open_case() for _ in range(3)]
    result = import_stream(io.BytesIO(document(cases)))

    assert len(result.created) == MANY + 3 and result.items == MANY + 3
    assert Case.objects.count() == MANY + 3
    assert ItemDecision.objects.count() == MANY  # the decided cases' determinations
    year = timezone.localdate().year % 100
    assert [case.case_number for case in result.created[-3:]] == [f"CM{year:02d}-000000{n}" for n in (1, 2, 3)]
    assert CaseNumberSequence.objects.get(year=16).last_value == MANY
    # One party per name however many cases name it; the physician placed in the group.
    assert Party.objects.filter(name__iexact="Acme Produce").count() == 1
    assert Party.objects.get(name="Avery Doctor, MD").organization.name == "Valley Spine"


def test_an_error_after_the_first_batch_was_saved_saves_nothing_and_names_its_path():
    cases = [numbered(number) for number in range(1, MANY + 1)]
    cases[BATCH + 10]["items"][0]["determination"]["decision"] = "maybe"
    cases[3]["priority"] = "urgent"

    assert refused(document(cases)) == [
        'cases[3].priority: must be "standard" or "expedited"',
        f'cases[{BATCH + 10}].items[0].determination.decision: must be "upheld" or "overturned"',
    ]


def test_an_existing_number_and_a_number_twice_far_apart_are_both_reported():
    CaseFactory(case_number=f"CM16-{MANY:07d}")
    cases = [numbered(number) for number in range(1, MANY + 1)]
    cases.append(numbered(2))

    assert refused(document(cases)) == [
        f"cases[{MANY - 1}].case_number: case CM16-{MANY:07d} already exists; "
        "import with update (replace existing cases) to replace it",
        f"cases[{MANY}].case_number: CM16-0000002 appears twice in the file (also cases[1])",
    ]


def test_top_level_errors_come_first_in_key_order_then_each_case_in_order():
    raw = document([open_case(priority="urgent"), open_case(items=[])], extra=1)
    raw = raw.replace(b'"imr-case/1"', b'"imr-case/2"')

    assert refused(raw) == [
        "extra: is not a field of imr-case/1",
        'format: must be "imr-case/1"',
        'cases[0].priority: must be "standard" or "expedited"',
        "cases[1].items: must list at least 1 disputed item",
    ]


def test_a_document_that_is_not_an_object_or_has_no_cases_is_refused():
    assert refused(b"[1, 2]") == ["(document): must be an object"]
    assert refused(b'{"format": "imr-case/1"}') == ["cases: is required"]
    assert refused(b'{"format": "imr-case/1", "cases": {}}') == ["cases: must be a list"]
    assert import_stream(io.BytesIO(b'{"format": "imr-case/1", "cases": []}')).summary() == (
        "0 cases created, 0 replaced, 0 disputed items."
    )


def test_json_broken_after_the_first_batch_is_refused_saying_where(tmp_path):
    cases = [numbered(number) for number in range(1, MANY + 1)]
    text = json.dumps({"format": "imr-case/1", "cases": cases}, indent=1)
    line = text[: text.index(f"CM16-{BATCH + 20:07d}")].count("\n") + 1
    broken = text.replace(f'"CM16-{BATCH + 20:07d}"', f'"CM16-{BATCH + 20:07d}" "oops"')
    source = tmp_path / "broken.json"
    source.write_text(broken, encoding="utf-8")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 1 error"):
        call_command("import_cases", str(source), stderr=errors)

    message = errors.getvalue().strip()
    assert message.startswith(f"(document): is not JSON: Expecting ',' delimiter at line {line}, column ")
    assert Case.objects.count() == 0


def test_broken_json_from_a_stream_that_cannot_be_read_again_is_still_refused():
    class OneWay(io.RawIOBase):
        def __init__(self, raw):
            self.inner = io.BytesIO(raw)

        def readable(self):
            return True

        def readinto(self, buffer):
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

        def seekable(self):
            return False

        def seek(self, *args):
            raise io.UnsupportedOperation("seek")

    raw = document([numbered(1), numbered(2)])[:-10]
    with pytest.raises(InterchangeError) as raised:
        import_stream(io.BufferedReader(OneWay(raw)))
    assert len(raised.value.errors) == 1 and raised.value.errors[0].startswith("(document): is not JSON: ")
    assert Case.objects.count() == 0


def test_a_byte_order_mark_is_accepted_and_bytes_that_are_not_utf8_are_refused():
    result = import_stream(io.BytesIO(b"\xef\xbb\xbf" + document([numbered(1)])))
    assert len(result.created) == 1
    raw = document([numbered(2, claim_number="CLAIM-E")]).replace(b"CLAIM-E", b"CLAIM-\xe9")  # Latin-1
    assert refused(raw) == ["(document): is not UTF-8 text"]


def test_the_upload_page_streams_a_file_of_several_batches(admin_client):
    cases = [numbered(number) for number in range(1, MANY + 1)]
    cases[-1]["dates"]["decision"] = "30/12/2016"
    upload = SimpleUploadedFile("cases.json", document(cases), content_type="application/json")

    response = admin_client.post(reverse("cases:import"), {"document": upload})

    assert response.status_code == 200
    assert f"cases[{MANY - 1}].dates.decision: must be a date written YYYY-MM-DD" in response.content.decode()
    assert Case.objects.count() == 0
