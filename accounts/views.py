"""Log-in with lock-out, the second factor (TOTP and recovery codes), the Security page, unlocking."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, lockout, security
from accounts.forms import ConfirmTotpForm, TokenForm
from core.permissions import permission_required
from core.text import refused_character

RECOVERY_CODE_COUNT = 10


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


# -- log-in and lock-out ------------------------------------------------------------------------------------------


class PortalLoginView(auth_views.LoginView):
    """Django's log-in (which rotates the session) with the lock-out of django-axes; then the second factor.

    Unknown user names and wrong passwords get the same answer, and lock out the same way."""

    template_name = "registration/login.html"
    form_class = AuthenticationForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if security.second_factor_required(self.request.user):
            target = reverse("accounts:second_factor") + "?" + urlencode({"next": self.get_success_url()})
            return redirect(target)
        return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes calls this once a user name or an address has failed too often (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes, "next": request.POST.get("next", "")},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """The password-reset form sends at most ``IMR_PASSWORD_RESET_PER_HOUR`` mails an hour per address asking and per
    e-mail address asked for; the answer never says whether an account has that address."""

    def form_valid(self, form):
        limit = settings.IMR_PASSWORD_RESET_PER_HOUR
        email = form.cleaned_data["email"].strip().lower()
        by_address = security.rate_limit("pwreset-ip", security.client_ip(self.request), limit=limit, window=3600)
        by_email = security.rate_limit("pwreset-email", email, limit=limit, window=3600)
        if not (by_address and by_email):
            form.add_error(
                None,
                "Too many password-reset requests from this address or for this e-mail address. No mail was sent; "
                "try again in an hour, or ask an administrator.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


# -- the second factor --------------------------------------------------------------------------------------------


def _wait_message(device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    return "Too many wrong codes: wait a few seconds before the next try (each wrong code doubles the wait)."


def _check_code(user, token: str):
    """The device that accepts ``token``: a 6-digit code is tried on the authenticator, anything else on the
    recovery codes (so a wrong guess of one kind does not slow down the other)."""
    with transaction.atomic():
        if token.isdigit() and len(token) == 6:
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        devices = list(devices)
        # Throttled before this try (a wrong code came less than 1, 2, 4... seconds ago): say so, not "wrong".
        wait = next((message for device in devices if (message := _wait_message(device))), "")
        for device in devices:
            if device.verify_token(token):
                return device, ""
    return None, wait


@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    user = request.user
    if not security.has_second_factor(user):  # an administrator reset it: set up a new one if the role needs it
        security.remember_second_factor(request, False)
        return redirect("accounts:security")
    if user.is_verified():
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, wait = _check_code(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            security.rotate_session(request)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones on the Security page if you are running "
                    "out.",
                )
            return redirect(_safe_next(request))
        form.add_error("token", wait or "That code is not right (or was used already). Try the current code.")
    return render(request, "accounts/second_factor.html", {"form": form, "next": _safe_next(request)})


def _required_for(user) -> bool:
    return security.role_requires_second_factor(user)


@never_cache
def security_page(request: HttpRequest) -> HttpResponse:
    """The user's second factor, recovery codes and sessions; for administrators, the locked log-ins too."""
    user = request.user
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/security.html",
        {
            "totp": totp,
            "recovery_left": static.token_set.count() if static else 0,
            "required_for_role": _required_for(user),
            "enforced": settings.IMR_OTP_ENFORCED,
            "production": settings.PRODUCTION,
            "session_count": user.signed_in_sessions.count(),
            "idle_minutes": settings.IMR_SESSION_IDLE_SECONDS // 60,
        },
    )


@never_cache
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator, once the session opened a mailed set-up link (``accounts.enrolment``): a new secret
    (QR code and text), confirmed by one code from the app."""
    user = request.user
    if security.has_second_factor(user):
        messages.info(request, "Your authenticator is set up already. Remove it first to set up another.")
        return redirect("accounts:security")
    if not enrolment.is_confirmed(request):  # the password alone sets up nothing
        messages.warning(request, "Open the set-up link we e-mail you first: ask for it below.")
        return redirect("accounts:security")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or (request.method == "GET" and "new" in request.GET):
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = ConfirmTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
            security.remember_second_factor(request, True)
            enrolment.forget_confirmation(request)
            otp_login(request, device)
            security.rotate_session(request)
            # Sessions opened with the password alone do not stay open past the new factor.
            security.end_all_sessions(user, except_key=request.session.session_key)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
        form.add_error("token", "That code does not match. Check the time on your phone and type the code shown now.")
    return render(
        request,
        "accounts/totp_setup.html",
        {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": _base32_secret(device)},
    )


def _qr_svg(data: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")


def _base32_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@require_POST
@never_cache
@permission_required("accounts.manage_second_factor")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    codes = _new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})


@require_POST
@permission_required("accounts.manage_second_factor")
def totp_remove(request: HttpRequest) -> HttpResponse:
    """Remove the second factor, confirmed with a current code. Not for a role that requires it while enforced."""
    user = request.user
    if settings.IMR_OTP_ENFORCED and _required_for(user):
        messages.error(
            request,
            "Your role requires a second factor: it cannot be removed. If you lost your phone, an administrator "
            "resets it (Admin > TOTP devices) and you set up a new one.",
        )
        return redirect("accounts:security")
    form = ConfirmTotpForm(request.POST)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if not form.is_valid() or device is None or not device.verify_token(form.cleaned_data["token"]):
        messages.error(request, "The second factor was not removed: type the current code from your app.")
        return redirect("accounts:security")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security.remember_second_factor(request, False)
    messages.success(request, "The second factor is removed; log-in asks for your password only.")
    return redirect("accounts:security")


@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    ended = security.end_all_sessions(request.user, except_key=request.session.session_key)
    messages.success(request, f"{ended} other session{'s' if ended != 1 else ''} logged out.")
    return redirect("accounts:security")


# -- administrators: locked log-ins -------------------------------------------------------------------------------


def _locked(field: str, limit: int) -> list[dict]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(**{field: None})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by("-last")
    )
    return [
        {"value": row[field], "failures": row["failures"], "until": row["last"] + settings.AXES_COOLOFF_TIME}
        for row in rows
    ]


def _lockouts_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    return render(
        request,
        "accounts/lockouts.html",
        {
            "usernames": _locked("username", settings.AXES_FAILURE_LIMIT),
            "addresses": _locked("ip_address", lockout.address_failure_limit()),
            "limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": lockout.address_failure_limit(),
        },
        status=status,
    )


@never_cache
@permission_required("accounts.unlock_logins")
def lockouts(request: HttpRequest) -> HttpResponse:
    """User names and addresses locked out now, each with an Unlock button."""
    return _lockouts_page(request)


@require_POST
@permission_required("accounts.unlock_logins")
def unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")[:150]
    address = request.POST.get("ip_address", "")[:45]
    found = refused_character(username + address)
    if found:  # PostgreSQL refuses a NUL in a query: say so rather than fail
        messages.error(request, f"The value holds {found[1]}: no user name or address has one. Nothing was unlocked.")
        return _lockouts_page(request, status=400)
    if username:
        count = reset(username=username)
        messages.success(request, f"User name {username} unlocked ({count} record{'s' if count != 1 else ''}).")
    elif address:
        count = reset(ip=address)
        messages.success(request, f"Address {address} unlocked ({count} record{'s' if count != 1 else ''}).")
    else:
        messages.error(request, "Say which user name or address to unlock.")
    return redirect("accounts:lockouts")
