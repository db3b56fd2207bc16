"""The notices of the demo: a published Purple notice on a scam method (with linked observables that correlate),
a published Blue notice, a Red notice request waiting in the GS review queue, and a diffusion."""

from __future__ import annotations

from django.db import transaction

from lockstep.directory.models import Agency, User
from lockstep.intel.ingest import Submitted
from lockstep.notices import services
from lockstep.notices.models import Notice

CHECKS = dict.fromkeys(services.CHECKLIST, True)


def load_notices() -> int:
    """Returns how many notices were created (none when the demo's notices exist)."""
    if Notice.objects.filter(title__endswith="(demo)").exists():
        return 0
    officer = User.objects.get(username="ke.officer")
    supervisor = User.objects.get(username="ke.supervisor")
    reviewer = User.objects.filter(username="gs.reviewer").first()
    nigeria = Agency.objects.get(code="NCB-NG")
    created = []
    with transaction.atomic():
        purple = services.draft_notice(
            officer,
            type="purple",
            title="USDT token approval scam (demo)",
            summary="Victims are lured into a fake wallet app that asks them to approve a token allowance.",
            details={
                "modus_operandi": "A fake wallet or investment app asks the victim to approve a USDT allowance for "
                "a contract; the contract then drains the wallet.",
                "prevention": "Never approve unknown contracts; check and revoke allowances; report the address.",
                "indicators": "Telegram 'support desks', look-alike wallet domains.",
            },
            observables=[
                Submitted("handle", "telegram:usdt_support_desk", "fake support desk"),
                Submitted("domain", "usdt-approve-demo.example", "fake wallet site"),
            ],
            translations={
                "fr": {
                    "title": "Escroquerie à l'approbation de jetons USDT (démo)",
                    "summary": "Les victimes sont attirées vers une fausse application de portefeuille qui leur "
                    "demande d'approuver une autorisation de jetons.",
                    "details": {
                        "modus_operandi": "Une fausse application de portefeuille ou d'investissement demande à la "
                        "victime d'approuver une autorisation USDT pour un contrat, qui vide ensuite le portefeuille.",
                        "prevention": "Ne jamais approuver de contrat inconnu ; vérifier et révoquer les autorisations.",
                    },
                },
                "ar": {
                    "title": "احتيال الموافقة على رموز USDT (تجريبي)",
                    "summary": "يُستدرج الضحايا إلى تطبيق محفظة مزيف يطلب منهم الموافقة على صلاحية إنفاق الرموز.",
                },
            },
        )
        blue = services.draft_notice(
            officer,
            type="blue",
            title="Identity of a money-mule recruiter (demo)",
            details={
                "facts": "Recruits students as money mules for romance-scam proceeds.",
                "information_sought": "Identity, location and other accounts.",
            },
            subjects=[
                {
                    "kind": "person",
                    "status": "suspect",
                    "names": ["Daniel Okoro", "D. Okoro"],
                    "documents": [{"type": "passport", "number": "A01234567", "country": "NG"}],
                    "birth_year": 1994,
                    "nationalities": ["NG"],
                }
            ],
        )
        red = services.draft_notice(
            officer,
            type="red",
            title="Wanted: call-centre fraud organiser (demo)",
            details={
                "purpose": "prosecution",
                "charge": "Fraud by means of an ICT system; money laundering",
                "facts": "Ran a call centre that defrauded investors of about USD 4 million.",
                "applicable_law": "Computer Misuse and Cybercrimes Act 2018, s. 26",
                "warrant_reference": "Nairobi CM 112/2026 (demo)",
                "max_penalty_years": "10",
            },
            subjects=[
                {
                    "kind": "person",
                    "status": "accused",
                    "names": ["Ivan Petrov", "Иван Петров"],
                    "birth_year": 1988,
                    "birth_month": 3,
                    "nationalities": ["RU"],
                }
            ],
        )
        diffusion = services.draft_notice(
            officer,
            kind="diffusion",
            type="blue",
            title="Mule account holder, urgent (demo)",
            details={
                "facts": "Received the proceeds of a BEC fraud yesterday.",
                "information_sought": "Identity",
            },
            subjects=[{"kind": "person", "status": "suspect", "names": ["Grace Mensah"]}],
            recipients=[nigeria],
        )
        for notice in (purple, blue, red, diffusion):
            services.ask_approval(officer, notice)
            services.approve_notice(supervisor, notice)
            created.append(notice)
        if reviewer is not None:
            services.publish_notice(reviewer, purple, CHECKS)
            services.publish_notice(reviewer, blue, CHECKS)
    return len(created)
