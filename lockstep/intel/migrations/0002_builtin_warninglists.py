"""Load the built-in warninglists (private, reserved and documentation ranges, public resolvers, platforms)."""

from django.db import migrations


def load(apps, schema_editor):
    from lockstep.intel.warninglists import sync_builtin

    sync_builtin(apps.get_model("intel", "Warninglist"), apps.get_model("intel", "WarninglistEntry"))


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
