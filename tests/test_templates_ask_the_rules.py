"""A template never restates a rule: who may do what is asked of the rules (``{% test_rule %}``, or a list of
allowed actions a view built from them), never written as a role name, a role flag or a case state compared in an
``{% if %}``. The role names and the states are read from the code (``core.roles``, ``cases.lifecycle.Status``), so a
new role or state is covered the day it is added."""

import re
from pathlib import Path

from cases.lifecycle import Status
from core import roles
from core import rules as core_rules

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CONDITION = re.compile(r"{%-?\s*(?:el)?if\b(?P<condition>.*?)-?%}", re.DOTALL)
LITERAL = re.compile(r"""(?P<quote>["'])(?P<text>.*?)(?P=quote)""")
# The role flags the context processor used to hand every template (user_is_administrator and the like).
ROLE_FLAG = re.compile(r"\buser_is_\w+")
FORBIDDEN = dict.fromkeys(Status.values, "case state") | dict.fromkeys(roles.ALL_ROLES, "role name")


def rule_restatements(text: str) -> list[str]:
    """The places in a template's text that restate a rule: "line: what"."""
    found = []
    for tag in CONDITION.finditer(text):
        line = text.count("\n", 0, tag.start()) + 1
        for literal in LITERAL.finditer(tag["condition"]):
            if literal["text"] in FORBIDDEN:
                where = " ".join(tag.group(0).split())
                found.append(f"{line}: {FORBIDDEN[literal['text']]} {literal.group(0)} in {where}")
    for flag in ROLE_FLAG.finditer(text):
        found.append(f"{text.count(chr(10), 0, flag.start()) + 1}: role flag {flag.group(0)}")
    return found


def test_the_check_finds_a_state_a_role_name_and_a_role_flag_in_a_condition():
    text = (
        '{% if case.status == "in_review" %}x{% endif %}\n'
        "{% elif 'Clinical QA' in user_roles %}\n"
        "{% if user_is_administrator %}{% endif %}\n"
        '{% if item.ur_outcome == "modified" %}{% test_rule "cases.assign" user case as can_assign %}{% endif %}'
    )

    assert [finding.split(" in ")[0] for finding in rule_restatements(text)] == [
        '1: case state "in_review"',
        "2: role name 'Clinical QA'",
        "3: role flag user_is_administrator",
    ]


def test_no_template_compares_a_role_or_a_case_state_as_a_literal():
    offenders = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and (found := rule_restatements(path.read_text(encoding="utf-8")))
    }

    assert offenders == {}


def test_the_permission_vocabulary_names_every_rules_file_of_the_portal():
    root = TEMPLATES.parent
    rules_files = sorted(str(path.relative_to(root)) for path in root.glob("*/rules.py") if path.parent.name != "core")
    docstring = core_rules.__doc__ or ""

    assert [name for name in rules_files if f"``{name}``" not in docstring] == []
