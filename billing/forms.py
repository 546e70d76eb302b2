from decimal import Decimal

from django import forms
from django.utils import timezone

from billing.models import Payment
from core.dates import DateField, Month
from core.text import PrintableTextFormMixin


class MonthForm(forms.Form):
    month = forms.CharField(label="Month (YYYY-MM)", max_length=7)

    def clean_month(self) -> Month:
        try:
            month = Month.parse(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if month.first > timezone.localdate():
            raise forms.ValidationError(f"{month.label} has not begun.")
        return month


class PaymentForm(PrintableTextFormMixin, forms.Form):
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    received_on = DateField()
    method = forms.ChoiceField(choices=Payment.Method.choices)
    reference = forms.CharField(max_length=100, required=False)
