from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

CONFIRM_FIELD = "conferma"


def confirmed(request) -> bool:
    """An irreversible POST behind core/_confirm_post.html carries the confirmation; anything else is refused."""
    return request.POST.get(CONFIRM_FIELD) == "1"


class ConfirmationMixin:
    """Irreversible actions ask once more. The first submit comes back, on the same bound form with everything the
    operator typed, with what will happen (`confirmation_needed`, drawn by core/_form.html beside a «Conferma»
    button); only a submit that carries the confirmation reaches the action. Server-side, so no script, no double
    click and no replayed post skips it."""

    confirmation_needed: str = ""

    def confirmation(self, data: dict) -> str:
        """What will happen, in Italian, when the action needs a confirmation for `data`; empty when it does not."""
        raise NotImplementedError

    def clean(self) -> dict:
        data = super().clean()
        text = "" if self.errors else self.confirmation(data)
        if text and self.data.get(self.add_prefix(CONFIRM_FIELD)) != "1":
            self.confirmation_needed = text
            raise forms.ValidationError("Confermare l'operazione per procedere.", code="conferma")
        return data


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors where the field exists, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def show_refusal(request, exc: ValidationError) -> None:
    """A service's refusal on a page without a form to hold it (an action button): each message as an error."""
    for message in exc.messages:
        messages.error(request, message)


def run_named_action(request, obj, actions: dict, back: str) -> HttpResponse:
    """A page's buttons posting `azione`: run the named one on `obj` (it returns its success message), show its
    refusal otherwise, and go back to the page `back` of `obj`."""
    action = actions.get(request.POST.get("azione", ""))
    if action is None:
        messages.error(request, "Operazione non riconosciuta.")
    else:
        try:
            messages.success(request, action(request, obj))
        except ValidationError as exc:
            show_refusal(request, exc)
    return redirect(back, pk=obj.pk)


class StyledFormMixin:
    """Bootstrap Italia classes and accessible error wiring on every widget, so templates just render {{ field }}."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # also CheckboxSelectMultiple
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self.add_prefix(name)}-err"


class VersionedFormMixin(StyledFormMixin):
    """Carries the case version the operator saw, so a concurrent edit is detected (records.lock_for_change)."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=version)
