"""After the meeting: a meeting log (attendees, notes, outcome, next step, and an optional
stage move by ``/advance``'s rules), a note from a Slack message, and the deal search of
the forms' deal pickers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.core import checklists as cl
from bot.core.deals import Actor, plan_move, wants_decision_maker
from bot.core.errors import DomainError, InvalidInput, Msg, Reasons, field_errors
from bot.core.gates import blocking_gate
from bot.core.i18n import N_
from bot.core.stages import LOST, OPEN, STATUS_LABELS, stage_label
from bot.usecases.checklists import check_owner
from bot.usecases.common import change_deal, deal_to_change
from bot.usecases.deals import apply_move, resolve_deal
from bot.usecases.views import ActivityView, DealOption, activity_view
from storage import aftersales as after_store
from storage import checklists as checklist_store
from storage import deals as store
from storage import stages as stage_store
from storage.db import Database, run_once
from storage.models import Deal

#: The ticks under the log's stage select that let a move through (what /advance asks).
CONFIRM_BACK = "back"  # a move to an earlier stage, or re-opening a closed deal
CONFIRM_GATE = "gate"  # past a warning gate whose checklist is missing
KEEP_LABEL = N_("Don't move it")
CONFIRM_LABELS = {
    CONFIRM_BACK: N_("Yes, move it back or re-open it"),
    CONFIRM_GATE: N_("I know, move it without the checklist"),
}


@dataclass(frozen=True)
class MeetingDraft:
    today: date
    stages: list[tuple[int, str]]  # stages a log may move the deal to
    deal: DealOption | None = None
    current_next_step: str | None = None
    owner_id: str | None = None  # the deal's owner when the form opened


def draft(db: Database, actor: Actor, *, deal_id: int | None, today: date) -> MeetingDraft:
    deal = None
    with db.read() as s:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        if deal_id is not None:
            deal = deal_to_change(s, actor, deal_id)
    return MeetingDraft(
        today=today,
        stages=[(st.id, st.name) for st in stages if st.kind != LOST],
        deal=DealOption(deal.id, deal.name, deal.status) if deal else None,
        current_next_step=deal.next_step if deal else None,
        owner_id=deal.owner_id if deal else None,
    )


@dataclass(frozen=True)
class Logged:
    deal_id: int
    deal_name: str
    activity: ActivityView
    warnings: list[DomainError] = field(default_factory=list)  # a warning gate passed
    moved_to_key: str | None = None  # the log moved the deal: the new stage's playbook
    status: str = OPEN
    technique: str | None = None  # won by the log: the closing technique on record


def _held(plan, current, deal: Deal, ticks: Collection[str], gate) -> list[DomainError]:
    """What /advance would ask about, unless the user ticked it under the stage select."""
    held: list[DomainError] = []
    if plan.needs_confirm and CONFIRM_BACK not in ticks:
        tick = Msg(CONFIRM_LABELS[CONFIRM_BACK])
        if plan.needs_confirm == "reopen":
            held.append(
                InvalidInput(
                    N_(
                        "“{deal}” is closed ({status}). To re-open it in {stage}, tick “{tick}” "
                        "below and save again."
                    ),
                    deal=deal.name,
                    status=Msg(STATUS_LABELS.get(deal.status, deal.status)),
                    stage=stage_label(plan.target.name),
                    tick=tick,
                )
            )
        else:
            held.append(
                InvalidInput(
                    N_(
                        "{stage} is an earlier stage than {current}. To move “{deal}” back "
                        "anyway, tick “{tick}” below and save again."
                    ),
                    stage=stage_label(plan.target.name),
                    current=stage_label(current.name),
                    deal=deal.name,
                    tick=tick,
                )
            )
    if gate is not None and CONFIRM_GATE not in ticks:
        held.append(_missing(plan.target.name, gate.checklist))
        held.append(
            InvalidInput(
                N_("Press “Fill {kind}” below to fill it first, or tick “{tick}” and save again."),
                kind=Msg(cl.KIND_LABELS[gate.checklist]),
                tick=Msg(CONFIRM_LABELS[CONFIRM_GATE]),
            )
        )
    return held


def _missing(stage: str, checklist: str) -> DomainError:
    return InvalidInput(
        N_("{stage} asks for a {kind} checklist, and this deal has none yet."),
        stage=stage_label(stage),
        kind=Msg(cl.KIND_LABELS[checklist]),
    )


def _move(
    s: Session, actor: Actor, deal: Deal, stage_id: int | None, ticks, now: datetime
) -> tuple[str | None, str | None, list[DomainError]]:
    """The log's optional stage move: (from, to, warnings). It follows /advance's rules
    (``plan_move``, then the stage gate); what /advance would ask about is an error under
    the stage select until the user ticks it there and saves again (everything typed stays
    in the modal); a *required* gate is refused until the checklist exists. Each error says
    how to save the log without the move: pick "Don't move it"."""
    if stage_id is None or stage_id == deal.stage_id:
        return None, None, []
    try:
        stages = stage_store.list_stages(session=s, team_id=actor.team_id)
        current = next(st for st in stages if st.id == deal.stage_id)
        target = stage_store.get_stage(session=s, team_id=actor.team_id, stage_id=stage_id)
        # /advance … to <stage>, matched among these two only: the stage was picked by id,
        # so a stage with a like name or alias cannot be taken for it.
        plan = plan_move(stages=[current, target], deal=deal, keyword="to", rest=target.name)
    except DomainError as err:
        raise InvalidInput(err.message, field="stage", **err.params) from None
    stay = InvalidInput(
        N_("To save the log without the move, pick “{keep}” instead."), keep=Msg(KEEP_LABEL)
    )
    have = checklist_store.checklist_kinds(session=s, team_id=actor.team_id, deal_id=deal.id)
    gate = blocking_gate(plan.target, have)
    if gate is not None and gate.required:
        required = InvalidInput(
            N_(
                "{stage} requires a {kind} checklist first. Press “Fill {kind}” below, save "
                "it, then save this log again."
            ),
            stage=stage_label(plan.target.name),
            kind=Msg(cl.KIND_LABELS[gate.checklist]),
        )
        raise Reasons([required, stay], field="stage")
    held = _held(plan, current, deal, ticks, gate)
    if held:
        raise Reasons([*held, stay], field="stage")
    no_dm = wants_decision_maker(stages, current, plan.target) and not (
        after_store.has_decision_maker(session=s, team_id=actor.team_id, deal_id=deal.id)
    )
    before, after = apply_move(session=s, actor=actor, deal=deal, plan=plan, now=now)
    warnings = [_missing(plan.target.name, gate.checklist)] if gate is not None else []
    if no_dm:  # said after the fact: the log's own attendees were the place to name them
        warnings.append(
            InvalidInput(
                N_(
                    "{stage} without a decision maker on record: who decides for “{deal}”? "
                    "Name them in the next log's attendees (“Budi, decision maker”) or as "
                    "the contact (Edit)."
                ),
                stage=plan.target.name,
                deal=deal.name,
            )
        )
    return before.name, after.name, warnings


#: What a meeting log keeps on its activity row (``storage.checklists.NewActivity``).
MEETING_FIELDS = ("occurred_on", "notes", "outcome", "attendees", "next_step", "next_step_due")


def _activity(s: Session, actor: Actor, deal: Deal, now: datetime, **fields):
    new = checklist_store.NewActivity(**fields)
    return checklist_store.add_activity(
        session=s, team_id=actor.team_id, deal=deal, by=actor.user_id, now=now, new=new
    )


def log_meeting(
    db: Database,
    actor: Actor,
    *,
    log: cl.MeetingLog,
    owner_seen: str | None,
    ticks: Collection[str],
    key: str | None,
    now: datetime,
) -> Logged | None:
    """Everything a meeting log changes, in one transaction; ``None`` for a Slack retry
    of a log already saved (its first copy answered)."""

    def work(s: Session) -> tuple[Logged, str]:
        deal = store.lock_deal(session=s, team_id=actor.team_id, deal_id=log.deal_id)
        check_owner(actor, deal, owner_seen)
        checklist_store.add_attendee_contacts(  # first: a decision maker named here counts
            session=s, team_id=actor.team_id, deal_id=deal.id, attendees=log.attendees, now=now
        )
        moved_from, moved_to, warnings = _move(s, actor, deal, log.stage_id, ticks, now)
        if log.next_step:
            changes = store.DealChanges(next_step=log.next_step, next_step_due=log.next_step_due)
            change_deal(s, actor, deal, changes, now)
        fields = {name: getattr(log, name) for name in MEETING_FIELDS}
        fields.update(stage_from=moved_from, stage_to=moved_to)
        row = _activity(s, actor, deal, now, kind=checklist_store.MEETING, **fields)
        return _logged(s, deal, row, warnings, moved=moved_to is not None), str(row.id)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=lambda s, r: None)


def _logged(s: Session, deal: Deal, row, warnings: list[DomainError], *, moved: bool) -> Logged:
    """What the log's reply shows: with a move, the new stage's key (its playbook)."""
    key = (
        stage_store.get_stage(session=s, team_id=deal.team_id, stage_id=deal.stage_id).key
        if moved
        else None
    )
    return Logged(
        deal.id, deal.name, activity_view(row), warnings, key, deal.status, deal.won_technique
    )


@dataclass(frozen=True)
class Note:
    deal_id: int
    notes: str
    occurred_on: date
    link: str | None = None
    author: str | None = None


def add_note(
    db: Database, actor: Actor, *, note: Note, key: str | None, now: datetime
) -> Logged | None:
    """A Slack message kept on a deal as a note; ``None`` for a retry already saved."""

    def work(s: Session) -> tuple[Logged, str]:
        deal = deal_to_change(s, actor, note.deal_id, lock=True)
        row = _activity(
            s,
            actor,
            deal,
            now,
            kind=checklist_store.NOTE,
            occurred_on=note.occurred_on,
            notes=note.notes,
            message_link=note.link,
            message_author=note.author,
        )
        return Logged(deal.id, deal.name, activity_view(row)), str(row.id)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=lambda s, r: None)


def search(db: Database, actor: Actor, *, query: str) -> list[DealOption]:
    """The deal pickers' type-ahead. When nothing matches what was typed, the closest names
    ``/advance`` would suggest (``resolve_deal``'s suggestions), marked as such."""
    with db.read() as s:
        found = checklist_store.search_deals(
            session=s, team_id=actor.team_id, query=query, user_id=actor.user_id
        )
        if found or not query.strip():
            return [DealOption(d.id, d.name, d.status) for d in found]
        closest = resolve_deal(session=s, team_id=actor.team_id, text=query)
        suggested = closest.choices or closest.suggestions
        if closest.deal is not None:
            suggested = [closest.deal]
        statuses = {
            d.id: d.status
            for d in (
                store.get_deal(session=s, team_id=actor.team_id, deal_id=c.id) for c in suggested
            )
        }
    return [DealOption(c.id, c.name, statuses[c.id], suggested=True) for c in suggested]


def read_log(values: dict, *, today: date) -> cl.MeetingLog:
    """The meeting form's answers, or ``FieldErrors``."""
    log, errors = cl.read_meeting(values, today=today)
    field_errors(dict(errors))
    return log


def read_note(values: dict) -> tuple[int, str]:
    """The note form's deal and text, or ``FieldErrors``."""
    note, errors = cl.read_note(values)
    field_errors(dict(errors))
    return note
