import pytest
from codicefiscale import codicefiscale
from django.core.management import call_command

from cse.cartella.identity import codice_fiscale_problems
from cse.cartella.models import Assistito, Cartella
from cse.core.models import Ente, Incarico
from cse.core.roles import ROLES_BY_TIPO_ENTE, TipoEnte


@pytest.mark.django_db
def test_seed_demo_builds_the_region_and_is_idempotent(capsys):
    call_command("seed_demo", "--scale", "120")
    first = capsys.readouterr().out
    assert "Demo-CSE-2026!" in first and "molfetta.assistente_sociale" in first
    counts = (Assistito.objects.count(), Cartella.objects.count(), Incarico.objects.count(), Ente.objects.count())
    call_command("seed_demo", "--scale", "120", "--quiet-logins")
    assert (
        Assistito.objects.count(),
        Cartella.objects.count(),
        Incarico.objects.count(),
        Ente.objects.count(),
    ) == counts
    assert counts[0] == 120
    assert Ente.objects.filter(tipo=TipoEnte.AMBITO).count() == 2
    assert Ente.objects.filter(tipo=TipoEnte.COMUNE).count() == 8
    for tipo, roles in ROLES_BY_TIPO_ENTE.items():
        assert set(Incarico.objects.filter(ente__tipo=tipo).values_list("ruolo", flat=True)) == set(roles)
    assert Cartella.objects.filter(owner_ente__tipo=TipoEnte.AMBITO).count() == 1


@pytest.mark.django_db
def test_synthetic_people_have_valid_consistent_codici_fiscali():
    call_command("seed_demo", "--scale", "60", "--quiet-logins")
    for a in Assistito.objects.all():
        assert codicefiscale.is_valid(a.codice_fiscale)
        assert (
            codice_fiscale_problems(
                a.codice_fiscale,
                cognome=a.cognome,
                nome=a.nome,
                sesso=a.sesso,
                data_nascita=a.data_nascita,
                luogo_nascita=a.luogo_nascita,
            )
            == []
        )
        assert a.history.count() == 1


@pytest.mark.django_db
def test_seed_demo_builds_the_citizen_portal_with_bookable_offices(client):
    from cse.cittadino.agenda import Cittadino, Slot
    from cse.cittadino.pages.servizio import ServizioPage

    call_command("seed_demo", "--scale", "40", "--quiet-logins")
    call_command("seed_demo", "--scale", "40", "--quiet-logins")  # idempotent
    assert ServizioPage.objects.live().count() == 6
    assert Slot.objects.filter(attivo=True, sportello__ente__comune__nome="Molfetta").exists()
    citizen = Cittadino.objects.get()
    assert "Molfetta" in client.get("/").content.decode()
    client.force_login(citizen.user)
    assert "Molfetta" in client.get("/cittadino/prenota/").content.decode()
