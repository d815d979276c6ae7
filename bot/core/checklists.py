"""What a team records after a meeting: the SPIN checklist, the BATNA sheet and the meeting
log's fields — definitions, reading what was typed, validation and completion. Plain Python,
no Slack (seed 000: Probing, Handling objection & Negotiation).

Readers take a plain ``{field key: text | list | None}`` mapping (the handler flattens the
modal's state into it; field keys double as the modal's block ids) and return the data to
store plus ``{field key: InvalidInput}`` for every bad field, so a modal can show all its
errors at once and keep what was typed.

Stored data (JSON):

* SPIN — ``{"awareness": key | None, "mode": "spin" | "direct", "fields": {field: text}}``.
  ``mode`` is the question set the rep used: SPIN (Situation, Problem, Implication,
  Need-payoff) or, for a solution-aware customer, direct questions (reconfirm the problem,
  reveal the benefit). Each question has an ``<key>_asked`` and a ``<key>_learned`` field.
* BATNA — ``{"possible"|"target"|"critical": {"amount": "123.45", "currency": "IDR"} | None,
  "our_alternative", "their_alternative", "dimensions", "objection_notes": text,
  "objections": [product|need|emotion], "responses": [reverse|admit|feel_felt_found],
  "four_rs": [react|recognize|respond|reconfirm]}``.

Completion counts *parts*: SPIN — the awareness plus each question of the mode used (a
question counts when something was asked or learned); BATNA — the three values together, our
alternative, their alternative, new dimensions, objections (anything noted), the 4 R's (all
four ticked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal

from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.matching import fold
from bot.core.money import Money, format_money, parse_amount
from bot.core.reasons import DMU_ROLES, match_role

SPIN: Literal["spin"] = "spin"
BATNA: Literal["batna"] = "batna"
APPROACH: Literal["approach"] = "approach"  # issue 14: Approach preparation
FAB: Literal["fab"] = "fab"  # issue 14: Presentation F.A.B.
KINDS: tuple[str, ...] = (SPIN, BATNA, APPROACH, FAB)
#: The checklists in the order of the sales path (cards, the history).
PATH_ORDER: tuple[str, ...] = (APPROACH, SPIN, FAB, BATNA)
KIND_LABELS = {
    SPIN: N_("SPIN"),
    BATNA: N_("BATNA"),
    APPROACH: N_("Approach preparation"),
    FAB: N_("Presentation F.A.B."),
}
#: Short names for one-line summaries, the same in every language (method names).
SHORT_NAMES = {SPIN: "SPIN", BATNA: "BATNA", APPROACH: "Approach", FAB: "F.A.B."}

TEXT_MAX = 2000  # characters in one answer


@dataclass(frozen=True)
class Choice:
    key: str
    label: str  # English msgid
    description: str | None = None  # English msgid


@dataclass(frozen=True)
class Question:
    """A kind of question: what was asked and what was learned, with a hint of good ones."""

    key: str
    label: str  # English msgid
    hint: str  # English msgid: what good questions of this kind look like

    @property
    def asked(self) -> str:
        return f"{self.key}_asked"

    @property
    def learned(self) -> str:
        return f"{self.key}_learned"


# --- SPIN -------------------------------------------------------------------------------

AWARENESS = "awareness"
UNAWARE, PROBLEM_AWARE, SOLUTION_AWARE = "unaware", "problem_aware", "solution_aware"
AWARENESS_LEVELS: tuple[Choice, ...] = (
    Choice(UNAWARE, N_("Unaware: doesn't see a problem yet")),
    Choice(PROBLEM_AWARE, N_("Problem-aware: feels the problem, not the fix")),
    Choice(SOLUTION_AWARE, N_("Solution-aware: knows products and solutions")),
)
MODE_SPIN, MODE_DIRECT = "spin", "direct"

SPIN_QUESTIONS: tuple[Question, ...] = (
    Question(
        "situation",
        N_("Situation"),
        N_(
            "Facts about how they work today: “How do you handle orders now?”, "
            "“How many people are involved?” Ask few: they bore buyers."
        ),
    ),
    Question(
        "problem",
        N_("Problem"),
        N_(
            "Difficulties and dissatisfaction: “What is hardest about it?”, "
            "“Where does it go wrong?”"
        ),
    ),
    Question(
        "implication",
        N_("Implication"),
        N_(
            "Consequences of the problem: “What does that cost you each month?”, "
            "“How does it affect your customers?”"
        ),
    ),
    Question(
        "need_payoff",
        N_("Need-payoff"),
        N_(
            "The value of solving it, in their words: “How would it help if…?”, "
            "“What would it be worth to you to…?”"
        ),
    ),
)

DIRECT_QUESTIONS: tuple[Question, ...] = (
    Question(
        "reconfirm_problem",
        N_("Asking / reconfirming the problem"),
        N_(
            "Explore the problem, difficulties and needs with every possible impact: "
            "“You mentioned slow reporting: what does it hold up?”"
        ),
    ),
    Question(
        "reveal_benefit",
        N_("Revealing the benefit"),
        N_(
            "Find the added value they need: “What would make this worth switching for?”, "
            "“Which result matters most to you?”"
        ),
    ),
)

QUESTIONS_BY_MODE = {MODE_SPIN: SPIN_QUESTIONS, MODE_DIRECT: DIRECT_QUESTIONS}


def suggested_mode(awareness: str | None) -> str:
    """Solution-aware customers: direct questions fit better; otherwise SPIN."""
    return MODE_DIRECT if awareness == SOLUTION_AWARE else MODE_SPIN


def spin_fields(mode: str) -> list[str]:
    return [f for q in QUESTIONS_BY_MODE[mode] for f in (q.asked, q.learned)]


ALL_SPIN_FIELDS = tuple(spin_fields(MODE_SPIN) + spin_fields(MODE_DIRECT))


# --- BATNA ------------------------------------------------------------------------------

POSSIBLE, TARGET, CRITICAL = "possible", "target", "critical"
VALUE_FIELDS: tuple[Choice, ...] = (
    Choice(POSSIBLE, N_("Possible (opening, best case)"), N_("Where you open the negotiation.")),
    Choice(TARGET, N_("Target (ideal)"), N_("The middle point you would be happy with.")),
    Choice(CRITICAL, N_("Critical (walk-away)"), N_("The least you accept, or the deal is off.")),
)
OUR_ALTERNATIVE, THEIR_ALTERNATIVE = "our_alternative", "their_alternative"
DIMENSIONS, OBJECTIONS, RESPONSES = "dimensions", "objections", "responses"
OBJECTION_NOTES, FOUR_RS = "objection_notes", "four_rs"
BATNA_TEXTS = (OUR_ALTERNATIVE, THEIR_ALTERNATIVE, DIMENSIONS, OBJECTION_NOTES)

OBJECTION_TYPES: tuple[Choice, ...] = (
    Choice("product", N_("Product"), N_("A feature doesn't seem to add value")),
    Choice("need", N_("Need"), N_("No urgency to use the product")),
    Choice("emotion", N_("Emotion"), N_("Not focused on the explanation")),
)
RESPONSE_METHODS: tuple[Choice, ...] = (
    Choice("reverse", N_("Reverse"), N_("Show you understand, then turn it into a positive")),
    Choice("admit", N_("Admit"), N_("Agree with the objection, then offer an alternative")),
    Choice("feel_felt_found", N_("Feel-felt-found"), N_("Tell a relatable customer's story")),
)
FOUR_R_STEPS: tuple[Choice, ...] = (
    Choice("react", N_("React"), N_("Show understanding, attention and acceptance")),
    Choice("recognize", N_("Recognize"), N_("Name the objection: product, need or emotion")),
    Choice("respond", N_("Respond"), N_("Clarify it, then answer with the right method")),
    Choice("reconfirm", N_("Re-confirm"), N_("Check the objection is resolved")),
)
CHOICES_BY_FIELD = {
    OBJECTIONS: OBJECTION_TYPES,
    RESPONSES: RESPONSE_METHODS,
    FOUR_RS: FOUR_R_STEPS,
}


# --- reading what was typed -------------------------------------------------------------

Raw = Mapping[str, Any]


def _text(raw: Raw, key: str) -> str:
    value = raw.get(key)
    return value.strip() if isinstance(value, str) else ""


def _keys(raw: Raw, key: str, allowed: Sequence[Choice]) -> list[str]:
    value = raw.get(key) or []
    known = [c.key for c in allowed]
    return [k for k in known if k in value]  # in definition order, unknown ones dropped


def _check_length(raw: Raw, keys: Sequence[str], errors: dict[str, InvalidInput]) -> None:
    for key in keys:
        if len(_text(raw, key)) > TEXT_MAX:
            errors[key] = InvalidInput(
                N_("This answer is {n} characters; keep it under {max}."),
                field=key,
                n=len(_text(raw, key)),
                max=TEXT_MAX,
            )


def read_spin(raw: Raw) -> tuple[dict, dict[str, InvalidInput]]:
    awareness = raw.get(AWARENESS)
    if awareness not in {c.key for c in AWARENESS_LEVELS}:
        awareness = None
    mode = raw.get("mode") if raw.get("mode") in QUESTIONS_BY_MODE else suggested_mode(awareness)
    errors: dict[str, InvalidInput] = {}
    _check_length(raw, ALL_SPIN_FIELDS, errors)
    fields = {k: _text(raw, k) for k in ALL_SPIN_FIELDS if _text(raw, k)}
    data = {"awareness": awareness, "mode": mode, "fields": fields}
    if not errors and completion(SPIN, data).filled == 0:
        first = QUESTIONS_BY_MODE[mode][0]
        errors[first.learned] = InvalidInput(
            N_("Nothing to save yet: write at least what you asked or learned."),
            field=first.learned,
        )
    return data, errors


def money_json(money: Money | None) -> dict | None:
    if money is None:
        return None
    return {"amount": format(money.amount.normalize(), "f"), "currency": money.currency}


def money_of(value: Mapping[str, str] | None) -> Money | None:
    if not value:
        return None
    return Money(Decimal(value["amount"]), value["currency"])


def read_batna(
    raw: Raw, *, default_currency: str, locale: str
) -> tuple[dict, dict[str, InvalidInput]]:
    """Parse the sheet; for a seller Possible ≥ Target ≥ Critical, in one currency."""
    errors: dict[str, InvalidInput] = {}
    values: dict[str, Money | None] = {}
    for choice in VALUE_FIELDS:
        text = _text(raw, choice.key)
        values[choice.key] = None
        if text:
            try:
                values[choice.key] = parse_amount(
                    text, default_currency=default_currency, language=locale
                )
            except InvalidInput as err:
                errors[choice.key] = InvalidInput(err.message, field=choice.key, **err.params)
    given = [(k, m) for k, m in values.items() if m is not None]
    if given:
        first = given[0][1]
        for key, money in given[1:]:
            if money.currency != first.currency and key not in errors:
                errors[key] = InvalidInput(
                    N_(
                        "Write the three values in one currency: the first is in {a}, "
                        "this one in {b}."
                    ),
                    field=key,
                    a=first.currency,
                    b=money.currency,
                )
    if not errors:
        _check_order(values, errors, locale)
    _check_length(raw, BATNA_TEXTS, errors)
    data: dict[str, Any] = {k: money_json(m) for k, m in values.items()}
    data.update({k: _text(raw, k) for k in BATNA_TEXTS})
    for key, choices in CHOICES_BY_FIELD.items():
        data[key] = _keys(raw, key, choices)
    if not errors and completion(BATNA, data).filled == 0:
        errors[POSSIBLE] = InvalidInput(
            N_("Nothing to save yet: fill at least one part of the sheet."), field=POSSIBLE
        )
    return data, errors


_ORDER_MESSAGES = {
    (TARGET, POSSIBLE): N_(
        "Target ({low}) is above Possible ({high}). For a seller, Possible (where you open) "
        "≥ Target ≥ Critical (where you walk away)."
    ),
    (CRITICAL, TARGET): N_(
        "Critical ({low}) is above Target ({high}). For a seller, Possible (where you open) "
        "≥ Target ≥ Critical (where you walk away)."
    ),
    (CRITICAL, POSSIBLE): N_(
        "Critical ({low}) is above Possible ({high}). For a seller, Possible (where you open) "
        "≥ Target ≥ Critical (where you walk away)."
    ),
}


def _check_order(values: dict, errors: dict[str, InvalidInput], locale: str) -> None:
    chain = [(k, values[k]) for k in (POSSIBLE, TARGET, CRITICAL) if values[k] is not None]
    for (high_key, high), (low_key, low) in pairwise(chain):
        if low.amount > high.amount:
            errors[low_key] = InvalidInput(
                _ORDER_MESSAGES[(low_key, high_key)],
                field=low_key,
                low=format_money(low, locale),
                high=format_money(high, locale),
            )
            return


# --- completion -------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    filled: int
    total: int

    @property
    def done(self) -> bool:
        return self.filled >= self.total


def completion(kind: str, data: Mapping[str, Any]) -> Completion:
    if kind == APPROACH:
        return _approach_completion(data)
    if kind == FAB:
        return _fab_completion(data)
    if kind == SPIN:
        fields = data.get("fields") or {}
        mode = data.get("mode") if data.get("mode") in QUESTIONS_BY_MODE else MODE_SPIN
        questions = QUESTIONS_BY_MODE[mode]
        asked = sum(1 for q in questions if fields.get(q.asked) or fields.get(q.learned))
        return Completion(asked + (1 if data.get("awareness") else 0), len(questions) + 1)
    parts = [
        all(data.get(c.key) for c in VALUE_FIELDS),
        bool(data.get(OUR_ALTERNATIVE)),
        bool(data.get(THEIR_ALTERNATIVE)),
        bool(data.get(DIMENSIONS)),
        bool(data.get(OBJECTIONS) or data.get(RESPONSES) or data.get(OBJECTION_NOTES)),
        len(data.get(FOUR_RS) or []) == len(FOUR_R_STEPS),
    ]
    return Completion(sum(parts), len(parts))


def completion_label(latest: Mapping[str, tuple[int, int]]) -> str:
    """``{"spin": (3, 5)}`` → ``SPIN 3/5 · BATNA —``: how far each checklist of a deal is,
    the same in every language (for digests and lists). SPIN and BATNA are always named;
    Approach preparation and F.A.B. once the deal has them."""
    shown = [k for k in PATH_ORDER if k in (SPIN, BATNA) or k in latest]
    return " · ".join(
        f"{SHORT_NAMES[kind]} {latest[kind][0]}/{latest[kind][1]}"
        if kind in latest
        else f"{SHORT_NAMES[kind]} —"
        for kind in sorted(shown, key=lambda k: (k not in (SPIN, BATNA), KINDS.index(k)))
    )


# --- Approach preparation (issue 14; seed 000: Approaching) -----------------------------

PROFILE, DMU, MOMENT, MEDIA, MOOD = "profile", "dmu", "moment", "media", "mood"
FORM_NOTES, PURPOSE = "form_notes", "purpose"


@dataclass(frozen=True)
class Prompt:
    """One answer of a checklist: its key (also the modal's block id), label and hint."""

    key: str
    label: str  # English msgid
    hint: str  # English msgid


APPROACH_FIELDS: tuple[Prompt, ...] = (
    Prompt(
        PROFILE,
        N_("Profile studied"),
        N_("Who you are meeting and what they care about: role, company, recent news."),
    ),
    Prompt(
        DMU,
        N_("Decision-maker unit mapped"),
        N_(
            "Who decides, who uses it, who judges it technically, who coaches you. "
            "Start with the users and the technical people: easy to reach, they know the problem."
        ),
    ),
    Prompt(MOMENT, N_("3M: Moment"), N_("When to reach them, given their work and character.")),
    Prompt(MEDIA, N_("3M: Media"), N_("How to reach them: visit, call, chat, email.")),
    Prompt(MOOD, N_("3M: Mood"), N_("How they felt: tone of voice, answers, face.")),
    Prompt(
        FORM_NOTES,
        N_("F.O.R.M. notes"),
        N_("Small talk that warmed up: Family, Occupation, Recreation, Motivation."),
    ),
    Prompt(PURPOSE, N_("Purpose stated"), N_("Why you came, said plainly, in one sentence.")),
)
APPROACH_KEYS = tuple(p.key for p in APPROACH_FIELDS)
THREE_M = (MOMENT, MEDIA, MOOD)


def read_approach(raw: Raw) -> tuple[dict, dict[str, InvalidInput]]:
    """``{"fields": {key: text}}``; nothing filled is refused under the first field."""
    errors: dict[str, InvalidInput] = {}
    _check_length(raw, APPROACH_KEYS, errors)
    data = {"fields": {k: _text(raw, k) for k in APPROACH_KEYS if _text(raw, k)}}
    if not errors and not data["fields"]:
        errors[PROFILE] = InvalidInput(
            N_("Nothing to save yet: fill at least one part of the preparation."), field=PROFILE
        )
    return data, errors


def _approach_completion(data: Mapping[str, Any]) -> Completion:
    """Five parts: the profile, the decision-maker unit, the 3M (all three), F.O.R.M. notes,
    the purpose."""
    f = data.get("fields") or {}
    parts = [
        bool(f.get(PROFILE)),
        bool(f.get(DMU)),
        all(f.get(k) for k in THREE_M),
        bool(f.get(FORM_NOTES)),
        bool(f.get(PURPOSE)),
    ]
    return Completion(sum(parts), len(parts))


# --- Presentation F.A.B. (issue 14; seed 000: Presentation) -----------------------------

FAB_ROWS = 3  # needs a presentation answers, one row each
FAB_PARTS = ("feature", "advantage", "benefit")
ORDER_FAB, ORDER_BAF = "fab", "baf"  # after SPIN the presentation leads with the benefit
FAB_PROMPTS = {
    "need": Prompt(
        "need", N_("Need {n}"), N_("A need the customer told you (from SPIN: the need-payoff).")
    ),
    "feature": Prompt(
        "feature", N_("Feature"), N_("What is built into the product that answers it.")
    ),
    "advantage": Prompt(
        "advantage", N_("Advantage"), N_("An offer or programme on top of it, often for a while.")
    ),
    "benefit": Prompt("benefit", N_("Benefit"), N_("How it solves their problem, in their words.")),
}


def fab_field(part: str, row: int) -> str:
    """The answer key (and block id) of ``part`` in row ``row`` (1-based): ``benefit_2``."""
    return f"{part}_{row}"


def fab_order(has_spin: bool) -> str:
    return ORDER_BAF if has_spin else ORDER_FAB


def fab_parts(order: str) -> tuple[str, ...]:
    """The order the presentation goes through a need's answer: F, A, B — or B, A, F."""
    return tuple(reversed(FAB_PARTS)) if order == ORDER_BAF else FAB_PARTS


def read_fab(raw: Raw, *, order: str) -> tuple[dict, dict[str, InvalidInput]]:
    """``{"order": "fab"|"baf", "rows": [{"need", "feature", "advantage", "benefit"}]}``,
    rows with nothing in them left out. An answer without its need is refused: a benefit
    answers a need."""
    keys = [fab_field(p, n) for n in range(1, FAB_ROWS + 1) for p in ("need", *FAB_PARTS)]
    errors: dict[str, InvalidInput] = {}
    _check_length(raw, keys, errors)
    rows = []
    for n in range(1, FAB_ROWS + 1):
        row = {p: _text(raw, fab_field(p, n)) for p in ("need", *FAB_PARTS)}
        if not any(row.values()):
            continue
        if not row["need"] and fab_field("need", n) not in errors:
            errors[fab_field("need", n)] = InvalidInput(
                N_("Write the need these answers are for (a need found in SPIN)."),
                field=fab_field("need", n),
            )
        rows.append({k: v for k, v in row.items() if v})
    data = {"order": order if order in (ORDER_FAB, ORDER_BAF) else ORDER_FAB, "rows": rows}
    if not errors and not rows:
        first = fab_field("need", 1)
        errors[first] = InvalidInput(
            N_("Nothing to save yet: write a need and what answers it."), field=first
        )
    return data, errors


def _fab_completion(data: Mapping[str, Any]) -> Completion:
    """One part per need: done when its feature, advantage and benefit are all written."""
    rows = [r for r in data.get("rows") or [] if r.get("need")]
    done = sum(1 for r in rows if all(r.get(p) for p in FAB_PARTS))
    return Completion(done, max(len(rows), 1))


def needs_from_spin(spin: Mapping[str, Any] | None) -> list[str]:
    """The needs a SPIN version found, to start a F.A.B. sheet with: what was learned as
    need-payoff (or, failing that, as the problem; direct questions: the benefit)."""
    fields = (spin or {}).get("fields") or {}
    found = [
        fields.get(key)
        for key in ("need_payoff_learned", "problem_learned", "reveal_benefit_learned")
    ]
    return [text for text in found if text][:FAB_ROWS]


# --- closing (issue 14; seed 000: Closing) ----------------------------------------------

CLOSING_TECHNIQUES: tuple[Choice, ...] = (
    Choice(
        "ask_for_it",
        N_("Ask for it"),
        N_("They showed buying signals (questions, praise, requests) and you asked."),
    ),
    Choice(
        "summary_of_benefit",
        N_("Summary of benefit"),
        N_("You recapped the benefits that matter most to them."),
    ),
    Choice(
        "suggestion_close",
        N_("Suggestion close"),
        N_("You linked their problems to the product and recommended it."),
    ),
)


def closing_technique(key: str | None) -> Choice | None:
    return next((c for c in CLOSING_TECHNIQUES if c.key == key), None)


def read_technique(key: str) -> str:
    if closing_technique(key) is None:
        raise InvalidInput(N_("“{value}” is not a closing technique."), value=key)
    return key


# --- meeting logs -----------------------------------------------------------------------

MAX_ATTENDEES = 20
NOTES_MAX = 3000


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str | None  # a bot.core.reasons.DMU_ROLES key
    title: str | None = None  # what was written when it is not only a role: "IT manager"


def parse_attendees(text: str) -> list[Attendee]:
    """One person a line: ``Budi Santoso, decision maker``, ``Sari (coach)``, ``Andi - tech``,
    ``Andi, IT manager`` or just a name. A decision-maker-unit role (English or Indonesian)
    is recognised — the whole text, or a role named in it (``Head of tech`` → technical
    influence); any other text is kept as the person's title (issue 14)."""
    people: list[Attendee] = []
    lines = [line.strip(" •*-\t") for line in text.splitlines()]
    for n, line in enumerate((x for x in lines if x), start=1):
        name, role_text = _split_role(line)
        role, title = _role_and_title(role_text)
        if role and title is None and "," in name:  # "Andi, IT manager, decision maker"
            name, _, rest = name.partition(",")
            name, title = name.strip(), rest.strip() or None
        if len(name) > 200:
            raise InvalidInput(N_("Line {n}: a name can be at most 200 characters."), n=n)
        if title and len(title) > 200:
            raise InvalidInput(N_("Line {n}: a title can be at most 200 characters."), n=n)
        people.append(Attendee(name, role, title))
    if len(people) > MAX_ATTENDEES:
        raise InvalidInput(N_("Up to {max} attendees, one a line."), max=MAX_ATTENDEES)
    return people


def _role_and_title(text: str | None) -> tuple[str | None, str | None]:
    """``decision maker`` → (decision_maker, None); ``IT manager`` → (None, "IT manager");
    ``Head of tech`` → (technical_influence, "Head of tech")."""
    if not text:
        return None, None
    try:
        return match_role(text).key, None
    except InvalidInput:
        pass
    words = f" {fold(text)} "
    named = [
        r.key
        for r in DMU_ROLES
        if any(
            f" {fold(term)} " in words for term in (r.key.replace("_", " "), r.label, *r.aliases)
        )
    ]
    return (named[0] if len(named) == 1 else None), text


def _split_role(line: str) -> tuple[str, str | None]:
    if line.endswith(")") and "(" in line:
        name, _, role = line[:-1].rpartition("(")
        return name.strip(" ,-–—"), role.strip() or None
    for sep in (",", " — ", " – ", " - ", ":"):
        if sep in line:
            name, _, role = line.rpartition(sep)
            if name.strip():
                return name.strip(), role.strip() or None
    return line, None


@dataclass(frozen=True)
class MeetingLog:
    deal_id: int
    occurred_on: date
    attendees: list[Attendee]
    notes: str
    outcome: str | None
    next_step: str | None
    next_step_due: date | None
    stage_id: int | None


def read_meeting(raw: Raw, *, today: date) -> tuple[MeetingLog | None, dict[str, InvalidInput]]:
    """Read the meeting modal: ``deal`` (id), ``date``, ``attendees``, ``notes``,
    ``outcome``, ``next_step``, ``next_step_due``, ``stage`` (id)."""
    errors: dict[str, InvalidInput] = {}
    deal = raw.get("deal")
    if not is_row_id(deal):
        errors["deal"] = InvalidInput(N_("Pick the deal this meeting was about."), field="deal")
    on = _date(raw.get("date")) or today
    if on > today:
        errors["date"] = InvalidInput(
            N_(
                "{date} is in the future. Log a meeting once it happened; "
                "put a planned one in the next step."
            ),
            field="date",
            date=on.isoformat(),
        )
    attendees: list[Attendee] = []
    try:
        attendees = parse_attendees(_text(raw, "attendees"))
    except InvalidInput as err:
        errors["attendees"] = InvalidInput(err.message, field="attendees", **err.params)
    notes = _text(raw, "notes")
    if problem := _notes_problem(notes, N_("Write a few words about the meeting.")):
        errors["notes"] = problem
    next_step = _text(raw, "next_step") or None
    due = _date(raw.get("next_step_due"))
    if due and not next_step:
        errors["next_step"] = InvalidInput(
            N_("Write the next step that is due on that date (or clear the date)."),
            field="next_step",
        )
    stage = raw.get("stage")
    if errors:
        return None, errors
    return (
        MeetingLog(
            deal_id=int(deal),
            occurred_on=on,
            attendees=attendees,
            notes=notes,
            outcome=_text(raw, "outcome") or None,
            next_step=next_step,
            next_step_due=due,
            stage_id=int(stage) if is_row_id(stage) else None,
        ),
        {},
    )


def _notes_problem(notes: str, missing: str) -> InvalidInput | None:
    """What is wrong with a meeting's or a note's text: none written (``missing`` says what
    to write), or too long."""
    if not notes:
        return InvalidInput(missing, field="notes")
    if len(notes) > NOTES_MAX:
        return InvalidInput(
            N_("The notes are {n} characters; keep them under {max}."),
            field="notes",
            n=len(notes),
            max=NOTES_MAX,
        )
    return None


def read_note(raw: Raw) -> tuple[tuple[int, str] | None, dict[str, InvalidInput]]:
    """Read "Add to deal": ``deal`` (id) and ``notes`` → ``(deal_id, notes)``."""
    errors: dict[str, InvalidInput] = {}
    deal = raw.get("deal")
    notes = _text(raw, "notes")
    if not is_row_id(deal):
        errors["deal"] = InvalidInput(N_("Pick the deal to add this note to."), field="deal")
    if problem := _notes_problem(notes, N_("Write the note (the message's text, or yours).")):
        errors["notes"] = problem
    return (None, errors) if errors else ((int(deal), notes), {})


def is_row_id(value: Any) -> bool:
    """A picker's value that can be a row id: digits, within a database integer (a forged
    payload may send anything)."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
