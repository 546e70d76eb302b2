"""A Redis outage loses nothing: what was saved stays saved, and beat's sweeps finish the work once Redis is back.

The broker is pointed at a closed port on this machine (nothing listens there), the real "Redis is down" a request
meets; then the tasks run again as usual.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cases.lifecycle import Status
from cases.services import determinations
from core.models import OutboxEmail
from core.notifications import queue_email
from core.tasks import send_pending_outbox
from imrportal.celery import app
from letters.models import Letter
from letters.tasks import generate_missing_letters
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(settings):
    """Tasks really go to the broker, which refuses connections; restored afterwards."""
    dead = "redis://127.0.0.1:9/0"
    previous = app.conf.broker_url
    app.conf.broker_url = dead
    app.conf.task_always_eager = False
    # Connection pools are per broker URL: drop the app's cached ones so that the next send uses the dead URL.
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url = previous
    app.conf.task_always_eager = True
    app._pool = None
    app.amqp._producer_pool = None


def _submitted_case(reviewer):
    case = case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    (item,) = case.items.all()
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="A 45 year old worker with low back pain.",
        decisions={
            item.pk: {
                "decision": "upheld",
                "basis": {"mtus": [{"chapter": "Low Back Complaints 2004", "sections": ["Physical Methods"]}]},
                "basis_none": False,
                "rationale": "No functional improvement is documented. The request is not medically necessary.",
            }
        },
    )
    determinations.submit_determination(draft, by=reviewer)
    return case, draft


def test_an_approval_during_a_redis_outage_stands_and_the_sweep_makes_the_letter_later(reviewer, qa_user, broker_down):
    case, draft = _submitted_case(reviewer)

    determinations.approve_determination(draft, by=qa_user)  # its letter task cannot be queued

    case.refresh_from_db()
    assert case.status == Status.DETERMINED
    assert Letter.objects.filter(case=case).count() == 0

    # Redis is back; beat's sweep finds the determined case without a letter (once it is older than the grace period).
    app.conf.task_always_eager = True
    assert generate_missing_letters(stale_after_minutes=0) == 1
    case.refresh_from_db()
    assert case.status == Status.LETTER_SIGNED
    assert sorted(Letter.objects.filter(case=case).values_list("rendition", "state")) == [
        ("parties", "signed"),
        ("public", "signed"),
    ]
    assert generate_missing_letters(stale_after_minutes=0) == 0


def test_mail_queued_during_a_redis_outage_stays_queued_and_the_sweep_sends_it(broker_down):
    email = queue_email("case_offered", ["reviewer@example.org"], {"case_number": "CM26-0000001"})
    email.refresh_from_db()
    assert (email.status, len(mail.outbox)) == (OutboxEmail.Status.QUEUED, 0)

    app.conf.task_always_eager = True
    assert send_pending_outbox() == {"requeued": 0, "queued": 1}
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_recent_approval_is_left_to_its_own_task(reviewer, qa_user):
    case, draft = _submitted_case(reviewer)
    determinations.approve_determination(draft, by=qa_user)
    Letter.objects.filter(case=case).delete()  # as if its task had not run yet
    case.refresh_from_db()
    case.status = Status.DETERMINED
    case.save(update_fields=["status"])
    assert generate_missing_letters(stale_after_minutes=10) == 0
    assert timezone.now() - case.determinations.get(state="approved").qa_at < datetime.timedelta(minutes=10)
