"""A comune's or ambito's section: its catalogue of services, news and opening hours, edited by that ente only
(the ente's editors group gets Wagtail page permissions on this page and its descendants; see cittadino/cms.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Collection, Page

from cse.core.models import Ente


class SezioneEntePage(Page):
    ente = models.OneToOneField(Ente, on_delete=models.PROTECT, related_name="sezione_portale")
    introduzione = RichTextField(blank=True)
    mostra_prestazioni = models.BooleanField(
        "mostrare ai cittadini l'elenco delle prestazioni che ricevono",
        default=False,
        help_text="nell'area personale; mai le note dei professionisti",
    )
    collezione = models.ForeignKey(
        Collection, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    content_panels = [*Page.content_panels, FieldPanel("introduzione")]
    # The ente is fixed when the section is created (cittadino/cms.py): an editor who could change it would move
    # the section, and what it shows, to another ente.
    settings_panels = [*Page.settings_panels, FieldPanel("ente", read_only=True), FieldPanel("mostra_prestazioni")]
    parent_page_types = ["cittadino.RegioneHomePage"]
    subpage_types = ["cittadino.ServizioPage", "cittadino.NotiziaPage", "cittadino.OrariPage"]
    template = "cittadino/pages/sezione.html"

    class Meta:
        verbose_name = "sezione di un comune o ambito"

    def save(self, *args, **kwargs):
        """The media collection is set once by cittadino/cms.py; a revision written before it (or a stale copy of
        the page) must not unlink it when published."""
        if self.pk and self.collezione_id is None:
            self.collezione_id = type(self).objects.filter(pk=self.pk).values_list("collezione_id", flat=True).first()
        return super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.pk and type(self).objects.filter(pk=self.pk).exclude(ente_id=self.ente_id).exists():
            raise ValidationError({"ente": "L'ente di una sezione del portale non si può cambiare."})

    def get_context(self, request, *args, **kwargs):
        from .notizia import NotiziaPage
        from .servizio import ServizioPage

        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live()
        context["servizi"] = ServizioPage.objects.child_of(self).live().order_by("title")
        context["notizie"] = NotiziaPage.objects.child_of(self).live().order_by("-data")[:5]
        context["altre"] = children.not_type((ServizioPage, NotiziaPage)).specific()
        return context
