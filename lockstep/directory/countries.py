"""ISO 3166-1 countries from pycountry, with INTERPOL membership and region from ``data/interpol_members.csv``."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pycountry

MEMBERS_FILE = Path(__file__).resolve().parent / "data" / "interpol_members.csv"


def load_members(path: Path = MEMBERS_FILE) -> dict[str, str]:
    """Map each member country's alpha-2 code to its region."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["code"].strip().upper(): row["region"].strip() for row in rows}


def country_rows() -> list[dict[str, Any]]:
    members = load_members()
    unknown = set(members) - {country.alpha_2 for country in pycountry.countries}
    if unknown:
        raise ValueError(f"{MEMBERS_FILE.name} names codes that are not ISO 3166-1: {sorted(unknown)}")
    return [
        {
            "code": country.alpha_2,
            "alpha3": country.alpha_3,
            "numeric": country.numeric,
            "name": getattr(country, "common_name", None) or country.name,
            "member": country.alpha_2 in members,
            "region": members.get(country.alpha_2, ""),
        }
        for country in pycountry.countries
    ]


def sync_countries(model: Any = None) -> int:
    """Insert or update every ISO 3166-1 country; returns how many rows were written.

    ``model`` lets a data migration pass its historical Country model.
    """
    if model is None:
        from lockstep.directory.models import Country as model
    rows = [model(**row) for row in country_rows()]
    model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["alpha3", "numeric", "name", "member", "region"],
    )
    return len(rows)
