"""Who manages an organization's API keys (its managers past the second factor, as on every party page:
``parties.rules.manages_organization``) and who reads the API's interactive documentation (the review organization's
staff, every role)."""

import rules

from core.rules import is_administrator, is_correspondence_staff, is_qa, is_reviewer
from parties.rules import manages_organization

rules.add_rule("api.manage_keys", manages_organization)
rules.add_rule("api.read_docs", is_administrator | is_reviewer | is_qa | is_correspondence_staff)
