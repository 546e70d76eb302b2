"""Synthetic published decisions in the DWC's 2016-2017 layout, as ``pdftotext -layout`` prints them, so that tests
prove the format rather than particular files. ``letter()`` builds one; each item is given as its heading lines
(already wrapped the way the test wants) and its guideline lines and rationale."""

from __future__ import annotations

from dataclasses import dataclass, field

HEADER = """Case Number:          {case_number}
Date Assigned:        11/09/2016                      Date of Injury:      10/13/2016
Decision Date:        12/09/2016                      UR Denial Date:      11/03/2016
Priority:             Standard                        Application          11/03/2016
                                                      Received:

                 HOW THE IMR FINAL DETERMINATION WAS MADE
MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no
affiliation with the employer, employee, providers or the claims administrator.

The Expert Reviewer has the following credentials:
State(s) of Licensure: California,Oregon
Certification(s)/Specialty: Physical Medicine & Rehabilitation

                                CLINICAL CASE SUMMARY
The expert reviewer developed the following clinical case summary based on a review of the
case file, including all medical records:

The injured worker is a 51 year old female who sustained an industrial injury on 10-13-16. She
reported low back pain radiating to the left leg.

                       IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
"""

CHRONIC_PAIN_NSAIDS = [
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,",
    "Section(s): NSAIDs (non-steroidal anti-inflammatory drugs).",
]
NO_EVIDENCE = [
    "Claims Administrator guideline: The Claims Administrator did not cite any medical evidence",
    "for its decision.",
]


@dataclass
class Item:
    heading: list[str]
    rationale: list[str] = field(
        default_factory=lambda: [
            "Decision rationale: The MTUS recommends NSAIDs at the lowest dose for the shortest period",
            "in patients with moderate to severe pain. Therefore, the request is not medically necessary.",
        ]
    )
    claims_administrator: list[str] = field(
        default_factory=lambda: [
            "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment",
            "2016, Section(s): NSAIDs (non-steroidal anti-inflammatory drugs).",
        ]
    )
    reviewer: list[str] = field(default_factory=lambda: list(CHRONIC_PAIN_NSAIDS))
    # How the heading is set apart from the rationale before it: "blank" (a blank line), "none" (no blank line),
    # or a 0-based index into ``heading`` where a page break (form feed) falls.
    before: str = "blank"
    page_break_at: int | None = None


def letter(items: list[Item], case_number: str = "CM16-0999001") -> str:
    lines = HEADER.format(case_number=case_number).rstrip("\n").split("\n")
    lines.append("")
    for number, item in enumerate(items):
        if number and item.before == "blank":
            lines.append("")
        heading = list(item.heading)
        if item.page_break_at is not None:
            heading[item.page_break_at] = "\f" + heading[item.page_break_at]
        lines += heading
        lines.append("")
        lines += item.claims_administrator
        lines.append("")
        lines += item.reviewer
        lines.append("")
        lines += item.rationale
    return "\n".join(lines) + "\n\f"
