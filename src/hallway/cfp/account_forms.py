"""allauth's account forms with visible labels only.

allauth puts the field's name in a placeholder as well as (tersely) in the label: "Login:"
over a box saying "Username or email".  A placeholder vanishes as soon as one types, is grey
on white, and is not read by every screen reader, so these forms drop it and say in the label
what to type.  ``ACCOUNT_FORMS`` in settings names them; the templates stay allauth's.
"""

from __future__ import annotations

from allauth.account import forms as allauth

PASSWORD = "Password"
NEW_PASSWORD = "New password"
AGAIN = "The same password again"


class _VisibleLabels:
    #: field name → label
    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


class LoginForm(_VisibleLabels, allauth.LoginForm):
    labels = {
        "login": "Email address (or username)",
        "password": PASSWORD,
        "remember": "Stay logged in",
    }


class SignupForm(_VisibleLabels, allauth.SignupForm):
    labels = {"email": "Email address", "password1": PASSWORD, "password2": AGAIN}


class AddEmailForm(_VisibleLabels, allauth.AddEmailForm):
    labels = {"email": "Another email address"}


class ChangePasswordForm(_VisibleLabels, allauth.ChangePasswordForm):
    labels = {"oldpassword": "Current password", "password1": NEW_PASSWORD, "password2": AGAIN}


class SetPasswordForm(_VisibleLabels, allauth.SetPasswordForm):
    labels = {"password1": PASSWORD, "password2": AGAIN}


class ResetPasswordForm(_VisibleLabels, allauth.ResetPasswordForm):
    labels = {"email": "The email address of your account"}


class ResetPasswordKeyForm(_VisibleLabels, allauth.ResetPasswordKeyForm):
    labels = {"password1": NEW_PASSWORD, "password2": AGAIN}


class ReauthenticateForm(_VisibleLabels, allauth.ReauthenticateForm):
    labels = {"password": PASSWORD}
