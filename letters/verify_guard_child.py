"""What the verification child runs (imported once by the fork server, with Django set up for the settings)."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
django.setup()

from letters import services, signing  # noqa: E402  (after django.setup())


def check(data: bytes, roots_der: list[bytes]):
    return signing.verify_pdf(data, roots_der), services.claimed_code(data)
