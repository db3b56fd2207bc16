"""A printable notice (PDF) in one of its languages: its own, or a translation it holds. Labels are in that
language too, Arabic right to left; names keep their scripts (Latin, Cyrillic, Greek, Arabic, Hebrew with DejaVu
Sans; Chinese, Japanese and Korean with WenQuanYi Micro Hei, both Debian packages the Makefile installs).
Without those fonts the PDF is still made with the PDF core font, non-Latin letters shown as '?', and says so.

fpdf2 lays out the page and uharfbuzz shapes Arabic."""

from __future__ import annotations

import datetime
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, NotFound
from lockstep.notices.access import get_notice_for, is_tombstone_for
from lockstep.notices.models import Notice
from lockstep.notices.types import SPECS

FONT_DIRS = [
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts/opentype"),
    Path("/usr/local/share/fonts"),
]
FONTS = {
    "regular": ("dejavu/DejaVuSans.ttf",),
    "bold": ("dejavu/DejaVuSans-Bold.ttf",),
    "cjk": ("wqy/wqy-microhei.ttc", "noto/NotoSansCJK-Regular.ttc"),
}
RTL = frozenset({"ar"})


def _font(kind: str) -> Path | None:
    for folder in FONT_DIRS:
        for name in FONTS[kind]:
            if (folder / name).is_file():
                return folder / name
    return None


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


CJK = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class PrintedPage(FPDF):
    """An A4 page with DejaVu Sans; the CJK font (half a second to load, twice) only when ``text``, all the
    page will print, holds Chinese, Japanese or Korean."""

    def __init__(self, reference: str, footer: str, text: str = "") -> None:
        super().__init__(format="A4")
        self.reference, self.footer_text = reference, footer
        self.unicode = False
        regular, bold, cjk = _font("regular"), _font("bold"), _font("cjk")
        if regular is not None:
            self.add_font("body", "", str(regular))
            self.add_font("body", "B", str(bold or regular))
            self.unicode = True
            if cjk is not None and CJK.search(text):
                self.add_font("cjk", "", str(cjk), collection_font_number=0)
                self.add_font("cjk", "B", str(cjk), collection_font_number=0)  # bold lines keep their glyphs
                self.set_fallback_fonts(["cjk"])
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def font(self, size: float, bold: bool = False) -> None:
        if self.unicode:
            self.set_font("body", "B" if bold else "", size)
        else:
            self.set_font("helvetica", "B" if bold else "", size)

    def text_line(self, text: str, size: float = 10, bold: bool = False, rtl: bool = False) -> None:
        self.font(size, bold)
        if not self.unicode:
            text = text.encode("latin-1", "replace").decode("latin-1")
        shaped = self.unicode and (rtl or _right_to_left(text))
        if shaped:  # Arabic joined and both Arabic and Hebrew in reading order, within the page's direction
            self.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        self.multi_cell(self.epw, size * 0.5, text, align="R" if rtl else "L", new_x="LMARGIN", new_y="NEXT")
        if shaped:
            self.set_text_shaping(False)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(7)
        text = f"{self.footer_text} · {self.reference} · {self.page_no()}/{{nb}}"
        if not self.unicode:
            text = text.encode("latin-1", "replace").decode("latin-1")
        self.multi_cell(self.epw, 3.5, text, align="C")


def notice_pdf(actor: User, notice: Notice, language: str = "") -> bytes:
    """The notice as the actor may see it, in ``language`` (one of its languages; its own by default)."""
    content = notice.content(language)
    shown = str(content["language"])
    rtl = shown in RTL
    with translation.override(shown):
        printed = timezone.now().astimezone(datetime.UTC)
        footer = _(
            "Printed from Lockstep by %(user)s (%(agency)s) on %(when)s UTC. Handle as marked: TLP:%(tlp)s."
        ) % {
            "user": actor.username,
            "agency": actor.agency.code,
            "when": printed.strftime("%Y-%m-%d %H:%M"),
            "tlp": notice.marking.tlp.upper(),
        }
        subjects = list(notice.subjects.prefetch_related("names"))
        values = (
            list(notice.report.observables.order_by("kind", "value").values_list("kind", "value")[:500])
            if notice.report is not None
            else []
        )
        page_text = [
            content,
            values,
            [
                ([name.name for name in s.names.all()], s.description, s.details, s.documents)
                for s in subjects
            ],
        ]
        pdf = PrintedPage(notice.reference, footer, json.dumps(page_text, ensure_ascii=False, default=str))
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.set_title(f"{notice.reference} {content['title']}")
        pdf.set_lang(shown)
        line = pdf.text_line
        line(f"{notice.get_type_display()} · {notice.reference}", 16, bold=True, rtl=rtl)
        line(str(content["title"]), 13, bold=True, rtl=rtl)
        pdf.ln(2)
        facts = [
            (_("Kind"), notice.get_kind_display()),
            (_("Status"), notice.get_status_display()),
            (_("Requested by"), f"{notice.owner.code} · {notice.owner.name}"),
            (_("Published or sent"), notice.published_at.date().isoformat() if notice.published_at else "-"),
            (_("Valid until"), notice.valid_until.isoformat() if notice.valid_until else "-"),
            (_("Handling"), f"TLP:{notice.marking.tlp.upper()}"),
            (_("Languages"), ", ".join(notice.languages)),
        ]
        for label, value in facts:
            line(f"{label}: {value}", 9.5, rtl=rtl)
        if not pdf.unicode:
            line(
                _("The fonts for other scripts are not installed on this server: their letters show as '?'."),
                8,
            )
        if content["summary"]:
            pdf.ln(2)
            line(_("Summary"), 11, bold=True, rtl=rtl)
            line(str(content["summary"]), 10, rtl=rtl)
        spec = SPECS[notice.type]
        details: dict[str, Any] = content["details"]  # type: ignore[assignment]
        fields = [
            field for field in (*spec.required, *spec.optional) if str(details.get(field.name) or "").strip()
        ]
        if fields:
            pdf.ln(2)
            line(_("Details"), 11, bold=True, rtl=rtl)
            for field in fields:
                line(str(field.label), 9, bold=True, rtl=rtl)
                line(str(details[field.name]), 10, rtl=rtl)
        for number, subject in enumerate(subjects, start=1):
            pdf.ln(2)
            kind = subject.get_kind_display() + (
                f" · {subject.get_status_display()}" if subject.status else ""
            )
            line(_("Subject %(number)s: %(kind)s") % {"number": number, "kind": kind}, 11, bold=True, rtl=rtl)
            if subject.photo:
                pdf.image(io.BytesIO(bytes(subject.photo)), x=pdf.w - pdf.r_margin - 30, w=30)
            for name in subject.names.all():
                label = _("Alias") if name.alias else _("Name")
                line(f"{label}: {name.name}" + (f" ({name.script})" if name.script else ""), 10, rtl=rtl)
            if subject.birth_text:
                line(f"{_('Date of birth')}: {subject.birth_text}", 10, rtl=rtl)
            if subject.nationalities:
                line(f"{_('Nationalities')}: {', '.join(subject.nationalities)}", 10, rtl=rtl)
            for document in subject.documents:
                text = " ".join(str(document.get(key, "")) for key in ("type", "number", "country")).strip()
                line(f"{_('Identity document')}: {text}", 10, rtl=rtl)
            if subject.description:
                line(subject.description, 10, rtl=rtl)
            for key, value in subject.details.items():
                line(f"{key}: {value}", 10, rtl=rtl)
        if values:
            pdf.ln(2)
            line(_("Linked values"), 11, bold=True, rtl=rtl)
            for kind_name, value in values:
                line(f"{kind_name}: {value}", 9.5)
    return bytes(pdf.output())


def print_notice(actor: User, reference: str, language: str = "") -> tuple[str, bytes]:
    """The file name and PDF of a notice the actor may see in full (a tombstone is not printed), audited."""
    notice = get_notice_for(actor, reference)
    if is_tombstone_for(actor, notice):
        raise NotFound()
    if language and language not in notice.languages:
        raise InvalidInput(
            _("This notice is in %(languages)s.") % {"languages": ", ".join(notice.languages)},
            fields={"language": [language]},
        )
    body = notice_pdf(actor, notice, language)
    record(actor, f"{notice.kind}.printed", notice, language=language or notice.language)
    return f"{notice.reference}-{language or notice.language}.pdf", body


def pdf_response(filename: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
