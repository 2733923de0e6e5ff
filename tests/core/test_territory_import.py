import pytest
from django.core.management import CommandError, call_command

from cse.core.models import Comune, Regione

HEADER = (
    "codice_istat,nome,codice_catastale,sigla_provincia,codice_provincia,provincia,codice_regione,regione,"
    "popolazione_2011\n"
)


def write(tmp_path, body: str):
    path = tmp_path / "comuni.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_creates_comuni_and_regions_and_is_repeatable(tmp_path):
    path = write(
        tmp_path, "072029,Molfetta,F284,BA,072,Bari,16,Puglia,60433\n001001,Agliè,A074,TO,001,Torino,01,Piemonte,2644\n"
    )
    call_command("import_comuni", str(path))
    assert Comune.objects.get(codice_istat="072029").codice_catastale == "F284"
    assert set(Regione.objects.values_list("nome", flat=True)) == {"Puglia", "Piemonte"}
    call_command("import_comuni", str(path))
    assert Comune.objects.count() == 2


@pytest.mark.django_db
def test_comuni_missing_from_a_new_list_are_kept_as_ceased(tmp_path):
    call_command(
        "import_comuni",
        str(
            write(
                tmp_path,
                "072029,Molfetta,F284,BA,072,Bari,16,Puglia,1\n001001,Agliè,A074,TO,001,Torino,01,Piemonte,1\n",
            )
        ),
    )
    call_command(
        "import_comuni", str(write(tmp_path, "072029,Molfetta,F284,BA,072,Bari,16,Puglia,1\n")), "--mark-missing-ceased"
    )
    assert Comune.objects.get(codice_istat="001001").soppresso is True
    assert Comune.objects.get(codice_istat="072029").soppresso is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("72029,Molfetta,F284,BA,072,Bari,16,Puglia,1", "codice ISTAT «72029» non valido"),
        ("072029,Molfetta,F28,BA,072,Bari,16,Puglia,1", "codice catastale «F28» non valido"),
        ("072029,,F284,BA,072,Bari,16,Puglia,1", "mancano i campi nome"),
    ],
)
def test_a_bad_row_stops_the_import_in_italian_and_writes_nothing(tmp_path, row, message):
    path = write(tmp_path, "001001,Agliè,A074,TO,001,Torino,01,Piemonte,2644\n" + row + "\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_comuni", str(path))
    assert Comune.objects.count() == 0


@pytest.mark.django_db
def test_a_file_without_the_istat_columns_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="tracciato ISTAT"):
        call_command("import_comuni", str(path))


@pytest.mark.django_db
def test_the_bundled_istat_list_imports_every_comune():
    call_command("import_comuni")
    assert Comune.objects.count() == 7904
    assert Comune.objects.get(codice_catastale="H501").nome == "Roma"
