"""Checking the audit log: recompute the chain and the signed checkpoints, name the first broken link."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature

from lockstep.audit.chain import event_hash
from lockstep.audit.models import GENESIS_HASH, AuditEvent, Checkpoint
from lockstep.lib import canonjson, nodekey


@dataclass
class Finding:
    kind: str  # changed, deleted, inserted, broken, checkpoint
    seq: int
    message: str


@dataclass
class VerifyReport:
    events: int = 0
    checkpoints: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None


def verify_chain(report: VerifyReport, wanted: set[int], chunk: int = 5000) -> dict[int, str]:
    """Walk the events in order; stop at the first broken link. Returns seq -> hash of the walked events whose
    seq is in ``wanted`` (the checkpointed ones)."""
    hashes: dict[int, str] = {}
    previous, before_previous = GENESIS_HASH, None
    expected_seq = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk):
        report.events += 1
        if event_hash(event.prev_hash, event.payload()) != event.hash:
            report.findings.append(
                Finding(
                    "changed",
                    event.seq,
                    f"event #{event.seq} ({event.action}) was changed: its content no longer matches its hash",
                )
            )
            break
        if event.seq != expected_seq:
            missing = (
                f"#{expected_seq}"
                if event.seq == expected_seq + 1
                else f"#{expected_seq} to #{event.seq - 1}"
            )
            report.findings.append(
                Finding(
                    "deleted",
                    expected_seq,
                    f"event {missing} was deleted: the sequence jumps to #{event.seq}",
                )
            )
            break
        if event.prev_hash != previous:
            if event.prev_hash == before_previous:
                report.findings.append(
                    Finding(
                        "inserted",
                        event.seq - 1,
                        f"event #{event.seq - 1} was inserted: #{event.seq} links to the event before it",
                    )
                )
            else:
                report.findings.append(
                    Finding(
                        "broken",
                        event.seq - 1,
                        f"the chain breaks after #{event.seq - 1}: #{event.seq} links to a hash that is not in the "
                        f"log (#{event.seq - 1} was changed and re-hashed, or events after it were deleted)",
                    )
                )
            break
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        before_previous, previous = previous, event.hash
        expected_seq += 1
        report.head_seq, report.head_hash = event.seq, event.hash
    return hashes


def verify_checkpoints(report: VerifyReport, hashes: dict[int, str]) -> None:
    node_public = nodekey.load_private_key().public_key()
    node_b64 = nodekey.public_key_b64(node_public)
    chain_intact = report.ok
    for checkpoint in Checkpoint.objects.order_by("seq"):
        report.checkpoints += 1
        if checkpoint.public_key != node_b64:
            report.findings.append(
                Finding(
                    "checkpoint",
                    checkpoint.seq,
                    f"checkpoint #{checkpoint.seq} is signed by key {checkpoint.key_id}, not by this node's key",
                )
            )
            continue
        try:
            node_public.verify(
                base64.b64decode(checkpoint.signature), canonjson.encode(checkpoint.signed_payload())
            )
        except (InvalidSignature, ValueError):
            report.findings.append(
                Finding(
                    "checkpoint", checkpoint.seq, f"checkpoint #{checkpoint.seq} has an invalid signature"
                )
            )
            continue
        if checkpoint.seq in hashes:
            if hashes[checkpoint.seq] != checkpoint.event_hash:
                report.findings.append(
                    Finding(
                        "checkpoint",
                        checkpoint.seq,
                        f"the chain up to #{checkpoint.seq} differs from what checkpoint #{checkpoint.seq} signed: "
                        "events before it were changed, inserted or deleted and the chain was re-hashed",
                    )
                )
        elif chain_intact and checkpoint.seq > report.head_seq:
            report.findings.append(
                Finding(
                    "deleted",
                    report.head_seq + 1,
                    f"events from #{report.head_seq + 1} were deleted: checkpoint #{checkpoint.seq} signed an event "
                    f"that is no longer in the log (the log ends at #{report.head_seq})",
                )
            )


def verify() -> VerifyReport:
    """Recompute the whole chain and every checkpoint; findings are ordered by where they were found."""
    report = VerifyReport()
    hashes = verify_chain(report, set(Checkpoint.objects.values_list("seq", flat=True)))
    verify_checkpoints(report, hashes)
    report.findings.sort(key=lambda finding: finding.seq)
    return report
