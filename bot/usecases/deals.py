"""What a user can do with a deal: add it (quick add or the form), edit it, move it.

Each function takes the database, who acts, and what the user gave; runs one transaction
through ``run_once`` (a Slack retry is answered with the first result); and returns a result
dataclass the UI renders. Nothing here knows Slack or wording: refusals are domain errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from bot.core.aftersales import UNDO_WINDOW, keep_check_day
from bot.core.deals import (
    MOVE_WORDS,
    Actor,
    MovePlan,
    check_move_text,
    ensure_can_change,
    plan_move,
    read_move,
    wants_decision_maker,
)
from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.gates import Gate, blocking_gate
from bot.core.i18n import N_
from bot.core.matching import Candidate, normalise, split_command
from bot.core.money import SUPPORTED_CURRENCIES, AmbiguousAmount, Money, parse_amount
from bot.core.quickadd import CurrencyQuestion, QuickAdd, read_quick_add
from bot.core.stages import OPEN, WON
from bot.usecases.common import change_deal, deal_to_change
from bot.usecases.views import DealView, deal_money, deal_view
from storage import aftersales as after_store
from storage import checklists as checklist_store
from storage import deals as store
from storage import lookups, removal
from storage import requests as requests_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database, run_once
from storage.inserts import columns_of
from storage.models import Deal, Stage, StageMove

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
    suggestions = list(result.suggestions)
    survivor = removal.merged_survivor(session=session, team_id=team_id, text=text)
    if survivor is not None:  # a merged deal's name: the deal it went into first (issue 15)
        others = (c for c in suggestions if c.id != survivor.id)
        suggestions = [Candidate(survivor.id, survivor.name), *others]
    return Resolved(suggestions=suggestions)


def deal_named(db: Database, actor: Actor, *, text: str) -> str | None:
    """The name of the deal whose name is the whole ``text``, if there is one (a deal called
    like a sub-command: ``Stats``, ``Team Corp``)."""
    with db.read() as s:
        found = lookups.exact_match(session=s, team_id=actor.team_id, text=text.strip())
    return found.name if found is not None else None


@dataclass(frozen=True)
class Choices:
    """The text named several deals (``suggestions`` False) or none, with the closest names:
    the user picks one, and ``then`` (a move, or the card) goes on with it. ``details``:
    what tells the deals apart (stage, value, owner, created), by deal id."""

    typed: str
    choices: list[Candidate]
    suggestions: bool
    then: MoveRequest | None = None  # None: open the card
    details: dict[int, DealView] = field(default_factory=dict)


def choices_of(
    found: Resolved,
    typed: str,
    then: MoveRequest | None,
    *,
    db: Database | None = None,
    team_id: str | None = None,
) -> Choices:
    """The picker for what ``found`` offers; with ``db``, each deal's details too."""
    if found.choices:
        picked, suggested = found.choices, False
    elif found.suggestions:
        picked, suggested = found.suggestions, True
    else:
        raise InvalidInput(
            N_(
                "No deal matches “{typed}”, and there are no deals to suggest. "
                "Add one with /prospect <name>."
            ),
            typed=typed,
        )
    details = describe(db, team_id, picked) if db is not None and team_id else {}
    return Choices(typed, list(picked), suggested, then, details)


PICKER_MAX = 20  # deals a picker shows (``handlers.ui.deals.pick_deal_blocks``)


def describe(db: Database, team_id: str, picked: Sequence[Candidate]) -> dict[int, DealView]:
    """Stage, value, owner and creation of the deals a picker shows."""
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=team_id)
        out = {}
        for c in picked[:PICKER_MAX]:
            try:
                out[c.id] = deal_view(
                    store.get_deal(session=s, team_id=team_id, deal_id=c.id), stages
                )
            except DomainError:  # deleted meanwhile: the picker shows its name alone
                continue
    return out


# --- quick add --------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    deal: DealView
    parsed: QuickAdd | None = None  # what the quick-add text said; None: from the form


@dataclass(frozen=True)
class CurrencyAsked:
    """``1.5m Initech USD``: a currency code apart from the amount, asked about (issue 14)."""

    text: str
    question: CurrencyQuestion
    mentions: frozenset[str] = frozenset()  # the real mentions the text was read with


@dataclass(frozen=True)
class Duplicates:
    """Open deals already have this name: ask before adding another."""

    text: str
    deals: list[DealView]
    mentions: frozenset[str] = frozenset()  # the real mentions the text was read with


@dataclass(frozen=True)
class AskAmount:
    """The amount's ``m``/``M`` could be million or miliar (``bot.core.money``): ask, and add
    the deal with ``quick_add(text, unit=…)`` once the user picks a reading."""

    text: str  # the whole quick-add text
    typed: str  # the amount as typed
    readings: tuple[Money, ...]  # million, miliar
    units: tuple[int, ...]  # their powers of ten, the answer to give back
    mentions: frozenset[str] = frozenset()  # the real mentions the text was read with


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
    mentions: frozenset[str] | None = None,
) -> Created | Duplicates | AskAmount | CurrencyAsked:
    """``/prospect Acme Corp 50jt referral @maria``, read in the actor's language; ``unit``:
    the reading the user picked for an ambiguous ``m``/``M`` (``AskAmount``); ``mentions``:
    the people the text really mentions (a mention-shaped token of anyone else is refused).
    A currency code written apart from the amount, at the end of the name (``1.5m Initech
    USD``), is asked about first (``CurrencyAsked``)."""
    try:
        parsed = read_quick_add(
            text,
            default_currency=default_currency(db, actor.team_id),
            language=actor.language,
            unit=unit,
            mentions=mentions,
        )
    except AmbiguousAmount as asked:
        found = mentions or frozenset()
        return AskAmount(text, str(asked.params["text"]), asked.readings, asked.units, found)
    if isinstance(parsed, CurrencyQuestion):
        return CurrencyAsked(text, parsed, mentions or frozenset())

    def created(s: Session, deal: Deal) -> Created:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        return Created(deal_view(deal, stages, s), parsed)

    def work(s: Session) -> tuple[Created | Duplicates, str | None]:
        if not allow_duplicate:
            dups = store.find_open_duplicates(session=s, team_id=actor.team_id, name=parsed.name)
            if dups:
                stages = stage_store.list_stages(session=s, team_id=actor.team_id)
                views = [deal_view(d, stages) for d in dups]
                return Duplicates(text, views, mentions or frozenset()), None
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
    grow_of: int | None = None  # a Grow deal's form: the won deal it grows


def _grouped(money: Money) -> str:
    """Digits in groups of three, without a currency: ``150.000.000`` for IDR and JPY (no
    decimals), ``5,000.50`` for the others."""
    places = 0 if money.currency in ("IDR", "JPY") else 2
    amount = money.amount.quantize(Decimal(1).scaleb(-places))
    text = f"{amount:,.{places}f}"
    if places == 0:
        return text.replace(",", ".")
    return text.removesuffix(".00")


def plain_amount(money: Money) -> str:
    """The amount as the Edit form shows it: digits in groups (``150.000.000``) when they
    read back as the same amount in the form's currency (so changing the Currency menu
    changes the deal's currency), else bare digits, else with its currency code so that
    nothing is misread."""
    for text in (_grouped(money), f"{money.amount.normalize():f}"):
        try:
            if parse_amount(text, default_currency=money.currency) == money:
                return text
        except InvalidInput:
            pass
    return f"{money.currency} {money.amount.normalize():f}"


def draft(db: Database, actor: Actor, *, deal_id: int | None) -> DealDraft:
    """The new-deal form, or the Edit form of a deal its owner or a manager may change."""
    with db.read() as s:
        currency = workspace_store.default_currency(s, actor.team_id)
        if deal_id is None:
            return DealDraft(DealFields(currency=currency, owner_id=actor.user_id))
        deal = deal_to_change(s, actor, deal_id)
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
    currency = f.currency or default_currency
    if currency not in SUPPORTED_CURRENCIES:  # the menu offers no other (a forged form might)
        errors["currency"] = InvalidInput(N_("Pick a currency from the list."))
    elif f.value.strip():
        try:
            value = parse_amount(f.value.strip(), default_currency=currency, language=language)
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
class Change:
    """One field an edit changed: its key (``value``, ``next_step``…) and both values, as
    stored (a ``Money``, a date, a source key, a user id, text)."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Saved:
    deal_id: int
    name: str
    changes: tuple[Change, ...] = ()
    value: Money | None = None  # as just typed, echoed back in full


def _snapshot(s: Session, deal: Deal) -> dict[str, object]:
    contacts = store.deal_contacts(session=s, team_id=deal.team_id, deal_id=deal.id)
    primary = next((c for c in contacts if c.is_primary), None)
    return {
        "name": deal.name,
        "value": deal_money(deal),
        "source": deal.source,
        "owner": deal.owner_id,
        "contact": primary.name if primary else None,
        "contact_role": primary.role if primary else None,
        "expected_close": deal.expected_close,
        "next_step": deal.next_step,
        "next_step_due": deal.next_step_due,
        "probability": deal.probability,
    }


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
    grow_of: int | None = None,
) -> Created | Saved | SameNameWarning | Retried:
    """The deal form submitted: a new deal (a Grow deal of ``grow_of``), or the edits of
    ``deal_id``."""
    valid = validate(
        fields, default_currency=default_currency(db, actor.team_id), language=actor.language
    )
    if deal_id is not None:

        def edit(s: Session):
            return _edit(s, actor, deal_id, valid, now, today)

        return run_once(db, team_id=actor.team_id, key=key, work=edit, replay=_retried)

    def create(s: Session):
        return _create(
            s, actor, valid, form_id=form_id, key=key, now=now, today=today, grow_of=grow_of
        )

    return run_once(db, team_id=actor.team_id, key=key, work=create, replay=_retried)


def _retried(_s: Session, _record: str) -> Retried:
    return Retried()


def _edit(
    s: Session, actor: Actor, deal_id: int, v: Valid, now: datetime, today: date
) -> tuple[Saved, str]:
    deal = deal_to_change(s, actor, deal_id, lock=True)
    check_dates(v, today, stored=deal)
    before = _snapshot(s, deal)
    edits = store.DealChanges(
        **columns_of(v, skip={"next_step", "contact_name"}),
        next_step=v.next_step or "",  # empty: removed (None would keep it)
        contact_name=v.contact_name or "",
        clear_value=v.value is None,
        clear_close=v.expected_close is None,
        clear_probability=v.probability is None,
    )
    change_deal(s, actor, deal, edits, now)
    after = _snapshot(s, deal)
    changes = tuple(Change(k, before[k], after[k]) for k in before if before[k] != after[k])
    return Saved(deal.id, deal.name, changes, v.value), str(deal.id)


def _create(
    s: Session,
    actor: Actor,
    v: Valid,
    *,
    form_id: str,
    key: str | None,
    now: datetime,
    today,
    grow_of: int | None = None,
) -> tuple[Created | SameNameWarning | Retried, str | None]:
    check_dates(v, today)
    dups = store.find_open_duplicates(session=s, team_id=actor.team_id, name=v.name)
    if dups and key and requests_store.previous_result(session=s, team_id=actor.team_id, key=key):
        return Retried(), None  # a racing copy of this request saved it
    warning = _same_name_warning(s, actor.team_id, dups, v.name, form_id=form_id, key=key)
    if warning is not None:
        return warning, None
    # every answer but the edit form's own: clearing a source, and the probability override
    deal = _add(s, actor, now, **columns_of(v, skip={"clear_source", "probability"}))
    if grow_of is not None:
        _link_grow(s, actor, deal=deal, grow_of=grow_of, now=now)
    stages = stage_store.list_stages(session=s, team_id=actor.team_id)
    return Created(deal_view(deal, stages, s)), str(deal.id)


def _link_grow(s: Session, actor: Actor, *, deal: Deal, grow_of: int, now: datetime) -> None:
    """A deal saved from the Grow form: linked to the won deal it grows (issue 14)."""
    won = store.get_deal(session=s, team_id=actor.team_id, deal_id=grow_of)
    if won.status == WON:  # re-opened meanwhile: the new deal stands on its own
        after_store.set_after_close(
            session=s, team_id=actor.team_id, deal=deal, now=now, grown_from_id=won.id
        )


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


# --- moving a deal ---------------------------------------------------------------------


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
    move_id: int | None = None  # set while the move may be undone (``undo``)
    reason_words: str | None = None  # lost: the words read as the reason
    technique: str | None = None  # won: the closing technique on record
    grow_of: int | None = None  # a Grow deal: the won deal it grows


@dataclass(frozen=True)
class NeedsConfirm:
    """A move back, re-opening a closed deal, or a move read from words that were not a
    plain ``to``/``won``/``lost`` (a guess): asked before it is made."""

    deal: DealView
    target: str
    kind: str  # "backward" | "reopen" | "guess"
    then: MoveRequest
    typed: str | None = None  # a guess: what the user wrote
    also: str | None = None  # a guess that also goes back ("backward") or re-opens ("reopen")


@dataclass(frozen=True)
class Gated:
    """The target stage asks for a checklist the deal lacks (``gate``), or for a decision
    maker on record (``no_decision_maker``, a warning)."""

    deal_id: int
    deal_name: str
    stage: str
    gate: Gate | None
    then: MoveRequest
    no_decision_maker: bool = False


MoveResult = Moved | NeedsConfirm | Gated


def advance_text(
    db: Database, actor: Actor, *, text: str, key: str | None, now: datetime
) -> MoveResult | Choices:
    """``/advance <deal> [to <stage> | won [value] | lost <reason> [note]]``. A deal's
    exact name wins; otherwise a trailing stage name or a misspelt ``won``/``lost`` is read
    as the move (``Globex presentation``), and that guess is confirmed before moving."""
    deal_text, keyword, rest = split_command(text, MOVE_WORDS)
    check_move_text(rest)  # before a picker carries it in its buttons
    guess = False
    with db.read() as s:
        found = resolve_deal(session=s, team_id=actor.team_id, text=deal_text)
        if keyword is None and not found.exact:
            stages = stage_store.list_stages(session=s, team_id=actor.team_id)
            reading = read_move(text, stages)
            if reading is not None:
                head = resolve_deal(session=s, team_id=actor.team_id, text=reading.deal_text)
                if head.deal is not None or head.choices:
                    found, deal_text, guess = head, reading.deal_text, True
                    keyword, rest = reading.keyword, reading.rest
                    check_move_text(rest)
    then = MoveRequest(keyword, rest)
    if found.deal is None:
        return choices_of(found, deal_text, then, db=db, team_id=actor.team_id)
    return move(
        db,
        actor,
        deal_id=found.deal.id,
        request=then,
        key=key,
        now=now,
        guess=text.strip() if guess else None,
    )


def _moved(
    s: Session, deal: Deal, before: Stage, after: Stage, move: StageMove | None = None, **kw
) -> Moved:
    stages = stage_store.list_stages(session=s, team_id=deal.team_id)
    undoable = move is not None and move.from_status == OPEN and move.undone_at is None
    return Moved(
        deal_view(deal, stages, s),
        before.name,
        after.name,
        after.key,
        move_id=move.id if undoable else None,
        technique=deal.won_technique,
        grow_of=deal.grown_from_id,
        **kw,
    )


def apply_move(
    *, session: Session, actor: Actor, deal: Deal, plan: MovePlan, now: datetime
) -> tuple[Stage, Stage]:
    """Make the move, and what closing or re-opening a deal sets: the final value given
    with ``won``; a Keep check some weeks after a win (the technique is asked again); a
    re-opened deal's Keep check and win-back date cleared."""
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
    if plan.won_value is not None:
        after_store.set_deal_value(
            session=session,
            team_id=actor.team_id,
            deal=deal,
            cents=plan.won_value.cents,
            currency=plan.won_value.currency,
            now=now,
            by=actor.user_id,
        )
    if plan.target.kind == WON:
        fields = {"won_technique": None, "keep_check_on": keep_check_day(now.date())}
    elif plan.target.kind == OPEN:
        fields = {"keep_check_on": None, "win_back_on": None}
    else:
        fields = {"keep_check_on": None}
    after_store.set_after_close(
        session=session, team_id=actor.team_id, deal=deal, now=now, **fields
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
    guess: str | None = None,  # the words the move was guessed from: confirm first
) -> MoveResult:
    """Move a deal as ``request`` says, asking first when it goes back, re-opens a closed
    deal or was guessed, and stopping at a stage gate whose checklist is missing (or, for
    Negotiation, with no decision maker on record)."""

    def work(s: Session) -> tuple[MoveResult, str | None]:
        deal = deal_to_change(s, actor, deal_id, lock=True)
        if request.from_stage is not None and deal.stage_id != request.from_stage:
            raise InvalidInput(
                N_(
                    "“{deal}” was moved by someone else meanwhile; "
                    "nothing changed. Look at it again with /pipeline {deal}."
                ),
                deal=deal.name,
            )
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        plan = _plan(stages, deal, request, actor)
        then = MoveRequest(request.keyword, request.rest, deal.stage_id)
        if (plan.needs_confirm or guess) and not confirmed:
            view = deal_view(deal, stages)
            kind = "guess" if guess else plan.needs_confirm
            return NeedsConfirm(view, plan.target.name, kind, then, guess, plan.needs_confirm), None
        gated = _gated(s, actor, deal, stages, plan, then, override=gate_override)
        if gated is not None:
            return gated, None
        before, after = apply_move(session=s, actor=actor, deal=deal, plan=plan, now=now)
        last = after_store.last_move(session=s, team_id=actor.team_id, deal_id=deal.id)
        moved = _moved(s, deal, before, after, last, reason_words=plan.reason_words)
        return moved, f"{before.id}>{after.id}>{last.id}>{plan.reason_words or ''}"

    def replay(s: Session, record: str) -> Moved:  # a retry of a move already made
        before_id, after_id, *more = record.split(">", 3)
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        get = stage_store.get_stage
        return _moved(
            s,
            deal,
            get(session=s, team_id=actor.team_id, stage_id=int(before_id)),
            get(session=s, team_id=actor.team_id, stage_id=int(after_id)),
            reason_words=(more[1] or None) if len(more) > 1 else None,
        )

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def _plan(stages, deal: Deal, request: MoveRequest, actor: Actor) -> MovePlan:
    """The move ``request`` asks for, a won value read in the actor's language."""
    return plan_move(
        stages=stages,
        deal=deal,
        keyword=request.keyword,
        rest=request.rest,
        language=actor.language,
    )


def _gated(
    s: Session, actor: Actor, deal: Deal, stages, plan: MovePlan, then, *, override: bool
) -> Gated | None:
    """The stage gate that holds the move (a missing checklist; Negotiation without a
    decision maker on record), unless the user moves anyway past a warning."""
    have = checklist_store.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
    gate = blocking_gate(plan.target, have)
    current = next(st for st in stages if st.id == deal.stage_id)
    no_dm = wants_decision_maker(stages, current, plan.target) and not (
        after_store.has_decision_maker(session=s, team_id=actor.team_id, deal_id=deal.id)
    )
    if (gate is not None and (gate.required or not override)) or (no_dm and not override):
        return Gated(deal.id, deal.name, plan.target.name, gate, then, no_dm)
    return None


# --- undoing a move ---------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    deal: DealView
    undone: tuple[str, str]  # the move undone: the stages' names, from and to
    back_to: str


def undo(
    db: Database, actor: Actor, *, deal_id: int, move_id: int, key: str | None, now: datetime
) -> Undone:
    """Undo a deal's latest move within ``UNDO_WINDOW``: a compensating move back to where
    it was, recorded (with the move it undoes) so that stage conversion ignores both."""

    def work(s: Session) -> tuple[Undone, str]:
        deal = deal_to_change(s, actor, deal_id, lock=True)
        last = after_store.last_move(session=s, team_id=actor.team_id, deal_id=deal.id)
        if last is None or last.id != move_id or last.undo_of or last.undone_at:
            raise InvalidInput(
                N_(
                    "Only “{deal}”'s latest move can be undone, and this one isn't (it was "
                    "undone already, or the deal moved since). Move it with /advance instead."
                ),
                deal=deal.name,
            )
        if last.from_stage_id is None or last.from_status != OPEN:
            raise InvalidInput(N_("That move can't be undone. Move it with /advance instead."))
        if now - last.moved_at > UNDO_WINDOW:
            raise InvalidInput(
                N_(
                    "A move can be undone for {minutes} minutes after it was made. "
                    "Move “{deal}” back with /advance {deal} to <stage>."
                ),
                minutes=int(UNDO_WINDOW.total_seconds() // 60),
                deal=deal.name,
            )
        back = stage_store.get_stage(session=s, team_id=actor.team_id, stage_id=last.from_stage_id)
        store.move_deal(
            session=s, team_id=actor.team_id, deal=deal, to_stage=back, by=actor.user_id, now=now
        )
        after_store.set_after_close(
            session=s, team_id=actor.team_id, deal=deal, now=now, keep_check_on=None
        )
        compensating = after_store.last_move(session=s, team_id=actor.team_id, deal_id=deal.id)
        after_store.record_undo(
            session=s, team_id=actor.team_id, undone=last, compensating=compensating, now=now
        )
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        done = Undone(deal_view(deal, stages, s), (last.from_name, last.to_name), back.name)
        return done, f"{last.from_name}>{last.to_name}>{back.name}"

    def replay(s: Session, record: str) -> Undone:
        before, after, back = record.split(">", 2)
        deal = store.get_deal(session=s, team_id=actor.team_id, deal_id=deal_id)
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        return Undone(deal_view(deal, stages, s), (before, after), back)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)
