"""Provvedimenti for tests: a bando with a final graduatoria (funded, admitted but not funded, not admitted), its
provvedimento drafted and submitted, approved by a second operator; the protocol registered through the in-memory
register; App IO reached through the simulator fixture."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Domanda
from cse.bandi.provvedimento import actions as provv
from cse.core.protocollo import protocollo_registra_in_coda
from tests.support.bandi import citizen, close_window, in_istruttoria, make_bando, ports
from tests.support.factories import OperatoreFactory

TESTO = "Visti gli esiti dell'istruttoria e la graduatoria definitiva, si approvano gli esiti che seguono."


def istruita_con(bando, istruttore, *, isee, contatti=None, minori=0):
    """An instructed domanda whose applicant gave `contatti` (App IO consent, e-mail) in the draft."""
    facts = {"isee.valore": str(isee), "residenza.comune_istat": "072029", "nucleo.minori": minori}
    applicant = citizen()
    domanda = in_istruttoria(bando, applicant, istruttore, facts=facts)
    if contatti:  # what the applicant declared in the draft (the draft step itself is tested in test_domanda)
        Domanda.objects.filter(pk=domanda.pk).update(**contatti)
    return actions.istruttoria_close(domanda=domanda, by=istruttore)


def graduatoria_definitiva(comune, responsabile, contatti: list[dict | None]):
    """One domanda per entry of `contatti`: ISEE 4000, 5000, ... (budget 1000, 400 each: the first two funded, the
    third admitted not funded); an entry with isee 25000 is not admitted when the list has a fourth."""
    bando = make_bando(comune, responsabile)
    domande = []
    for n, c in enumerate(contatti):
        isee = 25000 if n == 3 else 4000 + 1000 * n
        domande.append(istruita_con(bando, responsabile, isee=isee, contatti=c))
    bando = close_window(bando, responsabile)
    graduatoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    later = timezone.now() + timedelta(days=bando.giorni_opposizione + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        graduatoria = actions.graduatoria_finalise(graduatoria=graduatoria, by=responsabile)
    return bando, graduatoria, domande


def secondo_responsabile(comune):
    return OperatoreFactory(ente=comune, ruolo="responsabile")


def sottoposto(bando, graduatoria, redattore):
    p = provv.provvedimento_draft(
        bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=redattore,
        oggetto=f"Approvazione della graduatoria definitiva — {bando.titolo}", testo=TESTO,
    )  # fmt: skip
    return submitted_and_rendered(p, redattore)


def submitted_and_rendered(p, by):
    """Submitted for approval, and the queued task run after the commit as the worker would: the PDF is ready."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        p = provv.provvedimento_submit(provvedimento=p, by=by)
    p.refresh_from_db()
    return p


def approvato_e_protocollato(bando, graduatoria, redattore, approvatore):
    p = provv.provvedimento_approve(provvedimento=sottoposto(bando, graduatoria, redattore), by=approvatore)
    with ports(protocollo="ProtocolloInMemoria"):
        protocollo_registra_in_coda()
    p.refresh_from_db()
    return p
