"""Extraction against the labelled corpus (tests/corpus/extraction.jsonl), and from HTML and PDF files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lockstep.intel.extract import extract, text_of

CORPUS = Path(__file__).resolve().parent / "corpus" / "extraction.jsonl"
DOCUMENTS = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[document["id"] for document in DOCUMENTS])
def test_corpus_document(document: dict[str, Any]) -> None:
    assert extract(document["text"], document["country"]) == document["expected"]


def test_the_corpus_covers_the_hard_cases() -> None:
    ids = {document["id"] for document in DOCUMENTS}
    assert {"defanged-urls", "version-strings", "file-names", "ipv6", "bech32", "phones-ke", "ibans"} <= ids
    kinds = {kind for document in DOCUMENTS for kind in document["expected"]}
    assert {
        "url",
        "domain",
        "ipv4",
        "ipv6",
        "cidr",
        "email",
        "phone",
        "btc",
        "eth",
        "trx",
        "xmr",
        "iban",
        "md5",
        "sha1",
        "sha256",
        "ssdeep",
        "cve",
        "asn",
        "handle",
        "imei",
    } <= kinds


def test_values_come_out_once_in_order_of_appearance() -> None:
    found = extract("b.example-one.net then a.example-two.net then B.EXAMPLE-ONE.NET")
    assert found == {"domain": ["b.example-one.net", "a.example-two.net"]}


def test_text_of_html_keeps_link_targets_and_drops_scripts() -> None:
    page = (
        b"<html><head><script>var x='http://not-this.example-x.com/';</script></head><body>"
        b"<p>Report <a href='https://phish.example-y.com/login'>here</a></p><p>C2 203.0.113.8</p></body></html>"
    )
    text = text_of("page.html", page)
    assert extract(text) == {"url": ["https://phish.example-y.com/login"], "ipv4": ["203.0.113.8"]}


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds ``text`` (built by hand: no PDF writer is a dependency)."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


def test_text_of_pdf() -> None:
    text = text_of("report.pdf", _tiny_pdf("Wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq seen"))
    assert extract(text) == {"btc": ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]}


def test_a_broken_pdf_is_a_clear_error() -> None:
    from lockstep.intel.canonical import InvalidValue

    with pytest.raises(InvalidValue, match="PDF"):
        text_of("bad.pdf", b"%PDF-1.4 garbage")
