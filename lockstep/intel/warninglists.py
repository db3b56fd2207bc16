"""Warninglists: values that never correlate. An index built once per ingest answers ``reason(kind, value)``."""

from __future__ import annotations

import bisect
import ipaddress
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

BUILTIN_FILE = Path(__file__).resolve().parent / "data" / "warninglists.json"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class WarnIndex:
    exact: dict[tuple[str, str], str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    # Per IP version: sorted (first address as int, last as int, list name); ranges may nest.
    ranges: dict[int, list[tuple[int, int, str]]] = field(default_factory=lambda: {4: [], 6: []})

    def add(self, name: str, kind: str, value: str) -> None:
        if kind == "cidr":
            network = ipaddress.ip_network(value, strict=False)
            self.ranges[network.version].append(
                (int(network.network_address), int(network.broadcast_address), name)
            )
        elif kind == "domain":
            self.domains[value.lower().rstrip(".")] = name
        else:
            self.exact[(kind, value)] = name

    def freeze(self) -> WarnIndex:
        for version in (4, 6):
            self.ranges[version].sort()
        return self

    def _in_ranges(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
        number, ranges = int(address), self.ranges[address.version]
        # Ranges are few (tens); the bisect finds those starting at or before the address.
        for first, last, name in reversed(ranges[: bisect.bisect_right(ranges, (number, 2**128, ""))]):
            if first <= number <= last:
                return name
        return ""

    def _domain(self, name: str) -> str:
        labels = name.split(".")
        for start in range(len(labels)):
            listed = self.domains.get(".".join(labels[start:]))
            if listed:
                return listed
        return ""

    def reason(self, kind: str, value: str) -> str:
        """The name of the warninglist that covers this canonical value, or ""."""
        listed = self.exact.get((kind, value))
        if listed:
            return listed
        if kind in ("ipv4", "ipv6"):
            return self._in_ranges(ipaddress.ip_address(value))
        if kind == "cidr":
            network = ipaddress.ip_network(value)
            first = self._in_ranges(network.network_address)
            return first if first and first == self._in_ranges(network.broadcast_address) else ""
        if kind == "domain":
            return self._domain(value)
        if kind == "url":
            host = value.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
            host = host.strip("[]") if host.startswith("[") else host.split(":")[0]
            try:
                return self._in_ranges(ipaddress.ip_address(host))
            except ValueError:
                return ""
        return ""


_cache: tuple[tuple[object, ...], WarnIndex] | None = None


def load_index() -> WarnIndex:
    """The index of every enabled list, rebuilt only when the lists changed (one small query otherwise)."""
    global _cache
    from lockstep.intel.models import Warninglist, WarninglistEntry

    with connection.cursor() as cursor:  # plain SQL: this runs on every lookup and submission
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {Warninglist._meta.db_table} WHERE enabled),"
            f" (SELECT MAX(updated_at) FROM {Warninglist._meta.db_table}),"
            f" (SELECT COUNT(*) FROM {WarninglistEntry._meta.db_table}),"
            f" (SELECT MAX(id) FROM {WarninglistEntry._meta.db_table})"
        )
        version = tuple(cursor.fetchone() or ())
    if _cache is not None and _cache[0] == version:
        return _cache[1]
    index = build_index()
    _cache = (version, index)
    return index


def build_index() -> WarnIndex:
    from lockstep.intel.models import WarninglistEntry

    index = WarnIndex()
    rows = WarninglistEntry.objects.filter(warninglist__enabled=True).values_list(
        "warninglist__name", "kind", "value"
    )
    for name, kind, value in rows.iterator(chunk_size=5000):
        index.add(name, kind, value)
    return index.freeze()


def builtin_lists() -> dict[str, dict[str, Any]]:
    data = json.loads(BUILTIN_FILE.read_text(encoding="utf-8"))
    return {name: spec for name, spec in data.items() if not name.startswith("_")}


def sync_builtin(warninglist_model: Any = None, entry_model: Any = None) -> int:
    """Create or refresh the built-in lists from the data file (keeps their enabled state); returns entries."""
    if warninglist_model is None:
        from lockstep.intel.models import Warninglist as warninglist_model
        from lockstep.intel.models import WarninglistEntry as entry_model
    count = 0
    with transaction.atomic():
        for name, spec in builtin_lists().items():
            listed, _ = warninglist_model.objects.update_or_create(
                name=name, defaults={"description": spec["description"], "builtin": True}
            )
            entry_model.objects.filter(warninglist=listed).delete()
            entries = [
                entry_model(warninglist=listed, kind=kind, value=value)
                for kind, values in spec.items()
                if kind != "description"
                for value in values
            ]
            entry_model.objects.bulk_create(entries)
            count += len(entries)
    return count


def reapply(batch: int = 5000) -> int:
    """Re-mark every stored observable against the current lists (after the GS changed them); returns how
    many changed. Values taken off a list correlate now; hits still new on values put on a list are closed."""
    from lockstep.intel.correlate import correlate
    from lockstep.intel.models import Hit, HitState, Observable, Report, ReportStatus

    index, changed = load_index(), 0
    pending: list[Observable] = []
    released_reports: set[int] = set()
    listed_keys: set[int] = set()
    rows = Observable.objects.only("id", "kind", "value", "value_key", "suppressed", "report_id").order_by(
        "id"
    )
    with transaction.atomic():
        for observable in rows.iterator(chunk_size=batch):
            reason = index.reason(observable.kind, observable.value)
            if reason != observable.suppressed:
                if reason:
                    listed_keys.add(observable.value_key)
                else:
                    released_reports.add(observable.report_id)
                observable.suppressed = reason
                pending.append(observable)
            if len(pending) >= batch:
                changed += Observable.objects.bulk_update(pending, ["suppressed"])
                pending = []
        changed += Observable.objects.bulk_update(pending, ["suppressed"]) if pending else 0
        keys = sorted(listed_keys)
        for start in range(0, len(keys), 500):
            Hit.objects.filter(value_key__in=keys[start : start + 500], state=HitState.NEW).update(
                state=HitState.CLOSED, updated_at=timezone.now()
            )
        active = Report.objects.filter(pk__in=released_reports, status=ReportStatus.ACTIVE)
        correlate(list(active.values_list("pk", flat=True)))
    return changed
