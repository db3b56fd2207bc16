"""Benchmark: extraction speed (MB/s) and precision / recall / F1 on the labelled corpus, for Lockstep and for
iocextract, ioc-finder and iocsearcher on the same texts, in one run.

Scoring: each tool's findings are mapped to Lockstep's type names and put in Lockstep's canonical form (a value
that does not canonicalise stays as found and so cannot match). A domain or IP a tool reports that is only the
host of a URL or e-mail address it also reported is dropped for every tool alike (the corpus records hosts
inside URLs as part of the URL). Types a tool does not support count as misses for it.

Usage: python bench/extraction.py [--megabytes 2]
Needs: pip install iocextract ioc-finder iocsearcher (the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import django

django.setup()

from lockstep.intel.canonical import InvalidValue, canonical
from lockstep.intel.extract import extract

CORPUS = Path(__file__).resolve().parent.parent / "lockstep/intel/tests/corpus/extraction.jsonl"
Found = set[tuple[str, str]]


def lockstep_tool(text: str, country: str | None) -> Iterable[tuple[str, str]]:
    for kind, values in extract(text, country).items():
        for value in values:
            yield kind, value


def iocextract_tool(text: str, country: str | None) -> Iterable[tuple[str, str]]:
    import iocextract

    yield from (("url", v) for v in iocextract.extract_urls(text, refang=True))
    yield from (("ipv4", v) for v in iocextract.extract_ipv4s(text, refang=True))
    yield from (("ipv6", v) for v in iocextract.extract_ipv6s(text))
    yield from (("email", v) for v in iocextract.extract_emails(text, refang=True))
    yield from (("md5", v) for v in iocextract.extract_md5_hashes(text))
    yield from (("sha1", v) for v in iocextract.extract_sha1_hashes(text))
    yield from (("sha256", v) for v in iocextract.extract_sha256_hashes(text))
    yield from (("phone", v) for v in iocextract.extract_telephone_nums(text))


IOC_FINDER_TYPES = {
    "urls": "url",
    "domains": "domain",
    "ipv4s": "ipv4",
    "ipv6s": "ipv6",
    "email_addresses": "email",
    "md5s": "md5",
    "sha1s": "sha1",
    "sha256s": "sha256",
    "ssdeeps": "ssdeep",
    "cves": "cve",
    "asns": "asn",
    "bitcoin_addresses": "btc",
    "monero_addresses": "xmr",
    "phone_numbers": "phone",
    "ipv4_cidrs": "cidr",
    "ethereum_addresses": "eth",
    "imeis": "imei",
}


def ioc_finder_tool(text: str, country: str | None) -> Iterable[tuple[str, str]]:
    from ioc_finder import find_iocs

    found = find_iocs(text, parse_domain_from_url=False, parse_domain_from_email_address=False)
    for key, kind in IOC_FINDER_TYPES.items():
        for value in found.get(key, []) or []:
            yield kind, value


IOCSEARCHER_TYPES = {
    "url": "url",
    "fqdn": "domain",
    "ip4": "ipv4",
    "ip6": "ipv6",
    "email": "email",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "cve": "cve",
    "bitcoin": "btc",
    "ethereum": "eth",
    "monero": "xmr",
    "iban": "iban",
    "phoneNumber": "phone",
    "tron": "trx",
    "litecoin": "ltc",
    "dogecoin": "doge",
    "ripple": "xrp",
    "bitcoincash": "bch",
    "ip4Net": "cidr",
    "asn": "asn",
    "imei": "imei",
}
_SEARCHER = None


def iocsearcher_tool(text: str, country: str | None) -> Iterable[tuple[str, str]]:
    global _SEARCHER
    from iocsearcher.searcher import Searcher

    if _SEARCHER is None:
        _SEARCHER = Searcher()
    for ioc in _SEARCHER.search_data(text):
        kind = IOCSEARCHER_TYPES.get(ioc.name)
        if kind:
            yield kind, ioc.value


TOOLS: dict[str, Callable[[str, str | None], Iterable[tuple[str, str]]]] = {
    "lockstep": lockstep_tool,
    "iocextract": iocextract_tool,
    "ioc-finder": ioc_finder_tool,
    "iocsearcher": iocsearcher_tool,
}


def normalise(found: Iterable[tuple[str, str]], country: str | None) -> Found:
    out: Found = set()
    for kind, value in found:
        value = str(value).strip()
        if kind == "url":
            value = value.rstrip(".,;:!?)'\"")
        try:
            out.add((kind, canonical(kind, value, country=country)))
        except InvalidValue:
            out.add((kind, value))
    hosts = {
        v.split("://", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0].strip("[]")
        for k, v in out
        if k == "url" and "://" in v
    } | {v.split("@", 1)[1] for k, v in out if k == "email" and "@" in v}
    return {(k, v) for k, v in out if not (k in ("domain", "ipv4", "ipv6") and v in hosts)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per tool; the best counts")
    options = parser.parse_args()
    documents = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = {doc["id"]: {(k, v) for k, vs in doc["expected"].items() for v in vs} for doc in documents}
    body = "\n\n".join(doc["text"] for doc in documents)
    repeat = max(1, int(options.megabytes * 1_000_000 / len(body.encode())))
    big = "\n\n".join([body] * repeat)
    megabytes = len(big.encode()) / 1_000_000
    doc_megabytes = repeat * sum(len(doc["text"].encode()) for doc in documents) / 1_000_000
    print(
        f"corpus: {len(documents)} documents, {sum(len(e) for e in expected.values())} expected observables; "
        f"speed over {megabytes:.2f} MB ({repeat} copies)"
    )
    print(
        "| tool | MB/s, one text | MB/s, document by document | precision | recall | F1 | true pos. | "
        "false pos. | missed |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rates: dict[str, float] = {}
    per_document: dict[str, float] = {}
    scores: dict[str, float] = {}
    for name, tool in TOOLS.items():
        list(tool(documents[0]["text"], None))  # warm up (imports, compiled patterns)
        best = min(_timed(lambda tool=tool: list(tool(big, None))) for _ in range(options.repeats))
        # Each document on its own, as reports arrive (no tool keeps anything from one call to the next).
        each = min(
            _timed(lambda tool=tool: [list(tool(doc["text"], None)) for doc in documents * repeat])
            for _ in range(options.repeats)
        )
        tp = fp = fn = 0
        for doc in documents:
            got = normalise(tool(doc["text"], doc["country"]), doc["country"])
            tp += len(got & expected[doc["id"]])
            fp += len(got - expected[doc["id"]])
            fn += len(expected[doc["id"]] - got)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rates[name], per_document[name], scores[name] = megabytes / best, doc_megabytes / each, f1
        print(
            f"| {name} | {megabytes / best:.2f} | {doc_megabytes / each:.2f} | {precision:.3f} | {recall:.3f} | "
            f"{f1:.3f} | {tp} | {fp} | {fn} |",
            flush=True,
        )
    fastest_peer = max(rate for name, rate in rates.items() if name != "lockstep")
    best_peer_f1 = max(score for name, score in scores.items() if name != "lockstep")
    fastest_each = max(rate for name, rate in per_document.items() if name != "lockstep")
    print(
        f"\nLockstep speed / fastest peer: {rates['lockstep'] / fastest_peer:.2f}x on one text, "
        f"{per_document['lockstep'] / fastest_each:.2f}x document by document; "
        f"F1 {scores['lockstep']:.3f} vs best peer {best_peer_f1:.3f}"
    )


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
