"""News of a comune or ambito."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

NOTIZIA_DAL = date(2000, 1, 1)
NOTIZIA_ANTICIPO = timedelta(days=366)


def data_notizia_check(value: date) -> None:
    """A news date is plausible: not before 2000, at most a year ahead (announcements of next year's services)."""
    if value < NOTIZIA_DAL or value > timezone.localdate() + NOTIZIA_ANTICIPO:
        raise ValidationError("La data della notizia deve essere dal 2000 a non oltre un anno da oggi.")


class NotiziaPage(Page):
    data = models.DateField(default=timezone.localdate, validators=[data_notizia_check])
    sommario = models.CharField(max_length=300)
    testo = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("data"), FieldPanel("sommario"), FieldPanel("testo")]
    parent_page_types = ["cittadino.SezioneEntePage"]
    subpage_types: list[str] = []
    template = "cittadino/pages/notizia.html"

    class Meta:
        verbose_name = "notizia"
        verbose_name_plural = "notizie"
