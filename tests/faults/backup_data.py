"""Data for the backup test, made in a portal process (``manage.py shell -c``) against the database to back up."""

from __future__ import annotations


def make(cases_with_documents: int = 3, cases_with_letters: int = 2) -> None:
    from core import roles
    from letters import services
    from tests import factories

    reviewer = factories.UserFactory(username="backup-reviewer")
    qa = factories.UserFactory(username="backup-qa")
    from django.contrib.auth.models import Group

    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    qa.groups.add(Group.objects.get_or_create(name=roles.QA)[0])
    for _ in range(cases_with_documents):
        factories.case_in_review(reviewer, items=2, documents=2)
    for _ in range(cases_with_letters):
        case = factories.determined_case(qa=qa)
        services.generate_letters(case)
        services.issue_correction(case, by=qa, reason="The claim number was misprinted.", renditions=("parties",))
