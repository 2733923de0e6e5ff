import io

import pytest
from django.core.management import call_command

from cse.siuss.models import Flusso, VerificaSiuss
from cse.siuss.xsd import xsd_errors


@pytest.mark.django_db(databases=["default", "regionale"])
def test_demo_seed_shows_exposed_flows_and_the_gaps_of_two_prestazioni():
    out = io.StringIO()
    call_command("seed_demo", "--scale", "120", "--quiet-logins", stdout=out)  # enough open cases in F284 for 3+ flows
    assert "flussi esposti" in out.getvalue()
    flows = Flusso.objects.filter(ente__codice="F284")
    assert flows.filter(stato="esposto").count() >= 1  # INPS has not answered on these yet
    assert flows.filter(stato="acquisito").count() >= 1 and flows.filter(stato="errore").count() == 1
    assert all(xsd_errors(bytes(f.xml), f.tipo) == [] for f in flows)
    texts = [t for v in VerificaSiuss.objects.filter(ha_problemi=True) for t in v.problemi]
    assert any("protocollo DSU" in t or "ISEE valido" in t for t in texts)
    assert any("non sommano" in t for t in texts)
