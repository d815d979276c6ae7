"""What a user can do with a deal: add it (quick add or the form), edit it, move it.

Each function takes the database, who acts, and what the user gave; runs one transaction
through ``run_once`` (a Slack retry is answered with the first result); and returns a result
dataclass the UI renders. Nothing here knows Slack or wording: refusals are domain errors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.core.deals import (
    MOVE_WORDS,
    Actor,
    MovePlan,
    check_move_text,
    ensure_can_change,
    plan_move,
)
from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.gates import Gate, blocking_gate
from bot.core.i18n import N_
from bot.core.matching import Candidate, normalise, split_command
from bot.core.money import AmbiguousAmount, Money, parse_amount
from bot.core.quickadd import QuickAdd, parse_quick_add
from bot.usecases.views import DealView, deal_money, deal_view
from storage import checklists as checklist_store
from storage import deals as store
from storage import lookups
from storage import requests as requests_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database, run_once
from storage.models import Deal, Stage

# --- finding a deal from what a user typed ----------------------------------------------


@dataclass
class Resolved:
    deal: Deal | None = None
    choices: list[Candidate] = field(default_factory=list)  # several matched: pick one
    suggestions: list[Candidate] = field(default_factory=list)  # none matched: closest
    exact: bool = False  # the whole text is the deal's name


def resolve_deal(
    *, session: Session, team_id: str, text: str, status: str | None = None
) -> Resolved:
    """The deal ``text`` names (of ``status`` when the workspace has deals of it): found
    through the database's indexes (``storage.lookups``), matched as
    ``bot.core.matching`` says."""
    text = text.strip().strip('"“”')
    if not text:
        raise InvalidInput(N_("Which deal? Write its name, e.g. “Acme”."), text=text)
    result = lookups.match_deals(session=session, team_id=team_id, text=text, status=status)
    if result.exact is not None:
        deal = store.get_deal(session=session, team_id=team_id, deal_id=result.exact.id)
        return Resolved(deal=deal, exact=True)
    if len(result.matches) == 1:
        deal = store.get_deal(session=session, team_id=team_id, deal_id=result.matches[0].id)
        return Resolved(deal=deal)
    if result.matches:
        return Resolved(choices=list(result.matches))
    return Resolved(suggestions=list(result.suggestions))


@dataclass(frozen=True)
class Choices:
    """The text named several deals (``suggestions`` False) or none, with the closest names:
    the user picks one, and ``then`` (a move, or the card) goes on with it."""

    typed: str
    choices: list[Candidate]
    suggestions: bool
    then: MoveRequest | None = None  # None: open the card


def choices_of(found: Resolved, typed: str, then: MoveRequest | None) -> Choices:
    if found.choices:
        return Choices(typed, found.choices, False, then)
    if found.suggestions:
        return Choices(typed, found.suggestions, True, then)
    raise InvalidInput(
        N_(
            "No deal matches “{typed}”, and there are no deals to suggest. "
            "Add one with /prospect <name>."
        ),
        typed=typed,
    )


# --- quick add --------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    deal: DealView
    parsed: QuickAdd | None = None  # what the quick-add text said; None: from the form


@dataclass(frozen=True)
class Duplicates:
    """Open deals already have this name: ask before adding another."""

    text: str
    deals: list[DealView]


@dataclass(frozen=True)
class AskAmount:
    """The amount's ``m``/``M`` could be million or miliar (``bot.core.money``): ask, and add
    the deal with ``quick_add(text, unit=…)`` once the user picks a reading."""

    text: str  # the whole quick-add text
    typed: str  # the amount as typed
    readings: tuple[Money, ...]  # million, miliar
    units: tuple[int, ...]  # their powers of ten, the answer to give back


def _add(s: Session, actor: Actor, now: datetime, *, owner_id: str | None, **fields) -> Deal:
    """A new deal of ``actor``'s (or ``owner_id``'s), in the first open stage."""
    new = store.NewDeal(owner_id=owner_id or actor.user_id, **fields)
    return store.create_deal(
        session=s, team_id=actor.team_id, created_by=actor.user_id, now=now, new=new
    )


def default_currency(db: Database, team_id: str) -> str:
    with db.read() as s:
        return workspace_store.default_currency(s, team_id)


def quick_add(
    db: Database,
    actor: Actor,
    *,
    text: str,
    key: str | None,
    now: datetime,
    allow_duplicate: bool = False,
    unit: int | None = None,
) -> Created | Duplicates | AskAmount:
    """``/prospect Acme Corp 50jt referral @maria``, read in the actor's language; ``unit``:
    the reading the user picked for an ambiguous ``m``/``M`` (``AskAmount``)."""
    try:
        parsed = parse_quick_add(
            text,
            default_currency=default_currency(db, actor.team_id),
            language=actor.language,
            unit=unit,
        )
    except AmbiguousAmount as asked:
        return AskAmount(text, str(asked.params["text"]), asked.readings, asked.units)

    def created(s: Session, deal: Deal) -> Created:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        return Created(deal_view(deal, stages, s), parsed)

    def work(s: Session) -> tuple[Created | Duplicates, str | None]:
        if not allow_duplicate:
            dups = store.find_open_duplicates(session=s, team_id=actor.team_id, name=parsed.name)
            if dups:
                stages = stage_store.list_stages(session=s, team_id=actor.team_id)
                return Duplicates(text, [deal_view(d, stages) for d in dups]), None
        deal = _add(
            s,
            actor,
            now,
            name=parsed.name,
            owner_id=parsed.owner_id,
            value=parsed.value,
            source=parsed.source.key if parsed.source else None,
        )
        return created(s, deal), str(deal.id)

    def replay(s: Session, record: str) -> Created:
        return created(s, store.get_deal(session=s, team_id=actor.team_id, deal_id=int(record)))

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


# --- the deal form ----------------------------------------------------------------------


@dataclass(frozen=True)
class DealFields:
    """The deal form's answers as typed (``value`` and ``probability`` still text)."""

    name: str = ""
    value: str = ""
    currency: str = ""
    source: str | None = None
    clear_source: bool = False
    owner_id: str | None = None
    contact_name: str = ""
    contact_role: str | None = None
    expected_close: date | None = None
    next_step: str = ""
    next_step_due: date | None = None
    probability: str = ""


@dataclass(frozen=True)
class DealDraft:
    """What the form opens with: the deal's fields (empty for a new deal)."""

    fields: DealFields
    deal_id: int | None = None
    owner_id: str | None = None


def plain_amount(money: Money) -> str:
    """The amount as the Edit form shows it: bare digits when they read back as the same
    amount in the form's currency (so changing the Currency menu changes the deal's
    currency), else with its currency code so that nothing is misread."""
    text = f"{money.amount.normalize():f}"
    try:
        if parse_amount(text, default_currency=money.currency) == money:
            return text
    except InvalidInput:
        pass
    return f"{money.currency} {text}"


def draft(db: Database, actor: Actor, *, deal_id: int | None) -> DealDraft:
    """The new-deal form, or the Edit form of a deal its owner or a manager may change."""
    with db.read() as s:
        currency = workspace_store.default_currency(s, actor.team_id)
        if deal_id is None:
            return DealDraft(DealFields(currency=currency, owner_id=actor.user_id))
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        ensure_can_change(actor, deal)
        contacts = store.deal_contacts(session=s, team_id=actor.team_id, deal_id=deal.id)
    money = deal_money(deal)
    fields = DealFields(
        name=deal.name,
        value=plain_amount(money) if money else "",
        currency=deal.currency,
        source=deal.source,
        owner_id=deal.owner_id,
        contact_name=contacts[0].name if contacts else "",
        contact_role=contacts[0].role if contacts else None,
        expected_close=deal.expected_close,
        next_step=deal.next_step or "",
        next_step_due=deal.next_step_due,
        probability="" if deal.probability is None else str(deal.probability),
    )
    return DealDraft(fields, deal.id, deal.owner_id)


@dataclass(frozen=True)
class Valid:
    """The form's answers once read: every field checked."""

    name: str
    value: Money | None
    source: str | None
    clear_source: bool
    owner_id: str | None
    contact_name: str | None
    contact_role: str | None
    expected_close: date | None
    next_step: str | None
    next_step_due: date | None
    probability: int | None


def _probability(text: str) -> int | None:
    if text in (None, ""):
        return None
    try:
        p = int(text)
    except ValueError:
        p = -1
    if not 0 <= p <= 100:
        raise InvalidInput(N_("Write a whole number from 0 to 100, e.g. 40."), field="probability")
    return p


def validate(f: DealFields, *, default_currency: str, language: str = "en") -> Valid:
    """Every field's problem at once (``FieldErrors``), or the answers as values; the value
    read in the user's ``language`` (an ambiguous ``M`` shows both readings under it)."""
    errors: dict[str, DomainError] = {}
    name = f.name.strip()
    if not name:
        errors["name"] = InvalidInput(N_("A deal needs a name."))
    value = None
    if f.value.strip():
        try:
            value = parse_amount(
                f.value.strip(), default_currency=f.currency or default_currency, language=language
            )
        except InvalidInput as err:
            errors["value"] = err
    next_step = f.next_step.strip() or None
    if f.next_step_due and not next_step:
        errors["next_step"] = InvalidInput(
            N_("Write the next step that is due on that date (or clear the date).")
        )
    probability = None
    try:
        probability = _probability(f.probability)
    except InvalidInput as err:
        errors["probability"] = err
    field_errors(errors)
    return Valid(
        name=name,
        value=value,
        source=None if f.clear_source else f.source,
        clear_source=f.clear_source,
        owner_id=f.owner_id,
        contact_name=f.contact_name.strip() or None,
        contact_role=f.contact_role,
        expected_close=f.expected_close,
        next_step=next_step,
        next_step_due=f.next_step_due,
        probability=probability,
    )


def check_dates(v: Valid, today: date, stored: Deal | None = None) -> None:
    """A close date or a due date newly set before today is most likely a slip of the date
    picker; a date already stored (a deal gone overdue) may stay as it is."""
    errors: dict[str, DomainError] = {}
    for key, msgid in (
        (
            "expected_close",
            N_("That close date ({date}) is already past. Pick today or a later day."),
        ),
        ("next_step_due", N_("That due date ({date}) is already past. Pick today or a later day.")),
    ):
        when = getattr(v, key)
        unchanged = stored is not None and getattr(stored, key) == when
        if when is not None and when < today and not unchanged:
            errors[key] = InvalidInput(msgid, date=when)
    field_errors(errors)


@dataclass(frozen=True)
class Saved:
    deal_id: int
    name: str
    value: Money | None = None  # as just typed, echoed back in full


@dataclass(frozen=True)
class SameNameWarning:
    """An open deal already has the new deal's name: said once per form; the same form
    submitted again adds the deal."""

    name: str
    owner_id: str
    stage: str
    more: int


@dataclass(frozen=True)
class Retried:
    """A retry of a submission already saved: its first copy answered."""


def save(
    db: Database,
    actor: Actor,
    *,
    fields: DealFields,
    deal_id: int | None,
    form_id: str,
    key: str | None,
    now: datetime,
    today: date,
) -> Created | Saved | SameNameWarning | Retried:
    """The deal form submitted: a new deal, or the edits of ``deal_id``."""
    valid = validate(
        fields, default_currency=default_currency(db, actor.team_id), language=actor.language
    )
    if deal_id is not None:

        def edit(s: Session):
            return _edit(s, actor, deal_id, valid, now, today)

        return run_once(db, team_id=actor.team_id, key=key, work=edit, replay=_retried)

    def create(s: Session):
        return _create(s, actor, valid, form_id=form_id, key=key, now=now, today=today)

    return run_once(db, team_id=actor.team_id, key=key, work=create, replay=_retried)


def _retried(_s: Session, _record: str) -> Retried:
    return Retried()


def _edit(
    s: Session, actor: Actor, deal_id: int, v: Valid, now: datetime, today: date
) -> tuple[Saved, str]:
    deal = store.lock_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
    ensure_can_change(actor, deal)
    check_dates(v, today, stored=deal)
    store.update_deal(
        session=s,
        team_id=actor.team_id,
        deal=deal,
        by=actor.user_id,
        now=now,
        changes=store.DealChanges(
            name=v.name,
            value=v.value,
            clear_value=v.value is None,
            source=v.source,
            clear_source=v.clear_source,
            owner_id=v.owner_id,
            expected_close=v.expected_close,
            clear_close=v.expected_close is None,
            next_step=v.next_step or "",
            next_step_due=v.next_step_due,
            probability=v.probability,
            clear_probability=v.probability is None,
            contact_name=v.contact_name or "",
            contact_role=v.contact_role,
        ),
    )
    return Saved(deal.id, deal.name, v.value), str(deal.id)


def _create(
    s: Session, actor: Actor, v: Valid, *, form_id: str, key: str | None, now: datetime, today
) -> tuple[Created | SameNameWarning | Retried, str | None]:
    check_dates(v, today)
    dups = store.find_open_duplicates(session=s, team_id=actor.team_id, name=v.name)
    if dups and key and requests_store.previous_result(session=s, team_id=actor.team_id, key=key):
        return Retried(), None  # a racing copy of this request saved it
    warning = _same_name_warning(s, actor.team_id, dups, v.name, form_id=form_id, key=key)
    if warning is not None:
        return warning, None
    deal = _add(
        s,
        actor,
        now,
        name=v.name,
        owner_id=v.owner_id,
        value=v.value,
        source=v.source,
        contact_name=v.contact_name,
        contact_role=v.contact_role,
        expected_close=v.expected_close,
        next_step=v.next_step,
        next_step_due=v.next_step_due,
    )
    stages = stage_store.list_stages(session=s, team_id=actor.team_id)
    return Created(deal_view(deal, stages, s)), str(deal.id)


def _same_name_warning(
    s: Session, team_id: str, dups: list[Deal], name: str, *, form_id: str, key: str | None
) -> SameNameWarning | None:
    """The warning is remembered per form (Slack keeps the view id while the modal stays
    open) with the submission that got it, so a Slack retry of that submission gets the
    same warning rather than a deal, and the form submitted again adds the deal."""
    if not dups:
        return None
    digest = hashlib.sha1(normalise(name).encode()).hexdigest()[:16]
    warned_key = f"dup:{form_id}:{digest}"
    warned_by = requests_store.previous_result(session=s, team_id=team_id, key=warned_key)
    if warned_by is not None and warned_by != (key or ""):
        return None  # asked once on this form, and the user pressed "Add deal" again
    if warned_by is None:
        requests_store.record_request(session=s, team_id=team_id, key=warned_key, result=key or "")
    stages = {st.id: st.name for st in stage_store.list_stages(session=s, team_id=team_id)}
    first = dups[0]
    return SameNameWarning(
        first.name, first.owner_id, stages.get(first.stage_id, "?"), len(dups) - 1
    )


# --- moving a deal ----------------------------------------------------------------------


@dataclass(frozen=True)
class MoveRequest:
    """A move as typed: ``/advance Acme to probing`` → ("to", "probing"). ``from_stage``:
    the stage the user saw when confirming (a move is refused when it moved meanwhile)."""

    keyword: str | None = None
    rest: str = ""
    from_stage: int | None = None


@dataclass(frozen=True)
class Moved:
    deal: DealView
    before: str
    after: str
    after_key: str | None  # the new stage's default key, for its playbook


@dataclass(frozen=True)
class NeedsConfirm:
    """A move back, or re-opening a closed deal: asked before it is made."""

    deal: DealView
    target: str
    kind: str  # "backward" | "reopen"
    then: MoveRequest


@dataclass(frozen=True)
class Gated:
    """The target stage asks for a checklist the deal lacks."""

    deal_id: int
    deal_name: str
    stage: str
    gate: Gate
    then: MoveRequest


MoveResult = Moved | NeedsConfirm | Gated


def advance_text(
    db: Database, actor: Actor, *, text: str, key: str | None, now: datetime
) -> MoveResult | Choices:
    """``/advance <deal> [to <stage> | won | lost <reason> [note]]``."""
    deal_text, keyword, rest = split_command(text, MOVE_WORDS)
    check_move_text(rest)  # before a picker carries it in its buttons
    with db.read() as s:
        found = resolve_deal(session=s, team_id=actor.team_id, text=deal_text)
    then = MoveRequest(keyword, rest)
    if found.deal is None:
        return choices_of(found, deal_text, then)
    return move(db, actor, deal_id=found.deal.id, request=then, key=key, now=now)


def _moved(s: Session, deal: Deal, before: Stage, after: Stage) -> Moved:
    stages = stage_store.list_stages(session=s, team_id=deal.team_id)
    return Moved(deal_view(deal, stages, s), before.name, after.name, after.key)


def apply_move(
    *, session: Session, actor: Actor, deal: Deal, plan: MovePlan, now: datetime
) -> tuple[Stage, Stage]:
    ensure_can_change(actor, deal)
    before = stage_store.get_stage(session=session, team_id=actor.team_id, stage_id=deal.stage_id)
    store.move_deal(
        session=session,
        team_id=actor.team_id,
        deal=deal,
        to_stage=plan.target,
        by=actor.user_id,
        now=now,
        lost_reason=plan.lost_reason,
        lost_note=plan.lost_note,
    )
    return before, plan.target


def move(
    db: Database,
    actor: Actor,
    *,
    deal_id: int,
    request: MoveRequest,
    key: str | None,
    now: datetime,
    confirmed: bool = False,
    gate_override: bool = False,  # "Move anyway" past a warning gate (never a required one)
) -> MoveResult:
    """Move a deal as ``request`` says, asking first when it goes back or re-opens a closed
    deal, and stopping at a stage gate whose checklist is missing."""

    def work(s: Session) -> tuple[MoveResult, str | None]:
        deal = store.lock_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        ensure_can_change(actor, deal)
        if request.from_stage is not None and deal.stage_id != request.from_stage:
            raise InvalidInput(
                N_(
                    "“{deal}” was moved by someone else meanwhile; "
                    "nothing changed. Look at it again with /pipeline {deal}."
                ),
                deal=deal.name,
            )
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        plan = plan_move(stages=stages, deal=deal, keyword=request.keyword, rest=request.rest)
        then = MoveRequest(request.keyword, request.rest, deal.stage_id)
        if plan.needs_confirm and not confirmed:
            view = deal_view(deal, stages)
            return NeedsConfirm(view, plan.target.name, plan.needs_confirm, then), None
        have = checklist_store.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
        gate = blocking_gate(plan.target, have)
        if gate is not None and (gate.required or not gate_override):
            return Gated(deal.id, deal.name, plan.target.name, gate, then), None
        before, after = apply_move(session=s, actor=actor, deal=deal, plan=plan, now=now)
        return _moved(s, deal, before, after), f"{before.id}>{after.id}"

    def replay(s: Session, record: str) -> Moved:  # a retry of a move already made
        before_id, after_id = (int(x) for x in record.split(">"))
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        get = stage_store.get_stage
        return _moved(
            s,
            deal,
            get(session=s, team_id=actor.team_id, stage_id=before_id),
            get(session=s, team_id=actor.team_id, stage_id=after_id),
        )

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
