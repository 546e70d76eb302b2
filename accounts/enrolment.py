"""Setting up the second factor is confirmed by a link mailed to the account's own address (issue 20, finding 9).

With the password alone, whoever held it first could bind their own authenticator to an administrator's account.
Here the Security page offers "Send me a set-up link": the link goes through the outbox to the e-mail address of the
account, works once, for that account only (opened in a session signed in as it), for ``IMR_OTP_ENROLMENT_MINUTES``.
Opening it marks the session; only a marked session is shown a new secret (``accounts.views.totp_setup``).

Why e-mail: the mailbox is already the account's recovery channel (the password reset goes there), so it adds a
second thing to hold without adding a new way in; and it needs no second administrator, which the first one of a
new installation does not have. See docs/deploy.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import security, tokens
from accounts.models import SecondFactorEnrolment
from core.models import EmailTemplate
from core.notifications import queue_email

CONFIRMED_KEY = "imr_enrolment_confirmed"
LINKS_PER_HOUR = 3
TEMPLATE_KEY = "second_factor_enrolment"
TEMPLATE = {
    "description": "To a user: the link that confirms setting up their authenticator app (second factor).",
    "subject": "Set up your authenticator app for {{ organization_name }}",
    "body": (
        "Hello {{ name }},\n\n"
        "Someone signed in to your account asked to set up an authenticator app as its second factor. If it was you, "
        "open this link in the browser where you are signed in; it works once, within {{ minutes }} minutes:\n\n"
        "{{ link }}\n\n"
        "If it was not you, someone else knows your password: change it now and tell an administrator.\n\n"
        "{{ organization_name }}\n"
    ),
}


def send_enrolment_link(user) -> SecondFactorEnrolment:
    """Store a new set-up link for ``user`` and queue the e-mail that carries it (after commit, by the outbox)."""
    minutes = settings.IMR_OTP_ENROLMENT_MINUTES
    new = tokens.new_token(timedelta(minutes=minutes))
    enrolment = SecondFactorEnrolment.objects.create(user=user, token_hash=new.token_hash, expires_at=new.expires_at)
    EmailTemplate.objects.get_or_create(key=TEMPLATE_KEY, defaults=TEMPLATE)  # editable in the admin like the rest
    link = settings.IMR_PUBLIC_BASE_URL.rstrip("/") + reverse("accounts:enrolment_link", args=[new.token])
    context = {
        "name": user.get_full_name() or user.get_username(),
        "link": link,
        "minutes": minutes,
        "organization_name": settings.IMR_ORGANIZATION_NAME,
    }
    queue_email(TEMPLATE_KEY, [user.email], context, related=enrolment)
    return enrolment


def redeem(user, token: str) -> bool:
    """Use the link ``token`` of ``user``: True once, while it has not expired; False for anything else."""
    return tokens.redeem(SecondFactorEnrolment.objects.filter(user=user), token)


def is_confirmed(request: HttpRequest) -> bool:
    """Did this session open a valid set-up link of its user?"""
    return request.session.get(CONFIRMED_KEY) == request.user.pk


def confirm_session(request: HttpRequest) -> None:
    """Mark this session as allowed to set up its user's authenticator: it just proved it reads the account's mailbox
    (a set-up link here; an invitation link of the parties' portal, ``parties.invitations``)."""
    request.session[CONFIRMED_KEY] = request.user.pk


def forget_confirmation(request: HttpRequest) -> None:
    request.session.pop(CONFIRMED_KEY, None)


@require_POST
def enrolment_request(request: HttpRequest) -> HttpResponse:
    """The "Send me a set-up link" button of the Security page."""
    user = request.user
    if security.has_second_factor(user):
        return redirect("accounts:security")
    if not user.email:
        messages.error(
            request,
            "Your account has no e-mail address, so no set-up link can be sent. Ask an administrator to add yours.",
        )
    elif not security.rate_limit("otp-enrolment", str(user.pk), limit=LINKS_PER_HOUR, window=3600):
        messages.error(request, f"At most {LINKS_PER_HOUR} set-up links an hour: use the last one sent.")
    else:
        send_enrolment_link(user)
        messages.success(
            request,
            "We sent a set-up link to your e-mail address. Open it in this browser, where you are signed in, within "
            f"{settings.IMR_OTP_ENROLMENT_MINUTES} minutes.",
        )
    return redirect("accounts:security")


@never_cache
def enrolment_link(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: marks this session as allowed to set up the authenticator, then goes to the set-up page."""
    if security.has_second_factor(request.user):
        return redirect("accounts:security")
    if not redeem(request.user, token):
        return render(request, "accounts/enrolment_invalid.html", status=400)
    confirm_session(request)
    return redirect("accounts:totp_setup")
