"""The clock's rules over dated cases, each expected date worked out by hand from the calendar (not by the portal).

California state holidays as the ``holidays`` package lists them, used below: 2026-03-31 Tue (Cesar Chavez Day),
2026-06-19 Fri (Juneteenth), 2026-07-03 Fri (Independence Day observed), 2026-11-11 Wed (Veterans Day), 2026-11-26 Thu
and 2026-11-27 Fri (Thanksgiving and the day after), 2026-12-25 Fri (Christmas), 2027-01-01 Fri (New Year's Day),
2027-01-18 Mon (Martin Luther King Jr. Day), 2027-12-24 Fri (Christmas observed), 2027-12-31 Fri (New Year's Day
2028 observed). Day 0 is the start day; a calendar-day deadline is never moved off a weekend or holiday.
"""

import datetime

import pytest

from cases import clock

D = datetime.date
STANDARD, EXPEDITED, FORMULARY = "standard", "expedited", "formulary"

# (what it shows, track, application received, records complete, converted to expedited on, reopened on, due)
DUE_DATES = [
    # Formulary: 5 working days.
    ("formulary from a Monday", FORMULARY, D(2026, 3, 2), D(2026, 3, 2), None, None, D(2026, 3, 9)),
    ("formulary from a Wednesday", FORMULARY, D(2026, 3, 4), D(2026, 3, 4), None, None, D(2026, 3, 11)),
    ("formulary from a Friday", FORMULARY, D(2026, 3, 6), D(2026, 3, 6), None, None, D(2026, 3, 13)),
    ("formulary from a Saturday: same as Friday", FORMULARY, D(2026, 3, 6), D(2026, 3, 7), None, None, D(2026, 3, 13)),
    ("formulary from a Sunday: same as Friday", FORMULARY, D(2026, 3, 8), D(2026, 3, 8), None, None, D(2026, 3, 13)),
    ("formulary over Cesar Chavez Day", FORMULARY, D(2026, 3, 27), D(2026, 3, 27), None, None, D(2026, 4, 6)),
    (
        "formulary over Thanksgiving and its Friday",
        FORMULARY,
        D(2026, 11, 25),
        D(2026, 11, 25),
        None,
        None,
        D(2026, 12, 4),
    ),
    (
        "formulary from the Monday before Thanksgiving",
        FORMULARY,
        D(2026, 11, 23),
        D(2026, 11, 23),
        None,
        None,
        D(2026, 12, 2),
    ),
    ("formulary over Christmas on a Friday", FORMULARY, D(2026, 12, 23), D(2026, 12, 23), None, None, D(2026, 12, 31)),
    (
        "formulary over New Year's Day on a Friday",
        FORMULARY,
        D(2026, 12, 28),
        D(2026, 12, 28),
        None,
        None,
        D(2027, 1, 5),
    ),
    ("formulary from New Year's Eve", FORMULARY, D(2026, 12, 31), D(2026, 12, 31), None, None, D(2027, 1, 8)),
    ("formulary from New Year's Day itself", FORMULARY, D(2026, 12, 30), D(2027, 1, 1), None, None, D(2027, 1, 8)),
    (
        "formulary over Christmas observed on Friday 12/24",
        FORMULARY,
        D(2027, 12, 22),
        D(2027, 12, 22),
        None,
        None,
        D(2027, 12, 30),
    ),
    (
        "formulary over New Year 2028 observed on 12/31",
        FORMULARY,
        D(2027, 12, 28),
        D(2027, 12, 28),
        None,
        None,
        D(2028, 1, 5),
    ),
    (
        "formulary over Martin Luther King Jr. Day",
        FORMULARY,
        D(2027, 1, 15),
        D(2027, 1, 15),
        None,
        None,
        D(2027, 1, 25),
    ),
    ("formulary over Juneteenth on a Friday", FORMULARY, D(2026, 6, 16), D(2026, 6, 16), None, None, D(2026, 6, 24)),
    ("formulary over July 3 observed", FORMULARY, D(2026, 7, 1), D(2026, 7, 1), None, None, D(2026, 7, 9)),
    (
        "formulary over Veterans Day on a Wednesday",
        FORMULARY,
        D(2026, 11, 9),
        D(2026, 11, 9),
        None,
        None,
        D(2026, 11, 17),
    ),
    ("formulary waits on records 6 days late", FORMULARY, D(2026, 3, 2), D(2026, 3, 20), None, None, D(2026, 3, 27)),
    # Standard: 30 calendar days.
    ("standard ending on a Saturday: not moved", STANDARD, D(2026, 1, 1), D(2026, 1, 1), None, None, D(2026, 1, 31)),
    ("standard from Thanksgiving", STANDARD, D(2026, 11, 26), D(2026, 11, 26), None, None, D(2026, 12, 26)),
    (
        "standard ending on Christmas: not moved",
        STANDARD,
        D(2026, 11, 25),
        D(2026, 11, 25),
        None,
        None,
        D(2026, 12, 25),
    ),
    (
        "standard ending on New Year's Day: not moved",
        STANDARD,
        D(2026, 12, 2),
        D(2026, 12, 2),
        None,
        None,
        D(2027, 1, 1),
    ),
    ("standard across the year", STANDARD, D(2026, 12, 15), D(2026, 12, 15), None, None, D(2027, 1, 14)),
    ("standard waits on late records", STANDARD, D(2026, 3, 1), D(2026, 3, 10), None, None, D(2026, 4, 9)),
    ("standard: records before the application", STANDARD, D(2026, 3, 10), D(2026, 3, 1), None, None, D(2026, 4, 9)),
    ("standard across a leap February", STANDARD, D(2028, 2, 1), D(2028, 2, 1), None, None, D(2028, 3, 2)),
    ("standard without records: no clock", STANDARD, D(2026, 3, 1), None, None, None, None),
    # Expedited: 3 calendar days.
    ("expedited across February", EXPEDITED, D(2026, 2, 27), D(2026, 2, 27), None, None, D(2026, 3, 2)),
    ("expedited across a leap day", EXPEDITED, D(2028, 2, 27), D(2028, 2, 27), None, None, D(2028, 3, 1)),
    (
        "expedited ending on a Sunday after New Year",
        EXPEDITED,
        D(2026, 12, 31),
        D(2026, 12, 31),
        None,
        None,
        D(2027, 1, 3),
    ),
    (
        "expedited ending on the Saturday after Christmas",
        EXPEDITED,
        D(2026, 12, 23),
        D(2026, 12, 23),
        None,
        None,
        D(2026, 12, 26),
    ),
    (
        "expedited ending on the Friday holiday",
        EXPEDITED,
        D(2026, 11, 24),
        D(2026, 11, 24),
        None,
        None,
        D(2026, 11, 27),
    ),
    # Conversion to expedited (8 CCR 9792.10.4(c)): 3 days from the certification, never past the old due date.
    ("standard converted on day 8", EXPEDITED, D(2026, 3, 2), D(2026, 3, 2), D(2026, 3, 10), None, D(2026, 3, 13)),
    (
        "standard converted on day 28 keeps day 30",
        EXPEDITED,
        D(2026, 3, 2),
        D(2026, 3, 2),
        D(2026, 3, 30),
        None,
        D(2026, 4, 1),
    ),
    ("converted before the records came", EXPEDITED, D(2026, 2, 20), D(2026, 3, 5), D(2026, 3, 1), None, D(2026, 3, 8)),
    # Rescinded and reopened (LC 4610.6(i)): a new review from the day the case is reopened.
    ("standard reopened", STANDARD, D(2026, 1, 5), D(2026, 1, 20), None, D(2026, 5, 4), D(2026, 6, 3)),
    (
        "formulary reopened before Thanksgiving",
        FORMULARY,
        D(2026, 8, 3),
        D(2026, 8, 3),
        None,
        D(2026, 11, 25),
        D(2026, 12, 4),
    ),
    (
        "expedited reopened on New Year's Eve",
        EXPEDITED,
        D(2026, 12, 1),
        D(2026, 12, 2),
        None,
        D(2026, 12, 31),
        D(2027, 1, 3),
    ),
]


@pytest.mark.parametrize(
    ("track", "application", "records", "expedited_on", "reopened_on", "expected"),
    [row[1:] for row in DUE_DATES],
    ids=[row[0] for row in DUE_DATES],
)
def test_the_due_date_of_each_dated_case_is_the_one_worked_out_by_hand(
    track, application, records, expedited_on, reopened_on, expected
):
    assert clock.due_date(track, application, records, expedited_on=expedited_on, reopened_on=reopened_on) == expected


# A formulary case converted to expedited: 3 days from the certification or the 5 working days, whichever is first.
@pytest.mark.parametrize(
    ("start", "converted", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 6)),  # formulary due 3/9; 3/3 + 3 = 3/6
        (D(2026, 11, 25), D(2026, 11, 30), D(2026, 12, 3)),  # formulary due 12/4; 11/30 + 3 = 12/3
        (D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 4)),  # 12/2 + 3 = 12/5 is past 12/4: 12/4 stands
    ],
)
def test_a_formulary_case_converted_to_expedited_is_due_at_the_earlier_of_the_two(start, converted, expected):
    assert clock.due_date(EXPEDITED, start, start, expedited_on=converted, base_track=FORMULARY) == expected


# (priority, has a formulary item, administrator's track, track)
TRACKS = [
    ("standard", False, "", STANDARD),
    ("standard", True, "", FORMULARY),  # a case mixing formulary drugs and other treatment: the formulary track
    ("expedited", True, "", EXPEDITED),  # expedited beats formulary
    ("expedited", False, "", EXPEDITED),
    ("standard", True, STANDARD, STANDARD),  # the administrator's choice, with its reason, wins
]


@pytest.mark.parametrize(("priority", "formulary", "override", "expected"), TRACKS)
def test_the_track_follows_priority_and_items_unless_the_administrator_sets_it(priority, formulary, override, expected):
    assert clock.track_for(priority, has_formulary_items=formulary, override=override) == expected


def test_a_mixed_case_is_due_in_five_working_days_not_thirty():
    track = clock.track_for("standard", has_formulary_items=True)
    assert clock.due_date(track, D(2026, 3, 2), D(2026, 3, 2)) == D(2026, 3, 9)


# (track, notice sent, method, converted to expedited on, records due)
RECORDS_DUE = [
    ("mailed notice: 15 days, ending on a Saturday", STANDARD, D(2026, 12, 11), "mail", None, D(2026, 12, 26)),
    ("electronic notice: 12 days", STANDARD, D(2026, 12, 11), "electronic", None, D(2026, 12, 23)),
    ("mailed notice, 15 days", STANDARD, D(2026, 5, 1), "mail", None, D(2026, 5, 16)),
    ("expedited: 24 hours, onto New Year's Day", EXPEDITED, D(2026, 12, 31), "electronic", None, D(2027, 1, 1)),
    ("converted after the notice: 24 hours", EXPEDITED, D(2026, 5, 1), "electronic", D(2026, 5, 5), D(2026, 5, 6)),
    ("converted the day before: no later", EXPEDITED, D(2026, 5, 1), "electronic", D(2026, 5, 12), D(2026, 5, 13)),
    ("formulary keeps the 12 days", FORMULARY, D(2026, 11, 20), "electronic", None, D(2026, 12, 2)),
]


@pytest.mark.parametrize(
    ("track", "requested", "method", "expedited_on", "expected"),
    [row[1:] for row in RECORDS_DUE],
    ids=[row[0] for row in RECORDS_DUE],
)
def test_the_records_due_date_of_each_notice_is_the_one_worked_out_by_hand(
    track, requested, method, expedited_on, expected
):
    assert clock.records_due_date(track, requested, method, expedited_on=expedited_on) == expected


@pytest.mark.parametrize(
    ("served", "method", "expected"),
    [
        (D(2026, 3, 2), "electronic", D(2026, 4, 1)),
        (D(2026, 3, 2), "mail_california", D(2026, 4, 6)),
        (D(2026, 11, 25), "mail_california", D(2026, 12, 30)),
        (D(2026, 3, 2), "mail_out_of_state", D(2026, 4, 11)),
    ],
)
def test_the_appeal_deadline_is_30_days_from_service_plus_the_days_for_mail(served, method, expected):
    assert clock.appeal_deadline(served, method) == expected


@pytest.mark.parametrize(
    ("decided", "expected"),
    [(D(2026, 11, 25), D(2026, 12, 4)), (D(2026, 12, 28), D(2027, 1, 5))],
)
def test_an_overturned_treatment_is_authorized_within_five_working_days(decided, expected):
    assert clock.authorization_due(decided) == expected
