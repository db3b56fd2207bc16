"""Countries: every ISO 3166-1 code, the 196 INTERPOL members and their regions."""

from __future__ import annotations

import pycountry
import pytest

from lockstep.directory.countries import load_members
from lockstep.directory.models import Country, Region


@pytest.mark.django_db
def test_every_iso_country_is_loaded_by_the_migration() -> None:
    assert Country.objects.count() == len(pycountry.countries)
    assert Country.objects.get(code="CI").alpha3 == "CIV"


@pytest.mark.django_db
def test_196_members_each_with_an_interpol_region() -> None:
    members = Country.objects.filter(member=True)
    assert members.count() == 196
    assert not members.filter(region="").exists()
    assert set(members.values_list("region", flat=True)) == set(Region.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "member"),
    [
        ("KP", False),
        ("TV", False),
        ("TW", False),
        ("HK", False),  # not members (HK is a sub-bureau of China)
        ("PW", True),
        ("FM", True),
        ("VA", True),
        ("PS", True),
        ("SX", True),
        ("CW", True),
        ("AW", True),
    ],
)
def test_membership_edge_cases(code: str, member: bool) -> None:
    assert Country.objects.get(code=code).member is member


def test_the_member_file_names_only_iso_codes_and_known_regions() -> None:
    members = load_members()
    assert len(members) == 196
    assert set(members.values()) <= set(Region.values)
    iso = {country.alpha_2 for country in pycountry.countries}
    assert set(members) <= iso
