"""Every regional key carries the ambito (so the store can be distributed by it), and on PostgreSQL the event table
becomes partitioned by month of evento_del, its event_id deduplication moving to EventoRicevuto.

On a large store this copies every event once, in the migration's transaction: plan it as a maintenance window
(about the ingestion's own speed; docs/deployment.md).
"""

from datetime import date

from django.db import migrations, models

EVENTS = "regionale_eventoregionale"
MONTHS_AHEAD = 3


def backfill(apps, schema_editor):
    """The ambito of the rows already stored, from their events; the seen event ids from the events."""
    postgres = schema_editor.connection.vendor == "postgresql"
    ambito = "COALESCE(payload->'subject'->>'ambito', '')" if postgres else (
        "COALESCE(json_extract(payload, '$.subject.ambito'), '')"
    )
    with schema_editor.connection.cursor() as cursor:
        if not postgres:  # on PostgreSQL the copy into the partitioned table fills it
            cursor.execute(f"UPDATE {EVENTS} SET ambito = {ambito}")
        cursor.execute(f"INSERT INTO regionale_eventoricevuto (event_id, evento_del) SELECT event_id, evento_del FROM {EVENTS}")
        latest = (
            f"(SELECT {ambito} FROM {EVENTS} e WHERE e.case_key = t.case_key ORDER BY e.sequence DESC LIMIT 1)"
        )
        cursor.execute(f"UPDATE regionale_casocorrente AS t SET ambito = COALESCE({latest}, '')")
        cursor.execute(f"UPDATE regionale_lacunasequenza AS t SET ambito = COALESCE({latest}, '')")
        cursor.execute(
            "UPDATE regionale_trasmissionesiuss AS t SET ambito = COALESCE((SELECT p.ambito FROM "
            "regionale_prestazionecorrente p WHERE p.prestazione_key = t.prestazione_key), '')"
        )


def _month_after(month):
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_events(apps, schema_editor):
    """PostgreSQL: rebuild the event table as RANGE-partitioned on evento_del, one partition per month + default.

    Same columns, same index and constraint names (later migrations find them); the primary key becomes
    (id, ambito, evento_del), as a partitioned (and a distributed) table requires."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = %s AND NOT x.indisunique",
            [EVENTS],
        )
        indexes = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('f', 'u')",
            [EVENTS],
        )
        constraints = cursor.fetchall()
        cursor.execute(f"ALTER TABLE {EVENTS} RENAME TO {EVENTS}_plain")
        cursor.execute(f"CREATE SEQUENCE {EVENTS}_part_id_seq")
        cursor.execute(
            f"CREATE TABLE {EVENTS} (LIKE {EVENTS}_plain INCLUDING DEFAULTS) PARTITION BY RANGE (evento_del)"
        )
        cursor.execute(f"ALTER TABLE {EVENTS} ALTER COLUMN id SET DEFAULT nextval('{EVENTS}_part_id_seq')")
        cursor.execute(f"ALTER SEQUENCE {EVENTS}_part_id_seq OWNED BY {EVENTS}.id")
        cursor.execute(f"CREATE TABLE {EVENTS}_default PARTITION OF {EVENTS} DEFAULT")
        cursor.execute(f"SELECT DISTINCT date_trunc('month', evento_del)::date FROM {EVENTS}_plain")
        months = {r[0] for r in cursor.fetchall()}
        month = date.today().replace(day=1)
        for _ in range(MONTHS_AHEAD + 1):
            months.add(month)
            month = _month_after(month)
        for month in sorted(months):
            cursor.execute(
                f"CREATE TABLE {EVENTS}_p{month:%Y_%m} PARTITION OF {EVENTS} "
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{_month_after(month).isoformat()}')"
            )
        cursor.execute(f"SELECT column_name FROM information_schema.columns WHERE table_name = '{EVENTS}_plain'")
        columns = [r[0] for r in cursor.fetchall()]
        select = ", ".join(
            "COALESCE(payload->'subject'->>'ambito', '')" if c == "ambito" else c for c in columns
        )
        cursor.execute(f"INSERT INTO {EVENTS} ({', '.join(columns)}) SELECT {select} FROM {EVENTS}_plain")
        cursor.execute(f"SELECT setval('{EVENTS}_part_id_seq', COALESCE((SELECT MAX(id) FROM {EVENTS}_plain), 0) + 1, false)")
        cursor.execute(f"DROP TABLE {EVENTS}_plain")
        cursor.execute(f"ALTER SEQUENCE {EVENTS}_part_id_seq RENAME TO {EVENTS}_id_seq")
        cursor.execute(f"ALTER TABLE {EVENTS} ADD CONSTRAINT {EVENTS}_pkey PRIMARY KEY (id, ambito, evento_del)")
        for definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {EVENTS} ADD CONSTRAINT "{name}" {definition}')


class Migration(migrations.Migration):

    dependencies = [
        ('regionale', '0009_evento_dss_da_inviare_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='EventoRicevuto',
            fields=[
                ('event_id', models.UUIDField(primary_key=True, serialize=False)),
                ('evento_del', models.DateField(help_text="mese della partizione dell'evento")),
            ],
            options={
                'verbose_name_plural': 'eventi ricevuti (deduplicazione)',
            },
        ),
        migrations.RemoveConstraint(
            model_name='eventoregionale',
            name='evento_sequence_unique',
        ),
        migrations.RemoveConstraint(
            model_name='lacunasequenza',
            name='lacuna_unica',
        ),
        migrations.RemoveConstraint(
            model_name='prestazionesiuss',
            name='siuss_prestazione_anno',
        ),
        migrations.AddField(
            model_name='casocorrente',
            name='ambito',
            field=models.CharField(blank=True, default='', max_length=12),
        ),
        migrations.AddField(
            model_name='casocorrente',
            name='ambito_sequence',
            field=models.PositiveIntegerField(default=0, help_text="sequenza dell'evento che ha dato l'ambito"),
        ),
        migrations.AddField(
            model_name='eventoregionale',
            name='ambito',
            field=models.CharField(blank=True, default='', max_length=12),
        ),
        migrations.AddField(
            model_name='lacunasequenza',
            name='ambito',
            field=models.CharField(blank=True, default='', max_length=12),
        ),
        migrations.AddField(
            model_name='trasmissionesiuss',
            name='ambito',
            field=models.CharField(blank=True, default='', max_length=12),
        ),
        migrations.AlterField(
            model_name='casocorrente',
            name='case_key',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='eventoregionale',
            name='event_id',
            field=models.UUIDField(),
        ),
        migrations.AlterField(
            model_name='prestazionecorrente',
            name='prestazione_key',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='trasmissionesiuss',
            name='prestazione_key',
            field=models.CharField(max_length=64),
        ),
        migrations.AddConstraint(
            model_name='casocorrente',
            constraint=models.UniqueConstraint(fields=('case_key', 'ambito'), name='caso_corrente_unico'),
        ),
        migrations.AddConstraint(
            model_name='eventoregionale',
            constraint=models.UniqueConstraint(fields=('case_key', 'sequence', 'ambito', 'evento_del'), name='evento_sequence_unique'),
        ),
        migrations.AddConstraint(
            model_name='lacunasequenza',
            constraint=models.UniqueConstraint(fields=('case_key', 'da_sequenza', 'ambito'), name='lacuna_unica'),
        ),
        migrations.AddConstraint(
            model_name='prestazionecorrente',
            constraint=models.UniqueConstraint(fields=('prestazione_key', 'ambito'), name='prestazione_corrente_unica'),
        ),
        migrations.AddConstraint(
            model_name='prestazionesiuss',
            constraint=models.UniqueConstraint(fields=('anno', 'prestazione_key', 'ambito'), name='siuss_prestazione_anno'),
        ),
        migrations.AddConstraint(
            model_name='trasmissionesiuss',
            constraint=models.UniqueConstraint(fields=('prestazione_key', 'ambito'), name='trasmissione_siuss_unica'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(partition_events, migrations.RunPython.noop),
    ]
