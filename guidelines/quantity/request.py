"""What a disputed item asks for, as read by `guidelines.quantity.parsing`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class QuantityRequest:
    """What a disputed item asks for. `count` is the total (visits, sessions, tablets...), stated or derived as
    frequency x duration; for a range it is the upper end and `count_min` the lower. `span` is the (start, end) of the
    text the quantity was read from, in `text`; `frequency_per_week` and `duration_weeks` are upper ends of ranges."""

    text: str
    treatment: str | None = None
    body_regions: tuple[str, ...] = ()
    count: int | None = None
    count_min: int | None = None
    frequency_per_week: int | None = None
    duration_weeks: int | None = None
    unit: str | None = None
    span: tuple[int, int] | None = None
    initial: bool = False
    additional: bool = False
    postoperative: bool = False
    refills: int | None = None
    period: tuple[int, str] | None = None
    amount: str | None = None

    @property
    def body_region(self) -> str | None:
        return self.body_regions[0] if self.body_regions else None

    @property
    def matched(self) -> str | None:
        """The text the quantity was read from ("2 times a week for 6 weeks")."""
        return self.text[self.span[0] : self.span[1]] if self.span else None

    @property
    def has_quantity(self) -> bool:
        """The item states an amount: a count, a frequency or duration, a supply period or a dispensed amount."""
        return any(
            value is not None
            for value in (self.count, self.frequency_per_week, self.duration_weeks, self.period, self.amount)
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(body_region=self.body_region, matched=self.matched, has_quantity=self.has_quantity)
        data["body_regions"] = list(self.body_regions)
        data["span"] = list(self.span) if self.span else None
        data["period"] = {"amount": self.period[0], "unit": self.period[1]} if self.period else None
        return data


def unit_label(count: int, unit: str) -> str:
    """ "visits" for 12, "visit" for 1 ("boxes" -> "box", "patches" -> "patch")."""
    if count != 1 or not unit.endswith("s"):
        return unit
    return unit[:-2] if unit.endswith(("xes", "ches")) else unit[:-1]
