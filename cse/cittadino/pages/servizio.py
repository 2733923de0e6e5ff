"""A service of the catalogue (PT.9 of the Piano nazionale): what it is, who may ask, documents, how to access,
costs and ISEE thresholds, contacts; its "Prenota" button preselects the office and the topic."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cse.cittadino.glossary import Argomento


class ServizioPage(Page):
    cosa_e = RichTextField("cos'è")
    destinatari = RichTextField("a chi si rivolge")
    documenti = RichTextField("documenti necessari", blank=True)
    come_accedere = RichTextField("come si accede")
    costi = RichTextField("costi", blank=True)
    soglia_isee = models.DecimalField("soglia ISEE (euro)", max_digits=10, decimal_places=2, null=True, blank=True)
    contatti = RichTextField(blank=True)
    sportello = models.ForeignKey(
        "cittadino.Sportello", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    argomento = models.CharField(max_length=30, choices=Argomento.choices, default=Argomento.INFORMAZIONI)

    content_panels = [
        *Page.content_panels,
        FieldPanel("cosa_e"),
        FieldPanel("destinatari"),
        FieldPanel("documenti"),
        FieldPanel("come_accedere"),
        FieldPanel("costi"),
        FieldPanel("soglia_isee"),
        FieldPanel("contatti"),
        FieldPanel("sportello"),
        FieldPanel("argomento"),
    ]
    parent_page_types = ["cittadino.SezioneEntePage"]
    subpage_types: list[str] = []
    template = "cittadino/pages/servizio.html"

    class Meta:
        verbose_name = "servizio"
        verbose_name_plural = "servizi"

    def prenota_url(self) -> str:
        params = {"argomento": self.argomento, "servizio": self.pk}
        if self.sportello_id:
            params["sportello"] = self.sportello_id
        return f"{reverse('cittadino:prenota')}?{urlencode(params)}"
