"""The treatment categories of disputed items, after the DWC's IMR reporting categories (DOMAIN.md has no list of
its own; unconfirmed). Kept here, in the shared core, because both the cases (each item's category) and the roster
(which specialty fits which category) use them, and the roster may not import cases."""

from django.db import models


class Category(models.TextChoices):
    PHARMACEUTICALS = "Pharmaceuticals", "Pharmaceuticals"
    DIAGNOSTIC = "Diagnostic Testing", "Diagnostic testing (imaging, labs, studies)"
    DME = "Durable Medical Equipment", "Durable medical equipment"
    EVALUATION = "Evaluation and Management", "Evaluation and management (consults, visits)"
    INJECTIONS = "Injections", "Injections"
    SURGERY = "Surgery", "Surgery"
    THERAPIES = "Therapies", "Therapies (physical, occupational, chiropractic, acupuncture)"
    PROGRAMS = "Programs", "Programs (functional restoration, weight loss, pain programs)"
    PSYCHOLOGICAL = "Psychological Services", "Psychological services"
    HOME_HEALTH = "Home Health Services", "Home health services"
    TRANSPORTATION = "Transportation", "Transportation"
    OTHER = "Other", "Other"
