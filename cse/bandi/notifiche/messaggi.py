"""What a notification says, on each channel: the same facts (bando, outcome, amount, protocol number, how to ask a
riesame) for the App IO message, the e-mail and the printed letter. Pure: reads, never writes."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from cse.core.appio import Cta, MessaggioIO

from ..glossary import STATI_RIESAMINABILI
from ..models import Notifica


def domanda_url(notifica: Notifica) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}{reverse('cittadino:domanda', kwargs={'pk': notifica.domanda_id})}"


def context(notifica: Notifica) -> dict:
    provvedimento, domanda = notifica.provvedimento, notifica.domanda
    return {
        "n": notifica,
        "d": domanda,
        "p": provvedimento,
        "bando": domanda.bando,
        "esito": notifica.get_esito_display(),
        "riesame": notifica.esito in STATI_RIESAMINABILI and not domanda.riesame_chiesto_il,
        "giorni_riesame": domanda.bando.giorni_riesame,
        "url": domanda_url(notifica),
    }


def oggetto(notifica: Notifica) -> str:
    text = f"Esito della domanda: {notifica.domanda.bando.titolo}"
    return text if len(text) <= 120 else text[:119] + "…"


def messaggio_io(notifica: Notifica) -> MessaggioIO:
    url = domanda_url(notifica)
    return MessaggioIO(
        chiave=notifica.chiave,
        codice_fiscale=notifica.domanda.codice_fiscale,
        oggetto=oggetto(notifica),
        testo=render_to_string("bandi/notifica_io.md", context(notifica)),
        cta=(Cta("Vedi la domanda", url),) if url.startswith("https://") else (),
    )


def testo_email(notifica: Notifica) -> str:
    return render_to_string("bandi/notifica_email.txt", context(notifica))
