"""Forms of the case web layer shared by comune and ambito (input parsing only; the rules live in the services)."""

from __future__ import annotations

from django import forms

from cse.core.forms_util import StyledFormMixin


class MotivoForm(StyledFormMixin, forms.Form):
    """The reason of a case transfer step: the comune's request, the ambito's hand-back."""

    motivo = forms.CharField(label="Motivazione", widget=forms.Textarea(attrs={"rows": 3}))
