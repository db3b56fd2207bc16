"""TLP as STIX marking definitions: the TLP 2.0 objects OASIS publishes (fixed ids) and TLP 1.0's four."""

from __future__ import annotations

from typing import Any

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"

# oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0
TLP2_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# STIX 2.1 section 7.2.1.4: the predefined TLP 1.0 markings; WHITE reads as CLEAR.
TLP1_IDS = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

# strictest last: when a bundle marks an object several ways, the strictest TLP applies
ORDER = ["clear", "green", "amber", "amber+strict", "red"]
BY_ID = {**TLP1_IDS, **{marking_id: tlp for tlp, marking_id in TLP2_IDS.items()}}


def marking_definition(tlp: str) -> dict[str, Any]:
    """The official TLP 2.0 marking-definition object for ``tlp``."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[tlp],
        "created": TLP2_CREATED,
        "name": f"TLP:{tlp.upper()}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp}},
    }


def tlp_of(marking: dict[str, Any]) -> str | None:
    """The TLP a marking-definition object states: by its well-known id, or by its TLP 2.0 extension or TLP
    1.0 definition when a producer copied the object under another id."""
    if marking.get("id") in BY_ID:
        return BY_ID[marking["id"]]
    extension = (marking.get("extensions") or {}).get(TLP2_EXTENSION) or {}
    if extension.get("tlp_2_0") in ORDER:
        return str(extension["tlp_2_0"])
    if marking.get("definition_type") == "tlp":
        level = str((marking.get("definition") or {}).get("tlp", "")).lower()
        return "clear" if level == "white" else level if level in ORDER else None
    return None


def strictest(levels: list[str]) -> str | None:
    return max(levels, key=ORDER.index) if levels else None
