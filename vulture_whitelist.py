"""Names vulture (``.ci/run``) reports as unused that are used, each with where from.

Django reaches much by name (settings strings, templates); pyproject's ``[tool.vulture]`` ignores its conventions
(admin options, form hooks, commands, decorators of routed views). What is left is listed here.
"""

from accounts.lockout import PortalLockoutHandler
from accounts.middleware import (
    IdleSessionMiddleware,
    SecondFactorMiddleware,
    SecurityHeadersMiddleware,
)
from accounts.views import locked_out
from api.auth import ApiKeyAuth
from api.middleware import ProblemDetailsMiddleware
from audit.admin_site import AccessLoggedAdminSite
from audit.middleware import RefusalLogMiddleware
from cases.ca_basis import SectionChoiceField
from cases.clock_models import CaseClock
from cases.consistency import decision_agrees_with_rationale
from cases.services.matching import score_candidate
from cases.services.records import _DaysBetween
from core.adminsite import PortalAdminSite
from core.compression import SameOriginGZipMiddleware
from core.context_processors import portal
from core.dates import DateField
from core.middleware import RefuseNulMiddleware
from guidelines.services import basis_from_citations, cite, cite_non_mtus
from imrportal.staticfiles import StaticFilesStorage
from letters.models import PrivateLetterStorage
from letters.rendering import published_differences
from letters.templatetags.letter_tags import redaction_check
from operations import sql as operations_sql
from operations.models import MonthlyOutcome, YearlyOutcome
from reviewers.admin import ReviewerProfileAdmin
from webhooks.sending import NoRedirect

portal  # settings.TEMPLATES context_processors, by dotted path
IdleSessionMiddleware  # settings.MIDDLEWARE
SecurityHeadersMiddleware  # settings.MIDDLEWARE
SecondFactorMiddleware  # settings.MIDDLEWARE
locked_out  # settings.AXES_LOCKOUT_CALLABLE
AccessLoggedAdminSite  # audit.admin_config.AdminConfig.default_site, by dotted path
RefusalLogMiddleware  # settings.MIDDLEWARE
PortalLockoutHandler  # settings.AXES_HANDLER
PortalLockoutHandler.get_failures  # called by django-axes's handler API
PortalLockoutHandler.reset_user_attempts  # called by django-axes after a successful log-in
PrivateLetterStorage  # settings.STORAGES["letters"], by dotted path
StaticFilesStorage  # settings.STORAGES["staticfiles"] in production, by dotted path
SameOriginGZipMiddleware  # settings.MIDDLEWARE
redaction_check  # {% redaction_check %} in templates/letters/partials/redaction_check_include.html
ReviewerProfileAdmin.save_formset  # Django admin hook
# Public API of their modules used by tests and tools, not by a view: each is the reference the tests check the
# running code against (the real letters' rationales, the ranked page's score against the bulk proposal's, the
# library's citation model, the round trip over the published letters).
decision_agrees_with_rationale
score_candidate
cite
cite_non_mtus
basis_from_citations
published_differences
CaseClock.age_since_application  # the two ages of the case page and the case list (templates)
CaseClock.age_since_records  # idem

RefuseNulMiddleware  # settings.MIDDLEWARE
PortalAdminSite  # core.adminsite.PortalAdminConfig.default_site, by dotted path
DateField.to_python  # Django's form field hook: what is typed, read (forms.Field.clean calls it)
SectionChoiceField.label_from_instance  # Django's ModelChoiceField hook: each option's label (cases.ca_basis)
NoRedirect.redirect_request  # urllib's redirect hook: returning None refuses to follow (webhooks.sending)
operations_sql.install  # called by the migration that installs the figures' triggers (migrations are not scanned)
ApiKeyAuth.authenticate  # django-ninja's HttpBearer hook: called with the bearer token of every API request
ProblemDetailsMiddleware  # settings.MIDDLEWARE, by dotted path
_DaysBetween.as_sqlite  # Django's per-vendor compiler hook (as_<vendor>): the days late on SQLite (make run)
MonthlyOutcome  # a table of kept figures written and read by SQL (operations/sql.py's deltas, the outcomes' query)
YearlyOutcome  # idem (operations/report.py reads it by raw SQL for whole years)
