"""The region's home page of the citizen portal: the root of the Wagtail site."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class RegioneHomePage(Page):
    introduzione = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduzione")]
    subpage_types = ["cittadino.SezioneEntePage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "cittadino/pages/home.html"

    class Meta:
        verbose_name = "home della regione"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sezioni"] = self.get_children().live().specific()
        return context
