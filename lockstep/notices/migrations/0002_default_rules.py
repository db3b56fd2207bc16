"""The eligibility thresholds of DOMAIN.md section 1, as rows the General Secretariat edits."""

from django.db import migrations

RULES = {
    "red.min_penalty_years": (
        "2",
        "Red notice for prosecution: the offence is punishable by at least this many years (RPD Art. 83)",
    ),
    "red.min_sentence_months": (
        "6",
        "Red notice to serve a sentence: at least this many months remain to be served (RPD Art. 83)",
    ),
    "validity.years": ("5", "A notice is valid this many years, then lapses unless extended"),
    "validity.warn_months": ("6", "The owner is asked to extend or let lapse this long before expiry"),
}


def add_rules(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule = apps.get_model("notices", "EligibilityRule")
    for key, (value, description) in RULES.items():
        rule.objects.get_or_create(key=key, defaults={"value": value, "description": description})


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
