import datetime

import pytest

from cases import clock

D = datetime.date


@pytest.mark.parametrize(
    ("priority", "application", "records", "expected"),
    [
        ("standard", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 31)),
        ("standard", D(2026, 1, 1), D(2026, 1, 10), D(2026, 2, 9)),  # the clock waits on the records
        ("standard", D(2026, 1, 10), D(2026, 1, 1), D(2026, 2, 9)),  # records first, application later
        ("expedited", D(2026, 2, 27), D(2026, 2, 27), D(2026, 3, 2)),  # across the end of February
        ("expedited", D(2028, 2, 27), D(2028, 2, 27), D(2028, 3, 1)),  # leap year
        ("standard", D(2026, 12, 15), D(2026, 12, 15), D(2027, 1, 14)),  # across the year
        ("standard", D(2026, 1, 1), None, None),  # no records: no clock yet
        ("standard", None, D(2026, 1, 1), None),
    ],
)
def test_due_date_follows_priority_and_the_later_of_application_and_records(priority, application, records, expected):
    assert clock.due_date(priority, application, records) == expected


@pytest.mark.parametrize(
    ("priority", "due", "today", "key", "label"),
    [
        ("standard", D(2026, 3, 31), D(2026, 3, 25), "on_track", "6 days left"),
        ("standard", D(2026, 3, 31), D(2026, 3, 26), "at_risk", "Due in 5 days"),
        ("standard", D(2026, 3, 31), D(2026, 3, 30), "at_risk", "Due in 1 day"),
        ("standard", D(2026, 3, 31), D(2026, 3, 31), "at_risk", "Due today"),
        ("standard", D(2026, 3, 31), D(2026, 4, 1), "overdue", "Overdue by 1 day"),
        ("expedited", D(2026, 3, 31), D(2026, 3, 29), "on_track", "2 days left"),
        ("expedited", D(2026, 3, 31), D(2026, 3, 30), "at_risk", "Due in 1 day"),
        ("expedited", D(2026, 3, 31), D(2026, 4, 3), "overdue", "Overdue by 3 days"),
    ],
)
def test_clock_state_at_the_edges(priority, due, today, key, label):
    state = clock.clock_state(priority=priority, due=due, decided_on=None, running=True, today=today)
    assert (state.key, state.label, state.days_left) == (key, label, (due - today).days)


def test_a_decision_on_the_due_date_is_on_time_and_a_day_later_is_late():
    due = D(2026, 3, 31)
    on_time = clock.clock_state(priority="standard", due=due, decided_on=due, running=False)
    late = clock.clock_state(priority="standard", due=due, decided_on=D(2026, 4, 1), running=False)
    assert (on_time.key, on_time.label) == ("met", "Decided on time")
    assert (late.key, late.label) == ("late", "Decided 1 day late")


def test_records_are_due_15_days_after_mail_12_after_electronic_and_1_when_expedited():
    requested = D(2026, 5, 1)
    assert clock.records_due_date("standard", requested, "mail") == D(2026, 5, 16)
    assert clock.records_due_date("standard", requested, "electronic") == D(2026, 5, 13)
    assert clock.records_due_date("expedited", requested, "mail") == D(2026, 5, 2)
