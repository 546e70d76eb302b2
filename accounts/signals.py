"""Sessions follow the user: recorded at log-in, forgotten at log-out, all ended when the user is deactivated."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts import security
from accounts.models import UserSession


@receiver(user_logged_in)
def _remember_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = request.session[LAST_SEEN_KEY] = _now()
        request.session[security.HAS_SECOND_FACTOR_KEY] = security.has_second_factor(user)
        security.record_session(request, user)


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(post_save, sender=get_user_model())
def _end_sessions_of_inactive_user(sender, instance, created, **kwargs):
    """Deactivated anywhere (the admin, the roster, a script): every session of the user ends at once."""
    if not created and not instance.is_active:
        security.end_all_sessions(instance)


LOGIN_AT_KEY = "imr_login_at"
LAST_SEEN_KEY = "imr_last_seen"


def _now() -> int:
    import time

    return int(time.time())
