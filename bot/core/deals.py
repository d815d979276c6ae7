"""Deal use cases: who may change what, resolving a deal from what a user typed, and
working out a move along the sales path. Plain Python over ``storage``; no Slack here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.core.errors import InvalidInput, PermissionDenied
from bot.core.i18n import N_
from bot.core.matching import Candidate, match_names
from bot.core.reasons import match_reason
from bot.core.stages import is_backward, match_stage, next_stage
from storage import deals as store
from storage.models import Deal, Stage


@dataclass(frozen=True)
class Actor:
    team_id: str
    user_id: str
    is_manager: bool = False


def ensure_can_change(actor: Actor, deal: Deal) -> None:
    """Only the owner or a manager changes a deal; the refusal says who can."""
    if actor.user_id == deal.owner_id or actor.is_manager:
        return
    raise PermissionDenied(
        N_("Only the deal's owner (<@{owner}>) or a manager can change “{deal}”."),
        owner=deal.owner_id,
        deal=deal.name,
    )


def is_manager(*, session: Session, team_id: str, user_id: str, workspace_admin: bool) -> bool:
    return workspace_admin or user_id in store.list_managers(session=session, team_id=team_id)


# --- finding a deal from text -----------------------------------------------------------


@dataclass
class Resolved:
    deal: Deal | None = None
    choices: list[Candidate] = field(default_factory=list)  # several matched: pick one
    suggestions: list[Candidate] = field(default_factory=list)  # none matched: closest
    exact: bool = False  # the whole text is the deal's name


def resolve_deal(
    *, session: Session, team_id: str, text: str, status: str | None = None
) -> Resolved:
    text = text.strip().strip('"“”')
    if not text:
        raise InvalidInput(N_("Which deal? Write its name, e.g. “Acme”."), text=text)
    names = store.deal_names(session=session, team_id=team_id, status=status)
    if not names and status is not None:
        names = store.deal_names(session=session, team_id=team_id)
    candidates = [Candidate(id=i, name=n) for i, n in names]
    result = match_names(text, candidates)
    if result.exact is not None:
        return Resolved(
            deal=store.get_deal(session=session, team_id=team_id, deal_id=result.exact.id),
            exact=True,
        )
    if len(result.matches) == 1:
        return Resolved(
            deal=store.get_deal(session=session, team_id=team_id, deal_id=result.matches[0].id)
        )
    if result.matches:
        return Resolved(choices=list(result.matches))
    return Resolved(suggestions=list(result.suggestions))


# --- moves ------------------------------------------------------------------------------

MOVE_WORDS = ("to", "ke", "won", "menang", "lost", "kalah")
# What follows the deal's name in a move ("to <stage>", "lost <reason> [note]") rides in a
# button's value when the move needs a confirmation or a pick (2,000 characters at most,
# JSON-escaped quotes and newlines cost two): 900 leaves room for the rest of the value.
MOVE_TEXT_MAX = 900


def check_move_text(rest: str) -> None:
    if len(rest) > MOVE_TEXT_MAX:
        raise InvalidInput(
            N_(
                "That move is too long: {count} characters after the deal's name, "
                "and a stage or a lost reason with a note may use {most}. "
                "Shorten the note and send it again."
            ),
            count=f"{len(rest):,}",
            most=f"{MOVE_TEXT_MAX:,}",
        )


@dataclass(frozen=True)
class MovePlan:
    """Where a deal goes, and whether the user must confirm first."""

    target: Stage
    lost_reason: str | None = None
    lost_note: str | None = None
    needs_confirm: str | None = None  # "backward" | "reopen" | None


def plan_move(*, stages: list[Stage], deal: Deal, keyword: str | None, rest: str) -> MovePlan:
    check_move_text(rest)
    current = next(s for s in stages if s.id == deal.stage_id)
    kw = (keyword or "").lower()
    reason = note = None
    if kw in ("won", "menang"):
        if rest.strip():  # "won by competitor" means lost: never close on a guess
            raise InvalidInput(
                N_(
                    "“{keyword}” takes nothing after it, so I didn't move “{deal}”. Won: "
                    "/advance {deal} won. Lost, with a reason: /advance {deal} lost <reason> "
                    "[note]."
                ),
                keyword=keyword,
                deal=deal.name,
            )
        target = store.terminal_stage(stages, store.WON)
    elif kw in ("lost", "kalah"):
        target = store.terminal_stage(stages, store.LOST)
        if not rest.strip():
            raise InvalidInput(
                N_("Say why it was lost: /advance {deal} lost <reason> [note]."), deal=deal.name
            )
        words = rest.split()
        # Reasons may be two words ("no decision", "went dark"): try the longest first.
        for n in (3, 2, 1):
            if len(words) >= n:
                try:
                    reason = match_reason(" ".join(words[:n])).key
                    note = " ".join(words[n:]) or None
                    break
                except InvalidInput:
                    if n == 1:
                        raise
    elif kw in ("to", "ke"):
        if not rest.strip():
            raise InvalidInput(N_("Which stage? /advance {deal} to <stage>."), deal=deal.name)
        target = match_stage(rest.strip(), stages)
        if target.kind == store.LOST:
            raise InvalidInput(
                N_("To close a deal as lost, give a reason: /advance {deal} lost <reason>."),
                deal=deal.name,
            )
    else:
        if deal.status != store.OPEN:
            raise InvalidInput(
                N_(
                    "“{deal}” is already closed ({status}). To re-open it, move it to a stage: "
                    "/advance {deal} to <stage>."
                ),
                deal=deal.name,
                status=deal.status,
            )
        target = next_stage(current, stages)
        if target is None:
            raise InvalidInput(
                N_(
                    "“{deal}” is in the last open stage ({stage}). Close it with "
                    "/advance {deal} won or /advance {deal} lost <reason>."
                ),
                deal=deal.name,
                stage=current.name,
            )
    if target.id == current.id:
        raise InvalidInput(
            N_("“{deal}” is already in {stage}."), deal=deal.name, stage=current.name
        )
    confirm = None
    if deal.status != store.OPEN:
        confirm = "reopen"  # re-opening, or won ↔ lost: either changes a closed deal
    elif is_backward(current, target, stages):
        confirm = "backward"
    return MovePlan(target=target, lost_reason=reason, lost_note=note, needs_confirm=confirm)


def apply_move(
    *, session: Session, actor: Actor, deal: Deal, plan: MovePlan, now: datetime
) -> tuple[Stage, Stage]:
    ensure_can_change(actor, deal)
    before = store.get_stage(session=session, team_id=actor.team_id, stage_id=deal.stage_id)
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
