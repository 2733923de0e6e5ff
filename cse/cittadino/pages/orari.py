"""Opening hours of the ente's front offices: drawn from the agenda rules, so the page never disagrees with the
bookable slots; editors add free text (e.g. phone hours)."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class OrariPage(Page):
    note = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("note")]
    parent_page_types = ["cittadino.SezioneEntePage"]
    subpage_types: list[str] = []
    template = "cittadino/pages/orari.html"

    class Meta:
        verbose_name = "orari di apertura"
        verbose_name_plural = "orari di apertura"

    def get_context(self, request, *args, **kwargs):
        from cse.cittadino.agenda import Sportello

        context = super().get_context(request, *args, **kwargs)
        sezione = self.get_parent().specific
        context["sportelli"] = Sportello.objects.filter(ente_id=sezione.ente_id, attivo=True).prefetch_related(
            "regole", "chiusure"
        )
        return context
