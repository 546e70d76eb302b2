"""A signed letter reaching people: downloads (who, when, from where) and service on the parties (the proof).

Locks: the case row first, as everywhere in letters; a service is checked for duplicates under that lock, so two
people recording the same service at the same moment record it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from cases.lifecycle import Status
from cases.models import Case
from cases.services.lifecycle import transition
from core.services import record_event
from letters.models import Letter, LetterDownload, Rendition, Service, ServiceRecipient
from letters.services.errors import LetterError


def record_download(letter: Letter, *, by, ip: str | None = None, in_bulk: bool = False) -> LetterDownload:
    return LetterDownload.objects.create(letter=letter, by=by, ip=ip or None, in_bulk=in_bulk)


@dataclass(frozen=True)
class Delivery:
    """One addressee served: which (``key`` of ``rendering.addressees``), who, where, and how."""

    key: str
    role: str
    name: str
    address: str
    method: str
    email: str = ""


# The ways a letter is served on one addressee (the portal method is for parties reading it there, not a service).
DELIVERY_METHODS = (Service.Method.MAIL, Service.Method.EMAIL, Service.Method.FAX)


def service_date_problem(letter: Letter | None, served_on: date) -> str:
    """Why ``served_on`` cannot be the day this letter was served (not before the day it was signed, in the portal's
    time zone, nor in the future), or "" when it can."""
    if served_on > timezone.localdate():
        return f"{served_on:%m/%d/%Y} is in the future."
    signed_on = timezone.localdate(letter.signed_at) if letter is not None and letter.signed_at else None
    if signed_on is not None and served_on < signed_on:
        return (
            f"{served_on:%m/%d/%Y} is before the letter was signed ({signed_on:%m/%d/%Y}): it cannot have been "
            "served then."
        )
    return ""


def _check_service(letter: Letter, served_on: date, deliveries: list[Delivery]) -> None:
    if letter.state != Letter.State.SIGNED:
        raise LetterError("Only a signed letter can be served.")
    if letter.rendition != Rendition.PARTIES:
        raise LetterError("The public redacted copy is published, not served on the parties.")
    if not deliveries:
        raise LetterError("Tick at least one addressee who was served.")
    unknown = sorted({delivery.method for delivery in deliveries} - set(DELIVERY_METHODS))
    if unknown:
        raise LetterError(f"Unknown service method {', '.join(map(repr, unknown))}: use mail, e-mail or fax.")
    if len({delivery.key for delivery in deliveries}) != len(deliveries):
        raise LetterError("An addressee is named twice.")
    if problem := service_date_problem(letter, served_on):
        raise LetterError({"served_on": problem})


def _check_not_recorded(letter: Letter, served_on: date, deliveries: list[Delivery]) -> None:
    """Under the case lock: refuse an addressee already recorded as served by the same method on the same day."""
    recorded = set(
        ServiceRecipient.objects.filter(service__letter=letter, service__served_on=served_on).values_list(
            "key", "service__method"
        )
    )
    repeated = [delivery for delivery in deliveries if (delivery.key, delivery.method) in recorded]
    if repeated:
        raise LetterError(
            {
                "recipients": " ".join(
                    f"{delivery.name} was already recorded as served by "
                    f"{Service.Method(delivery.method).label.lower()} on {served_on:%m/%d/%Y}."
                    for delivery in repeated
                )
            }
        )


def record_service(
    letter: Letter,
    *,
    by,
    served_on: date,
    deliveries: list[Delivery],
    note: str = "",
) -> list[Service]:
    """Record that a signed parties' letter was served on the given addressees, each by its own method.

    One :class:`Service` per method (when, how, to whom), each with its addressees as they stood that day
    (:class:`ServiceRecipient`, for the proof of service) and its ``letter.served`` audit event; the first service of
    a case's current letter moves the case to SERVED. The public redacted copy is published, never served. Refused:
    a date before the letter was signed or in the future, and an addressee already recorded as served by the same
    method that day (checked under the case's lock, so two simultaneous posts record it once)."""
    _check_service(letter, served_on, deliveries)
    by_method: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_method.setdefault(delivery.method, []).append(delivery)
    recorded = []
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=letter.case_id)
        _check_not_recorded(letter, served_on, deliveries)
        for method, group in by_method.items():
            recorded.append(_record_one(letter, case, method, group, by=by, served_on=served_on, note=note))
        if case.status == Status.LETTER_SIGNED and letter.is_current:
            methods = " and ".join(service.get_method_display().lower() for service in recorded)
            transition(case, Status.SERVED, by=by, note=f"Letter served by {methods}.")
    return recorded


def _record_one(letter: Letter, case: Case, method: str, group: list[Delivery], *, by, served_on, note) -> Service:
    service = Service.objects.create(
        letter=letter,
        by=by,
        served_on=served_on,
        method=method,
        recipients=[f"{delivery.role}: {delivery.name}" for delivery in group],
        note=note,
    )
    ServiceRecipient.objects.bulk_create(
        ServiceRecipient(
            service=service,
            position=position,
            key=delivery.key,
            role=delivery.role,
            name=delivery.name,
            address=delivery.address,
            email=delivery.email if method == Service.Method.EMAIL else "",
        )
        for position, delivery in enumerate(group)
    )
    record_event(
        by,
        "letter.served",
        letter,
        case=case.case_number,
        method=method,
        served_on=served_on.isoformat(),
        recipients=[delivery.key for delivery in group],
    )
    return service
