"""The default pipeline — the seven-step sales path — and finding a stage from what a user
typed. Plain Python, no Slack.

Prospecting → Approaching → Probing → Presentation → Negotiation (objection handling and
negotiation) → Closing are open stages; Won (after-sales: keep, then grow) and Lost (win
back later) end a deal. A workspace may rename, reorder, add and remove stages; the
functions here take any objects with ``name``, ``position`` and ``kind`` (and optionally
``key`` and ``aliases``), such as the stored stage rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.core.errors import InvalidInput, NotFound
from bot.core.i18n import N_, Msg, MsgList, Translator, available_locales
from bot.core.matching import lookup_term


class Status(StrEnum):
    """A deal's status, and the kind of stage that gives it: the one set of these values
    (a ``StrEnum``, so stored strings compare equal to its members)."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


OPEN, WON, LOST = Status.OPEN, Status.WON, Status.LOST
STATUS_LABELS = {OPEN: N_("open"), WON: N_("won"), LOST: N_("lost")}  # as the reader sees it
StageKind = Status
MAX_OPEN_STAGES = 15  # a workspace's open stages at most (the editor fits them in one view)
MIN_ORDER_MAX = 99


def order_max(stage_count: int) -> int:
    """The highest order a stage may be given: 99, or more when there are more stages."""
    return max(MIN_ORDER_MAX, stage_count + 1)


class StageLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def position(self) -> int: ...

    @property
    def kind(self) -> str: ...


S = TypeVar("S", bound=StageLike)


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str  # English msgid
    position: int
    probability: int  # default win probability, percent
    kind: StageKind
    aliases: tuple[str, ...] = ()  # other words, English and Indonesian, users may type
    gate_checklist: str | None = None  # checklist a deal needs before entering (bot.core.gates)
    gate_mode: str = "off"  # off | warn | require


DEFAULT_STAGES: tuple[StageSpec, ...] = (
    StageSpec(
        "prospecting",
        N_("Prospecting"),
        1,
        10,
        OPEN,
        ("prospect", "prospek", "prospeksi", "lead", "leads", "pre-sales"),
    ),
    StageSpec(
        "approaching",
        N_("Approaching"),
        2,
        20,
        OPEN,
        ("approach", "pendekatan", "mendekati", "introduction", "perkenalan", "3m", "form"),
    ),
    StageSpec(
        "probing",
        N_("Probing"),
        3,
        30,
        OPEN,
        ("probe", "discovery", "spin", "penggalian", "menggali", "penggalian kebutuhan"),
    ),
    StageSpec(
        "presentation",
        N_("Presentation"),
        4,
        50,
        OPEN,
        ("present", "presentasi", "demo", "proposal", "fab", "baf"),
        gate_checklist="spin",
        gate_mode="warn",
    ),
    StageSpec(
        "negotiation",
        N_("Negotiation"),
        5,
        70,
        OPEN,
        (
            "negotiate",
            "nego",
            "negosiasi",
            "objection",
            "objections",
            "objection handling",
            "keberatan",
            "penanganan keberatan",
            "batna",
        ),
        gate_checklist="batna",
        gate_mode="warn",
    ),
    StageSpec(
        "closing",
        N_("Closing"),
        6,
        90,
        OPEN,
        ("close", "penutupan", "tutup"),
    ),
    StageSpec(
        "won",
        N_("Won"),
        7,
        100,
        WON,
        ("win", "menang", "berhasil", "deal won", "after-sales", "purna jual", "keep", "grow"),
    ),
    StageSpec(
        "lost",
        N_("Lost"),
        8,
        0,
        LOST,
        ("lose", "kalah", "gagal", "batal", "deal lost", "win back"),
    ),
)

_DEFAULT_ALIASES = {spec.key: spec.aliases for spec in DEFAULT_STAGES}
_DEFAULT_NAME = {spec.key: spec.name for spec in DEFAULT_STAGES}
#: The default stages' names as stored (English msgids). A stage with one of these names is
#: shown in the reader's language; a name a workspace gave it is shown as written.
DEFAULT_NAMES = frozenset(_DEFAULT_NAME.values())


def stage_label(name: str) -> str:
    """A stage's name as the reader should see it: a default name is a ``Msg`` (translated
    where shown, ``Prospecting`` → ``Prospecting``, ``Won`` → ``Menang``), any other name is
    the workspace's own and stays as written. Works for history snapshots too."""
    return Msg(name) if name in DEFAULT_NAMES else name


def edited_name(typed: str, stored: str, language: str) -> str:
    """A name back from the stage editor, which showed a default name translated: left as it
    was stored when the manager kept it, so the stage still shows in each reader's language."""
    if stored in DEFAULT_NAMES and typed.casefold() == Translator(language)(stored).casefold():
        return stored
    return typed


def _translated(name: str) -> tuple[str, ...]:
    """A default name in every language we have (``Presentasi``), so it can be typed."""
    return tuple(Translator(lang)(name) for lang in available_locales())


def _aliases(stage: StageLike) -> Sequence[str]:
    """A stage's own aliases; a stored stage without any keeps those of its default key (and
    its default name in every language), so "negosiasi" still finds a renamed negotiation
    stage."""
    own = getattr(stage, "aliases", None)
    if own is not None:
        return tuple(own)
    key = getattr(stage, "key", None) or ""
    default = _DEFAULT_NAME.get(key)
    return _DEFAULT_ALIASES.get(key, ()) + (_translated(default) if default else ())


def _names(stages: Sequence[StageLike]) -> MsgList:
    """The stages' names for an error's parameter, each shown to its reader."""
    return MsgList(stage_label(s.name) for s in stages)


def _shown_names(stage: StageLike) -> tuple[str, ...]:
    """The names a reader sees for the stage: a default name's translations."""
    return _translated(stage.name) if stage.name in DEFAULT_NAMES else ()


def stage_terms(stage: StageLike) -> tuple[str, ...]:
    """Every word ``match_stage`` reads as ``stage``: its name (a default one in every
    language), key and aliases (for a typo's closeness, ``bot.core.deals.read_move``)."""
    key = getattr(stage, "key", None) or ""
    return (stage.name, *_shown_names(stage), key, *_aliases(stage))


def match_stage(text: str, stages: Sequence[S]) -> S:
    """The stage ``text`` names: by exact name, then key, then alias (case and accents
    ignored), else by a unique prefix of at least two letters. Raises ``InvalidInput``
    naming the candidates (ambiguous) or all stages (unknown), echoing ``text``."""
    entries = [
        (s, ((s.name, *_shown_names(s)), (getattr(s, "key", None) or "",), _aliases(s)))
        for s in stages
    ]
    hits = lookup_term(text, entries)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise InvalidInput(
            N_("“{text}” could be several stages: {stages}. Write more of the name."),
            text=text,
            stages=_names(hits),
        )
    raise InvalidInput(
        N_("There is no stage “{text}”. The stages are: {stages}."),
        text=text,
        stages=_names(stages),
    )


def _ordered(stages: Sequence[S]) -> list[S]:
    return sorted(stages, key=lambda s: s.position)  # stable: equal positions keep list order


def _rank(stage: StageLike, ordered: Sequence[StageLike]) -> int:
    for i, s in enumerate(ordered):
        if s is stage:
            return i
    for i, s in enumerate(ordered):  # an equal copy, e.g. re-read from the database
        if s == stage:
            return i
    raise ValueError(f"stage {stage.name!r} is not in the pipeline")


def next_stage(current: S, stages: Sequence[S]) -> S | None:
    """The next open stage after ``current`` in position order, or ``None`` when there is
    none (the deal is in the last open stage: closing it as won comes next)."""
    ordered = _ordered(stages)
    rank = _rank(current, ordered)
    return next((s for s in ordered[rank + 1 :] if s.kind == OPEN), None)


def is_backward(from_stage: StageLike, to_stage: StageLike, stages: Sequence[StageLike]) -> bool:
    """True when the move goes to an open stage earlier in the pipeline than ``from_stage``
    (including re-opening a won or lost deal). A move to won or lost is never backward."""
    if to_stage.kind != OPEN:
        return False
    ordered = _ordered(stages)
    return _rank(to_stage, ordered) < _rank(from_stage, ordered)


def open_stages(stages: Sequence[S]) -> list[S]:
    return [s for s in stages if s.kind == OPEN]


def terminal_stage(stages: Sequence[S], kind: str) -> S:
    """The Won or the Lost stage."""
    for s in stages:
        if s.kind == kind:
            return s
    raise NotFound(
        N_("This workspace has no “{kind}” stage."), kind=Msg(STATUS_LABELS.get(kind, kind))
    )
