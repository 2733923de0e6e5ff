"""A service of the catalogue (PT.9 of the Piano nazionale): what it is, who may ask, documents, how to access,
costs and ISEE thresholds, contacts; its "Prenota" button preselects the office and the topic."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cse.cittadino.glossary import Argomento

SOGLIA_ISEE_MAX = Decimal("100000")
SPORTELLO_ALTRO_ENTE = "Lo sportello scelto appartiene a un altro ente: scegliere uno sportello di questo ente."


def sezione_ente_id(page: Page | None) -> int | None:
    """The ente of the section a page sits in (None outside a section, e.g. a page not yet placed)."""
    from .sezione import SezioneEntePage

    if page is None:
        return None
    sezione = SezioneEntePage.objects.ancestor_of(page, inclusive=True).first()
    return sezione.ente_id if sezione else None


def sportello_check(*, sportello, ente_id: int | None) -> None:
    """A service page books at a front office of its own section's ente only."""
    if sportello is not None and sportello.ente_id != ente_id:
        raise ValidationError({"sportello": SPORTELLO_ALTRO_ENTE})


class ServizioPageForm(WagtailAdminPageForm):
    """Offers only the front offices of the section's ente, and refuses another ente's even if posted by hand."""

    def __init__(self, *args, **kwargs) -> None:
        from cse.cittadino.agenda import Sportello

        super().__init__(*args, **kwargs)
        self._ente_id = sezione_ente_id(self.parent_page)
        if "sportello" in self.fields:
            self.fields["sportello"].queryset = Sportello.objects.filter(ente_id=self._ente_id)

    def clean(self):
        cleaned_data = super().clean()
        try:
            sportello_check(sportello=cleaned_data.get("sportello"), ente_id=self._ente_id)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned_data


class ServizioPage(Page):
    cosa_e = RichTextField("cos'è")
    destinatari = RichTextField("a chi si rivolge")
    documenti = RichTextField("documenti necessari", blank=True)
    come_accedere = RichTextField("come si accede")
    costi = RichTextField("costi", blank=True)
    soglia_isee = models.DecimalField(
        "soglia ISEE (euro)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), message="La soglia ISEE non può essere negativa."),
            MaxValueValidator(SOGLIA_ISEE_MAX, message="La soglia ISEE non può superare 100.000 euro."),
        ],
    )
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
    base_form_class = ServizioPageForm

    class Meta:
        verbose_name = "servizio"
        verbose_name_plural = "servizi"

    def clean(self) -> None:
        """Also for pages written outside the admin form (seeding, revisions): the parent is known once placed."""
        super().clean()
        if self.sportello_id and self.depth:
            sportello_check(sportello=self.sportello, ente_id=sezione_ente_id(self))

    def prenota_url(self) -> str:
        params = {"argomento": self.argomento, "servizio": self.pk}
        if self.sportello_id:
            params["sportello"] = self.sportello_id
        return f"{reverse('cittadino:prenota')}?{urlencode(params)}"
