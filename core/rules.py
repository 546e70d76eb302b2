"""The role predicates: each role rule of the portal is written once, here, and every permission is built from them.

A role is a Django group (``core.roles``). The permissions themselves live beside the area they guard, in each app's
``rules.py`` (``accounts/rules.py``, ``api/rules.py``, ``audit/rules.py``, ``billing/rules.py``, ``cases/rules.py``,
``guidelines/rules.py``, ``letters/rules.py``, ``mailroom/rules.py``, ``operations/rules.py``, ``parties/rules.py``,
``precedents/rules.py``, ``reviewers/rules.py``, ``webhooks/rules.py``). Views enforce them
only through ``core.permissions.permission_required`` (or ``cases.permissions.case_view``, which loads the case
through the visibility rule first); templates ask them with
``{% load rules %}{% test_rule "app.rule" user obj as flag %}``, never with a role or a state
of their own (``tests/test_templates_ask_the_rules.py``).
"""

import rules

from core import roles

is_administrator = rules.predicate(roles.is_administrator, name="is_administrator")
is_reviewer = rules.predicate(roles.is_reviewer, name="is_reviewer")
is_qa = rules.predicate(roles.is_qa, name="is_qa")
is_correspondence_staff = rules.predicate(roles.is_staff_member, name="is_correspondence_staff")

# Reviewers never see other reviewers' names; administrators and clinical QA do (timelines, versions).
rules.add_rule("core.see_reviewer_names", is_administrator | is_qa)
