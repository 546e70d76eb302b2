from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split()).lower()
        if not token.isalnum():
            raise forms.ValidationError("Type the code with its letters and digits only.")
        return token


class ConfirmTotpForm(forms.Form):
    token = forms.CharField(
        label="Code from your app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Type the 6 digits your authenticator app shows now.")
        return token
