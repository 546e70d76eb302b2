"""Who may read the organization's figures (the permission vocabulary: ``core/rules.py``)."""

import rules

from cases.rules import RECORDS_ONLY_READERS
from core.rules import is_administrator, is_qa, is_reviewer
from operations.quality_models import SecondReview

# The dashboard, the outcomes and the state's report: administrators and the medical director (clinical QA).
rules.add_rule("operations.view_figures", is_administrator | is_qa)
# The quality program's sampling rate and draw: the medical director (clinical QA) and administrators.
rules.add_rule("operations.manage_quality", is_administrator | is_qa)
# A reviewer's own blinded second reviews (each page checks the review is theirs, 404 otherwise).
rules.add_rule("operations.second_review", is_reviewer)


def is_second_reviewer(user, case) -> bool:
    """The second reviewer of a quality sample reads the case's records (never its determination nor its letters)."""
    return SecondReview.objects.filter(case=case, second_reviewer_id=user.pk).exists()


RECORDS_ONLY_READERS.append(is_second_reviewer)
