"""The bandi objects of the isolation matrix: per ente A1, B1 and AMB_A a published bando with a submitted domanda and
its attachment, plus a draft bando the portal must not show. Built once per territory, through the actions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Allegato, Bando, Domanda, Provvedimento
from tests.support.bandi import citizen, draft, make_bando

MANAGER = {"A1": "responsabile", "B1": "responsabile", "AMB_A": "ufficio_di_piano"}
CODICE = "MATRICE"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ensure(territory) -> None:
    if Bando.objects.filter(codice=CODICE).exists():
        return
    for key, ruolo in MANAGER.items():
        manager = territory.user(key, ruolo)
        bando = make_bando(territory.enti[key], manager, codice=CODICE, titolo=f"Bando matrice {key}")
        applicant = citizen()
        domanda = draft(bando, applicant)
        upload = SimpleUploadedFile("contratto.pdf", PDF, content_type="application/pdf")
        actions.allegato_add(domanda=domanda, codice="contratto", upload=upload, by=applicant)
        actions.domanda_submit(domanda=domanda, by=applicant)
        # a provvedimento row in redazione (its workflow is tested in tests/bandi): the pages must hide it abroad
        Provvedimento.objects.create(
            bando=bando, tipo="graduatoria", oggetto=f"Provvedimento matrice {key}", testo="Testo.",
            redatto_da=manager, redatto_il=timezone.now(),
        )  # fmt: skip
    make_bando(territory.enti["A1"], territory.user("A1", "responsabile"), codice="MATRICE-BOZZA", publish=False)


def foreign_bandi(territory, ente_key: str) -> dict[str, list[int]]:
    _ensure(territory)
    ente = territory.enti[ente_key]
    return {
        "bando": list(Bando.objects.exclude(ente=ente).values_list("pk", flat=True)),
        "domanda_bando": list(Domanda.objects.exclude(ente=ente).values_list("pk", flat=True)),
        "allegato_bando": list(Allegato.objects.exclude(domanda__ente=ente).values_list("pk", flat=True)),
        "provvedimento": list(Provvedimento.objects.exclude(bando__ente=ente).values_list("pk", flat=True)),
        "bando_non_pubblicato": list(
            Bando.objects.exclude(stato__in=("pubblicato", "chiuso")).values_list("pk", flat=True)
        ),
        # operators are nobody's citizen: every domanda is foreign to them
        "domanda_cittadino": list(Domanda.objects.values_list("pk", flat=True)),
    }
