import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from cases.models import CASE_NUMBER_RE, CaseNumberSequence
from cases.services import intake


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_intakes_get_consecutive_numbers_without_duplicates():
    """Two transactions on separate connections: the second waits for the first and takes the next number."""
    results: dict[str, str] = {}
    first_has_number = threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                results["first"] = intake.next_case_number(2026)
                first_has_number.set()
                time.sleep(0.5)  # hold the transaction open while the second one tries
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            first_has_number.set()
        finally:
            close_old_connections()
            connection.close()

    def second():
        first_has_number.wait(5)
        try:
            started = time.monotonic()
            with transaction.atomic():
                results["second"] = intake.next_case_number(2026)
            results["waited"] = f"{time.monotonic() - started:.2f}"
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert (results["first"], results["second"]) == ("CM26-0000001", "CM26-0000002")
    # The second transaction really waited for the first to commit.
    assert float(results["waited"]) >= 0.3


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_intakes_never_duplicate_or_skip_a_number():
    numbers: list[str] = []
    lock = threading.Lock()

    def take():
        try:
            for _ in range(5):
                with transaction.atomic():
                    number = intake.next_case_number(2026)
                with lock:
                    numbers.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(numbers) == [f"CM26-{n:07d}" for n in range(1, 21)]


@pytest.mark.django_db
def test_a_rolled_back_intake_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        intake.next_case_number(2026)
        raise RuntimeError("intake failed")
    with transaction.atomic():
        assert intake.next_case_number(2026) == "CM26-0000001"


@pytest.mark.django_db
def test_an_imported_number_moves_the_sequence_past_it():
    intake.note_external_case_number("CM26-0000040")
    assert intake.next_case_number(2026) == "CM26-0000041"
    intake.note_external_case_number("CM26-0000007")  # an older number does not move it back
    assert CaseNumberSequence.objects.get(year=26).last_value == 41


def test_case_number_format():
    assert CASE_NUMBER_RE.match("CM16-0230548")
    assert not CASE_NUMBER_RE.match("CM16-230548")
    assert not CASE_NUMBER_RE.match("cm16-0230548")
