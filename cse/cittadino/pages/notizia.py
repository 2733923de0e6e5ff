"""News of a comune or ambito."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class NotiziaPage(Page):
    data = models.DateField(default=timezone.localdate)
    sommario = models.CharField(max_length=300)
    testo = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("data"), FieldPanel("sommario"), FieldPanel("testo")]
    parent_page_types = ["cittadino.SezioneEntePage"]
    subpage_types: list[str] = []
    template = "cittadino/pages/notizia.html"

    class Meta:
        verbose_name = "notizia"
        verbose_name_plural = "notizie"
