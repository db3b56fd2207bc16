"""The operation report (PDF): the press sentence, the operation's facts, the totals, the infrastructure by
takedown state (drawn as a bar), the results of each country with the money lines and the conversion rates
used, in the reader's language (Arabic right to left). Laid out with the notices' page (fpdf2, DejaVu Sans)."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.notices.printing import RTL, PrintedPage
from lockstep.operations import services
from lockstep.operations.charts import COLOURS
from lockstep.operations.models import COUNTS, MoneyKind, ParticipantRole, TakedownState
from lockstep.operations.results import dashboard, press_figures


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def operation_pdf(actor: User, code_name: str) -> tuple[str, bytes]:
    """The file name and the PDF of an operation the actor's agency takes part in, audited."""
    operation = services.get_operation_for(actor, code_name)
    figures = dashboard(operation)
    rtl = (translation.get_language() or "en") in RTL
    printed = timezone.now().astimezone(datetime.UTC)
    footer = _(
        "Printed from Lockstep by %(user)s (%(agency)s) on %(when)s UTC, for the participants of operation "
        "%(name)s."
    ) % {
        "user": actor.username,
        "agency": actor.agency.code,
        "when": printed.strftime("%Y-%m-%d %H:%M"),
        "name": operation.code_name,
    }
    press = press_figures(operation, figures)
    participants = list(operation.participants.select_related("agency").order_by("agency__code"))
    text = " ".join(
        [
            operation.objectives,
            operation.crime_focus,
            press,
            *(p.agency.name for p in participants),
            *(r["country_name"] for r in figures["countries"]),
        ]
    )
    pdf = PrintedPage(operation.code_name, footer, text)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_title(_("Operation %(name)s") % {"name": operation.code_name})
    pdf.set_lang(translation.get_language() or "en")
    line = pdf.text_line
    line(_("Operation %(name)s") % {"name": operation.code_name}, 16, bold=True, rtl=rtl)
    line(press, 10.5, rtl=rtl)
    pdf.ln(2)
    co_leads = [p.agency.code for p in participants if p.role == ParticipantRole.CO_LEAD]
    facts: list[tuple[str, str]] = [
        (_("Objectives"), operation.objectives),
        (_("Crime focus"), operation.crime_focus),
        (_("Lead agency"), f"{operation.lead.code} · {operation.lead.name}"),
        (_("Co-leading bodies"), ", ".join(co_leads) or "-"),
        (_("Status"), operation.get_status_display()),
        (_("Participating countries"), str(figures["participating_countries"])),
        (_("Agencies that reported results"), str(figures["reporting_agencies"])),
    ]
    for phase in operation.phases.all():
        facts.append(
            (phase.get_kind_display(), f"{phase.starts_on.isoformat()} - {phase.ends_on.isoformat()}")
        )
    for label, value in facts:
        line(f"{label}: {value}", 9.5, rtl=rtl)

    pdf.ln(2)
    line(_("Totals"), 12, bold=True, rtl=rtl)
    for name, count_label in COUNTS:
        line(f"{count_label}: {figures['totals'][name]:,}", 9.5, rtl=rtl)
    money_labels = dict(MoneyKind.choices)
    for kind in MoneyKind.values:
        if figures["usd"][kind]:
            line(f"{money_labels[kind]}: USD {figures['usd'][kind]:,.2f}", 9.5, rtl=rtl)

    pdf.ln(2)
    line(_("Infrastructure"), 12, bold=True, rtl=rtl)
    line(
        _("%(down)s of %(identified)s identified items taken down (%(share)s).")
        % {
            "down": f"{figures['taken_down']:,}",
            "identified": f"{figures['identified']:,}",
            "share": f"{figures['taken_down_share']:.0%}",
        },
        9.5,
        rtl=rtl,
    )
    state_labels = dict(TakedownState.choices)
    if figures["identified"]:
        x, y = pdf.l_margin, pdf.get_y() + 1
        for state in TakedownState.values:
            width = pdf.epw * figures["infrastructure"][state] / figures["identified"]
            if width:
                pdf.set_fill_color(*_rgb(COLOURS[state]))
                pdf.rect(x, y, width, 6, style="F")
                x += width
        pdf.set_y(y + 8)
    for state in TakedownState.values:
        line(f"{state_labels[state]}: {figures['infrastructure'][state]:,}", 9.5, rtl=rtl)

    pdf.ln(2)
    line(_("Results per country"), 12, bold=True, rtl=rtl)
    if not figures["countries"]:
        line(_("No results reported yet."), 9.5, rtl=rtl)
    labels = dict(COUNTS)
    for row in figures["countries"]:
        pdf.ln(1)
        line(
            _("%(country)s (%(agency)s), version %(version)s of %(date)s")
            % {
                "country": row["country_name"],
                "agency": row["agency"],
                "version": row["version"],
                "date": row["reported_at"].date().isoformat(),
            },
            10,
            bold=True,
            rtl=rtl,
        )
        given = [f"{labels[name]} {value:,}" for name, value in row["counts"].items() if value]
        line("; ".join(given) or _("No figures."), 9, rtl=rtl)
        for money in row["money"]:
            line(
                _("%(kind)s: %(amount)s %(currency)s at %(rate)s USD (rate of %(date)s) = USD %(usd)s")
                % {
                    "kind": money_labels.get(money["kind"], money["kind"]),
                    "amount": f"{money['amount']:,.2f}",
                    "currency": money["currency"],
                    "rate": f"{money['usd_rate'].normalize():f}",
                    "date": money["rate_date"],
                    "usd": f"{money['usd']:,.2f}",
                },
                9,
                rtl=rtl,
            )
    body = bytes(pdf.output())
    record(actor, "operation.report_printed", operation, language=translation.get_language() or "en")
    return f"{operation.code_name}-report.pdf", body
