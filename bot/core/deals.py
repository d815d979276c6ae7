"""Who may change what, and working out a move along the sales path. Plain Python: the
callers (``bot.usecases``) read and write the rows; nothing here touches a database or Slack.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Protocol

from bot.core.errors import InvalidInput, Msg, PermissionDenied
from bot.core.i18n import N_, Number
from bot.core.matching import fold
from bot.core.money import Money, is_currency_word, looks_like_amount, parse_amount
from bot.core.reasons import match_reason
from bot.core.stages import (
    LOST,
    OPEN,
    STATUS_LABELS,
    WON,
    S,
    is_backward,
    match_stage,
    next_stage,
    stage_label,
    stage_terms,
    terminal_stage,
)


class DealLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def owner_id(self) -> str: ...

    @property
    def stage_id(self) -> int: ...

    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """Who is acting: computed once per request (``handlers.kit.middleware``). ``language``:
    the one they read and write in (``bot.core.i18n.choose_language``): it decides how their
    amounts are read (``M`` is miliar in Indonesian rupiah) and the words they get."""

    team_id: str
    user_id: str
    is_manager: bool = False
    language: str = "en"


def require_manager(actor: Actor, why: str) -> None:
    """The one manager check: ``why`` (an ``N_`` msgid) says what only a manager may do."""
    if not actor.is_manager:
        raise PermissionDenied(why)


def ensure_owner_or_manager(actor: Actor, deal: DealLike, refusal: str) -> None:
    """The one owner-or-manager check: ``refusal`` (an ``N_`` msgid with ``{owner}`` and
    ``{deal}``) says what only they may do, and who they are."""
    if actor.user_id == deal.owner_id or actor.is_manager:
        return
    raise PermissionDenied(refusal, owner=deal.owner_id, deal=deal.name)


def ensure_can_change(actor: Actor, deal: DealLike) -> None:
    """Only the owner or a manager changes a deal; the refusal says who can."""
    ensure_owner_or_manager(
        actor, deal, N_("Only the deal's owner (<@{owner}>) or a manager can change “{deal}”.")
    )


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
            count=Number(len(rest)),
            most=Number(MOVE_TEXT_MAX),
        )


@dataclass(frozen=True)
class MovePlan:
    """Where a deal goes, and whether the user must confirm first."""

    target: object  # the stage row
    lost_reason: str | None = None
    lost_note: str | None = None
    needs_confirm: str | None = None  # "backward" | "reopen" | None
    reason_words: str | None = None  # the words read as the lost reason ("budget")
    won_value: Money | None = None  # "/advance Bank BRI won 55jt": the final value


def won_value(deal: DealLike, rest: str, language: str = "en") -> Money | None:
    """What follows ``won``: nothing, or the final value (``won 55jt``), in the deal's
    currency unless it names one, read in the writer's ``language`` (``M`` is miliar in
    Indonesian rupiah). ``None`` for other words (``_won`` refuses them); an amount that
    can't be read (or could be million or miliar) is refused with the amount's own reason."""
    text = rest.strip()
    if not text:
        return None
    try:
        currency = getattr(deal, "currency", "IDR")
        return parse_amount(text, default_currency=currency, language=language)
    except InvalidInput:
        first = text.split()[0]
        if looks_like_amount(first) or is_currency_word(first):
            raise
        return None


def _won(stages, deal: DealLike, keyword: str | None, rest: str, language: str = "en"):
    if rest.strip() and won_value(deal, rest, language) is None:
        # "won by competitor" means lost: never close on a guess
        raise InvalidInput(
            N_(
                "“{keyword}” takes only the final value after it, so I didn't move “{deal}”. "
                "Won: /advance {deal} won [value]. Lost, with a reason: /advance {deal} lost "
                "<reason> [note]."
            ),
            keyword=keyword,
            deal=deal.name,
        )
    return terminal_stage(stages, WON)


def lost_reason(deal: DealLike, rest: str) -> tuple[str, str | None, str]:
    """``lost <reason> [note]``: the reason's key, the note, and the words read as the
    reason. Reasons may be several words ("no decision", "went dark"): the longest that
    reads as a reason wins."""
    if not rest.strip():
        raise InvalidInput(
            N_("Say why it was lost: /advance {deal} lost <reason> [note]."), deal=deal.name
        )
    words = rest.split()
    for n in (3, 2, 1):
        if len(words) >= n:
            try:
                said = " ".join(words[:n])
                return match_reason(said).key, " ".join(words[n:]) or None, said
            except InvalidInput:
                if n == 1:
                    raise
    raise AssertionError("unreachable: one word either matches or raises")


def _to(stages, deal: DealLike, rest: str):
    if not rest.strip():
        raise InvalidInput(N_("Which stage? /advance {deal} to <stage>."), deal=deal.name)
    target = match_stage(rest.strip(), stages)
    if target.kind == LOST:
        raise InvalidInput(
            N_("To close a deal as lost, give a reason: /advance {deal} lost <reason>."),
            deal=deal.name,
        )
    return target


def _next(stages, deal: DealLike, current):
    if deal.status != OPEN:
        raise InvalidInput(
            N_(
                "“{deal}” is already closed ({status}). To re-open it, move it to a stage: "
                "/advance {deal} to <stage>."
            ),
            deal=deal.name,
            status=Msg(STATUS_LABELS.get(deal.status, deal.status)),
        )
    target = next_stage(current, stages)
    if target is None:
        raise InvalidInput(
            N_(
                "“{deal}” is in the last open stage ({stage}). Close it with "
                "/advance {deal} won or /advance {deal} lost <reason>."
            ),
            deal=deal.name,
            stage=stage_label(current.name),
        )
    return target


def plan_move(
    *, stages: list[S], deal: DealLike, keyword: str | None, rest: str, language: str = "en"
) -> MovePlan:
    """Where ``/advance <deal> [keyword rest]`` takes the deal: the next stage, ``to <stage>``,
    ``won [value]`` (the value read in the writer's ``language``), or ``lost <reason>
    [note]``; and whether the user must confirm first."""
    check_move_text(rest)
    current = next(s for s in stages if s.id == deal.stage_id)
    kw = (keyword or "").lower()
    reason = note = said = value = None
    if kw in ("won", "menang"):
        target = _won(stages, deal, keyword, rest, language)
        value = won_value(deal, rest, language)
    elif kw in ("lost", "kalah"):
        target = terminal_stage(stages, LOST)
        reason, note, said = lost_reason(deal, rest)
    elif kw in ("to", "ke"):
        target = _to(stages, deal, rest)
    else:
        target = _next(stages, deal, current)
    if target.id == current.id:
        raise InvalidInput(
            N_("“{deal}” is already in {stage}."), deal=deal.name, stage=stage_label(current.name)
        )
    confirm = None
    if deal.status != OPEN:
        confirm = "reopen"  # re-opening, or won ↔ lost: either changes a closed deal
    elif is_backward(current, target, stages):
        confirm = "backward"
    return MovePlan(
        target=target,
        lost_reason=reason,
        lost_note=note,
        needs_confirm=confirm,
        reason_words=said,
        won_value=value,
    )


# --- reading a move without "to" (issue 14) ---------------------------------------------

#: Close words for "won" and "lost" a typo away ("wonn", "menamg"); "to" and "ke" are too
#: short to guess.
GUESSED_WORDS = ("won", "menang", "lost", "kalah")
TYPO_RATIO = 0.8  # difflib's similarity for "a small typo" of a move word or a stage name


@dataclass(frozen=True)
class Reading:
    """``/advance Globex presentation``, read as ``Globex`` + ``to presentation``: a guess,
    confirmed before the move is made."""

    deal_text: str
    keyword: str
    rest: str


def _close(word: str, terms: list[str]) -> bool:
    w = fold(word)
    return len(w) >= 4 and any(
        difflib.SequenceMatcher(None, w, fold(t)).ratio() >= TYPO_RATIO for t in terms
    )


def _stage_named(text: str, stages: list[S]):
    try:
        return match_stage(text, stages)
    except InvalidInput:
        pass
    close = [s for s in stages if s.kind == OPEN and _close(text, list(stage_terms(s)))]
    return close[0] if len(close) == 1 else None


def read_move(text: str, stages: list[S]) -> Reading | None:
    """A move written without its keyword, or with a misspelt one: a word close to ``won``
    or ``lost`` after the deal's name (``Bank BRI wonn 55jt``), else the last one to three
    words naming a stage, forgiving small typos (``Globex presentaion``). ``None`` when the
    text reads as no move. The caller tries the whole text as a deal's name first."""
    words = text.split()
    for i, word in enumerate(words[1:], start=1):
        if fold(word) not in GUESSED_WORDS and _close(word, list(GUESSED_WORDS)):
            keyword = max(
                GUESSED_WORDS,
                key=lambda k: difflib.SequenceMatcher(None, fold(word), k).ratio(),
            )
            return Reading(" ".join(words[:i]), keyword, " ".join(words[i + 1 :]))
    for n in (3, 2, 1):
        if len(words) > n:
            tail = " ".join(words[-n:])
            stage = _stage_named(tail, stages)
            if stage is not None and stage.kind == OPEN:
                return Reading(" ".join(words[:-n]), "to", stage.name)
            if stage is not None and stage.kind == WON:
                return Reading(" ".join(words[:-n]), "won", "")
    return None


# --- the decision-maker unit before negotiating (issue 14) ------------------------------

NEGOTIATION_KEY = "negotiation"


def wants_decision_maker(stages: list[S], current: S, target: S) -> bool:
    """Entering Negotiation is when a deal should have its decision maker on record (seed
    000: the decision-maker unit decides; negotiating without them is negotiating with
    someone who cannot agree). ``current``: where it comes from (not Negotiation itself)."""
    negotiation = next((s for s in stages if getattr(s, "key", None) == NEGOTIATION_KEY), None)
    if negotiation is None or target.kind != OPEN or current == negotiation:
        return False
    return target is negotiation or target == negotiation
