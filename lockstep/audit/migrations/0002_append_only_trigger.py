"""The chain cannot fork (a unique index on prev_hash, on every database), and on PostgreSQL the audit tables
refuse UPDATE and DELETE (a trigger); on SQLite tampering is caught by the hash chain and checkpoints."""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_checkpoint")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION lockstep_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lockstep_audit_append_only()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS lockstep_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX audit_chain_never_forks ON audit_auditevent (prev_hash)",
            "DROP INDEX audit_chain_never_forks",
        ),
        migrations.RunPython(install, remove),
    ]
