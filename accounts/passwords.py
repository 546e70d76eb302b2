"""The password change, counted toward the log-in lock-out: a wrong old password is a failed log-in of that user
name from that address, and past the limit the session ends with the lock-out page (issue 20: it was an oracle).

The portal's page (``/accounts/password_change/``) and the admin's (``/admin/password_change/``, routed here in
``imrportal/urls.py``) are this one view: no other form of the portal checks a password."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from accounts.lockout import LockedOut, check_password_counted
from accounts.views import locked_out


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, whose old password is checked by ``check_password_counted``."""

    required_css_class = "required"  # as the admin's form, whose template this page uses

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not check_password_counted(self.request, self.user, old_password):
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class CountedPasswordChangeView(auth_views.PasswordChangeView):
    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.user.get_username()
        try:
            return super().post(request, *args, **kwargs)
        except LockedOut:
            return locked_out(request, credentials={"username": username})
