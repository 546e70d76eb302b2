from django.conf import settings


def security(request):
    return {"otp_enforced": settings.IMR_OTP_ENFORCED}
