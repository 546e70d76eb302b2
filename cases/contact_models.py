"""How to reach the people a case names: the worker's mailing address and contacts, the adjuster's (``Case``
inherits them). Service and the notices read them; ``core.addresses`` checks them."""

from django.db import models

from core.addresses import postal_lines, validate_state, validate_zip


class CaseContacts(models.Model):
    # The worker's own mailing address (street lines; city, state, ZIP apart) and how else to reach them.
    employee_address = models.TextField("worker's street address", blank=True)
    employee_city = models.CharField("worker's city", max_length=100, blank=True)
    employee_state = models.CharField("worker's state", max_length=2, blank=True, validators=[validate_state])
    employee_zip = models.CharField("worker's ZIP code", max_length=10, blank=True, validators=[validate_zip])
    employee_email = models.EmailField("worker's e-mail", blank=True)
    employee_fax = models.CharField("worker's fax", max_length=40, blank=True)
    employee_phone = models.CharField("worker's phone", max_length=40, blank=True)

    # The adjuster's own e-mail and fax: service on the claims administrator goes there first when given.
    adjuster_email = models.EmailField("adjuster's e-mail", blank=True)
    adjuster_fax = models.CharField("adjuster's fax", max_length=40, blank=True)
    adjuster_phone = models.CharField("adjuster's phone", max_length=40, blank=True)

    class Meta:
        abstract = True

    @property
    def employee_postal_address(self) -> str:
        """The worker's mailing address as a letter prints it, empty when no street address is on file."""
        return postal_lines(self.employee_address, self.employee_city, self.employee_state, self.employee_zip)
