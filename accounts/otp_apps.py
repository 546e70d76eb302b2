"""django-otp's device apps under names people read: the admin listed them by their labels, "OTP_TOTP" and
"OTP_STATIC". Their own module, because ``accounts/apps.py`` must keep exactly one AppConfig for Django to pick."""

from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDefaultConfig


class AuthenticatorAppsConfig(TotpDefaultConfig):
    verbose_name = "Second factor: authenticator apps"


class RecoveryCodesConfig(StaticDefaultConfig):
    verbose_name = "Second factor: recovery codes"
