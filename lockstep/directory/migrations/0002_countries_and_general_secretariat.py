"""Load every ISO 3166-1 country (with INTERPOL membership) and create the one General Secretariat."""

from django.db import migrations


def load(apps, schema_editor):
    from lockstep.directory.countries import sync_countries

    sync_countries(apps.get_model("directory", "Country"))
    Agency = apps.get_model("directory", "Agency")
    if not Agency.objects.filter(kind="general_secretariat").exists():
        Agency.objects.create(code="GS", name="General Secretariat", kind="general_secretariat")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
