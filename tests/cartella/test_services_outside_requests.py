"""Services open their own transaction: called outside any (a worker, a shell, a request without ATOMIC_REQUESTS)
they write the change and its outbox event together — the test suite's usual per-test transaction would hide a
service that forgot its @transaction.atomic."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cse.cartella.actions.diario import diario_add
from cse.core.models import OutboxEvent
from tests.support.factories import CartellaFactory, ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"])


def test_a_diary_note_outside_a_transaction_is_written_with_its_event():
    comune = ComuneEnteFactory()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    case = CartellaFactory(assistito__ente=comune, by=worker)
    before = OutboxEvent.objects.filter(event_type="cartella.diario_voce").count()
    voce = diario_add(
        cartella=case,
        tipo="colloquio",
        testo="Colloquio con la persona",
        data_evento=timezone.localdate(),
        riservata=False,
        by=worker,
    )
    assert voce.pk is not None
    assert OutboxEvent.objects.filter(event_type="cartella.diario_voce").count() == before + 1


def test_obscuring_a_document_outside_a_transaction_hides_it_with_its_entry_and_retracts_its_event():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cse.cartella.actions.diario import documento_obscure, documento_upload
    from cse.cartella.fasi import Documento, VoceDiario
    from cse.cartella.records import DOCUMENT_RETRACTION_EVENT
    from tests.support.factories import TINY_PDF

    comune = ComuneEnteFactory()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    case = CartellaFactory(assistito__ente=comune, by=worker)
    upload = SimpleUploadedFile("referto.pdf", TINY_PDF, content_type="application/pdf")
    documento = documento_upload(cartella=case, tipo="sanitario", upload=upload, by=worker)
    documento_obscure(documento=documento, reason="richiesta prot. 9/2026", by=worker)
    assert not Documento.objects.filter(pk=documento.pk).exists()
    assert Documento.con_oscurati.get(pk=documento.pk).oscurato
    assert VoceDiario.objects.get(documento_id=documento.pk).oscurata
    retraction = OutboxEvent.objects.get(event_type=DOCUMENT_RETRACTION_EVENT)
    assert retraction.payload == {"documento": documento.pk}
