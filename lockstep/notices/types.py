"""What each notice type must hold (DOMAIN.md section 1), checked in the service: the type's own fields, the
subjects it needs, and the eligibility thresholds the General Secretariat keeps as data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lockstep.errors import InvalidInput
from lockstep.notices.models import EligibilityRule, NoticeType, SubjectKind


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    number: bool = False


@dataclass(frozen=True)
class Spec:
    required: tuple[Field, ...]
    optional: tuple[Field, ...] = ()
    subjects: frozenset[str] = frozenset()  # at least one subject of one of these kinds
    persons_named: bool = False  # every person subject has a name


CHARGE = Field("charge", gettext_lazy("Charge"))
FACTS = Field("facts", gettext_lazy("Summary of the facts"))
SPECS: dict[str, Spec] = {
    NoticeType.RED: Spec(
        (
            Field("purpose", gettext_lazy("Wanted for (prosecution or sentence)")),
            CHARGE,
            FACTS,
            Field("applicable_law", gettext_lazy("Applicable law")),
            Field("warrant_reference", gettext_lazy("Arrest warrant or judgment reference")),
        ),
        (
            Field("max_penalty_years", gettext_lazy("Maximum penalty (years)"), number=True),
            Field("sentence_remaining_months", gettext_lazy("Sentence remaining (months)"), number=True),
        ),
        frozenset({SubjectKind.PERSON}),
        persons_named=True,
    ),
    NoticeType.YELLOW: Spec(
        (Field("circumstances", gettext_lazy("Circumstances of the disappearance")),),
        (Field("missing_since", gettext_lazy("Missing since")),),
        frozenset({SubjectKind.PERSON}),
    ),
    NoticeType.BLUE: Spec(
        (FACTS, Field("information_sought", gettext_lazy("Information sought"))),
        (CHARGE,),
        frozenset({SubjectKind.PERSON}),
    ),
    NoticeType.BLACK: Spec(
        (
            Field("found_at", gettext_lazy("Where and when the body was found")),
            Field("body_description", gettext_lazy("Description of the body")),
        ),
    ),
    NoticeType.GREEN: Spec(
        (Field("threat", gettext_lazy("Criminal activities and the threat they pose")),),
        (CHARGE,),
        frozenset({SubjectKind.PERSON}),
        persons_named=True,
    ),
    NoticeType.ORANGE: Spec(
        (
            Field("threat", gettext_lazy("The threat")),
            Field("imminence", gettext_lazy("Why it is imminent (date or window)")),
        ),
        (Field("precautions", gettext_lazy("Precautions to take")),),
    ),
    NoticeType.PURPLE: Spec(
        (
            Field("modus_operandi", gettext_lazy("Modus operandi")),
            Field("prevention", gettext_lazy("Prevention advice")),
        ),
        (Field("indicators", gettext_lazy("Indicators")),),
    ),
    NoticeType.SILVER: Spec((FACTS,), (CHARGE,), frozenset({SubjectKind.ASSET})),
    NoticeType.UN_SPECIAL: Spec(
        (
            Field("committee", gettext_lazy("Sanctions committee")),
            Field("listing_reference", gettext_lazy("Listing reference")),
        ),
        (),
        frozenset({SubjectKind.PERSON, SubjectKind.ENTITY}),
        persons_named=True,
    ),
}
DEFAULT_RULES = {
    "red.min_penalty_years": (
        Decimal(2),
        "Red notice for prosecution: the offence is punishable by at least this many years (RPD Art. 83)",
    ),
    "red.min_sentence_months": (
        Decimal(6),
        "Red notice to serve a sentence: at least this many months remain to be served (RPD Art. 83)",
    ),
    "validity.years": (Decimal(5), "A notice is valid this many years, then lapses unless extended"),
    "validity.warn_months": (Decimal(6), "The owner is asked to extend or let lapse this long before expiry"),
}


def rule(key: str) -> Decimal:
    found = EligibilityRule.objects.filter(key=key).values_list("value", flat=True).first()
    return Decimal(found) if found is not None else DEFAULT_RULES[key][0]


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def check_notice(notice_type: str, details: dict[str, Any], subjects: list[dict[str, Any]]) -> None:
    """InvalidInput naming every missing or ineligible field of a request of ``notice_type``."""
    if notice_type not in SPECS:
        raise InvalidInput(_("Unknown notice type."), fields={"type": [str(notice_type)]})
    spec = SPECS[notice_type]
    errors: dict[str, list[str]] = {}
    for field in spec.required:
        if not str(details.get(field.name) or "").strip():
            errors[f"details.{field.name}"] = [_("%(field)s is required.") % {"field": field.label}]
    for field in (*spec.required, *spec.optional):
        if (
            field.number
            and details.get(field.name) not in (None, "")
            and _number(details[field.name]) is None
        ):
            errors[f"details.{field.name}"] = [_("%(field)s is a number.") % {"field": field.label}]
    kinds = {str(subject.get("kind", SubjectKind.PERSON)) for subject in subjects}
    if spec.subjects and not kinds & spec.subjects:
        errors["subjects"] = [
            _("This type needs at least one subject of these kinds: %(kinds)s.")
            % {"kinds": ", ".join(sorted(spec.subjects))}
        ]
    if spec.persons_named:
        for index, subject in enumerate(subjects):
            if subject.get("kind", SubjectKind.PERSON) == SubjectKind.PERSON and not subject.get("names"):
                errors[f"subjects[{index}].names"] = [_("A person in this notice needs a name.")]
    if notice_type == NoticeType.RED and not errors:
        _check_red(details, errors)
    if errors:
        raise InvalidInput(_("The request is not complete or not eligible."), fields=errors)


def _check_red(details: dict[str, Any], errors: dict[str, list[str]]) -> None:
    purpose = details.get("purpose")
    if purpose == "prosecution":
        penalty = _number(details.get("max_penalty_years"))
        minimum = rule("red.min_penalty_years")
        if penalty is None or penalty < minimum:
            errors["details.max_penalty_years"] = [
                _("A Red notice for prosecution needs an offence punishable by at least %(years)s years.")
                % {"years": minimum.normalize()}
            ]
    elif purpose == "sentence":
        remaining = _number(details.get("sentence_remaining_months"))
        minimum = rule("red.min_sentence_months")
        if remaining is None or remaining < minimum:
            errors["details.sentence_remaining_months"] = [
                _("A Red notice to serve a sentence needs at least %(months)s months still to serve.")
                % {"months": minimum.normalize()}
            ]
    else:
        errors["details.purpose"] = [
            _("Say whether the person is wanted for prosecution or to serve a sentence.")
        ]


def check_translation(
    notice_type: str, language: str, own_language: str, text: dict[str, Any]
) -> dict[str, Any]:
    """A translation of a notice's content into another official language, checked and trimmed: a title, a
    summary, and text for the type's own fields (numbers are not translated)."""
    from lockstep.notices.models import Language

    if language not in Language.values or language == own_language:
        raise InvalidInput(
            _("Translate into another of the four official languages."), fields={"language": [str(language)]}
        )
    if not isinstance(text, dict) or not str(text.get("title") or "").strip():
        raise InvalidInput(_("Give the translated title."), fields={"title": [_("required")]})
    spec = SPECS[notice_type]
    texts = {field.name for field in (*spec.required, *spec.optional) if not field.number}
    details = text.get("details") or {}
    unknown = (
        sorted(str(key) for key in details if key not in texts) if isinstance(details, dict) else ["details"]
    )
    if unknown:
        raise InvalidInput(_("These are not text fields of this type."), fields={"details": unknown})
    return {
        "title": str(text["title"]).strip()[:200],
        "summary": str(text.get("summary") or "").strip(),
        "details": {key: str(value).strip() for key, value in details.items() if str(value).strip()},
    }
