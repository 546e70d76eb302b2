from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from core.dates import FutureDateField
from core.text import PrintableTextFormMixin
from guidelines.models import GuidelineSection, GuidelineSource, QuantityLimit


class _CrispyForm:
    submit_label = "Save"

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.add_input(Submit("submit", self.submit_label))
        return helper


class SourceForm(PrintableTextFormMixin, _CrispyForm, forms.ModelForm):
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = GuidelineSource
        fields = [
            "key",
            "family",
            "chapter",
            "year",
            "title",
            "evidence_rank",
            "effective_from",
            "effective_to",
            "url",
            "active",
        ]
        field_classes = {"effective_from": FutureDateField, "effective_to": FutureDateField}
        help_texts = {"effective_from": "MM/DD/YYYY", "effective_to": "MM/DD/YYYY; blank while in force."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()
        if self.instance.pk:
            # Imports find a source by its key: it does not change once made.
            self.fields["key"].disabled = True


class SectionForm(PrintableTextFormMixin, _CrispyForm, forms.ModelForm):
    note = forms.CharField(
        label="What changed and why", max_length=300, required=False, help_text="Kept in the section's history."
    )
    submit_label = "Save as a new version"

    class Meta:
        model = GuidelineSection
        fields = [*GuidelineSection.VERSIONED_FIELDS, "times_cited"]
        widgets = {"recommendation": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, source: GuidelineSource, **kwargs):
        super().__init__(*args, **kwargs)
        # The unique (source, name) check needs the source before validation.
        self.instance.source = source
        self.helper = self._helper()

    def section_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class QuantityLimitForm(PrintableTextFormMixin, _CrispyForm, forms.ModelForm):
    class Meta:
        model = QuantityLimit
        fields = ["source", "section", *QuantityLimit.DATA_FIELDS]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = GuidelineSection.objects.select_related("source")
        self.helper = self._helper()

    def clean(self):
        cleaned = super().clean()
        section, source = cleaned.get("section"), cleaned.get("source")
        if section and source and section.source_id != source.pk:
            self.add_error("section", f"This section belongs to {section.source.label}, not to {source.label}.")
        return cleaned


class LibraryImportForm(forms.Form):
    file = forms.FileField(label="Library file (JSON, format imr-guidelines/1)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMR_LIBRARY_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name} is {upload.size / 1_048_576:.1f} MB; a library file may be {limit / 1_048_576:.0f} MB."
            )
        return upload

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Import"))
