"""A real Celery worker (prefork, against Redis) generates the letters of an approved case."""

import pytest

from cases.lifecycle import Status
from cases.models import Case
from letters import services
from letters.models import Letter
from letters.tasks import generate_letters_task
from tests import factories
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker]


def test_a_real_worker_generates_and_registers_both_renditions(celery_worker_process, qa_user):
    case = factories.determined_case(qa=qa_user)
    generate_letters_task.delay(case.pk)
    generate_letters_task.delay(case.pk)  # a doubled task makes no second letter

    try:
        wait_for(lambda: Letter.objects.filter(case=case, state="signed").count() == 2, timeout=120)
    except AssertionError:
        celery_worker_process.terminate()
        output = celery_worker_process.stdout.read().decode(errors="replace")[-3000:]
        rows = list(Letter.objects.filter(case=case).values_list("rendition", "state", "error"))
        raise AssertionError(f"letters: {rows}; worker output: {output}") from None
    wait_for(lambda: Case.objects.get(pk=case.pk).status == Status.LETTER_SIGNED, timeout=10)
    assert sorted(Letter.objects.filter(case=case).values_list("rendition", "version", "state")) == [
        ("parties", 1, "signed"),
        ("public", 1, "signed"),
    ]
    letter = Letter.objects.get(case=case, rendition="parties")
    with open(letter.file.path, "rb") as file:
        assert services.verify_letter_bytes(file.read()).kind == "authentic_current"
