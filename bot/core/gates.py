"""Stage gates: which checklist a deal needs before it enters a stage, and how strictly.

A stage's gate is a checklist kind (``spin`` or ``batna``) and a mode: ``off``, ``warn``
(the move waits for the rep to fill the checklist or to move anyway) or ``require`` (the
move waits until the checklist is filled). Defaults (``bot.core.stages``): Presentation wants
SPIN and Negotiation wants BATNA, as warnings. Lost is never gated: a deal can always be
lost. Plain Python, no Slack.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.core.checklists import KINDS
from bot.core.errors import InvalidInput
from bot.core.i18n import N_
from bot.core.stages import LOST

OFF: Literal["off"] = "off"
WARN: Literal["warn"] = "warn"
REQUIRE: Literal["require"] = "require"
MODES: tuple[str, ...] = (OFF, WARN, REQUIRE)


class GatedStage(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def gate_checklist(self) -> str | None: ...

    @property
    def gate_mode(self) -> str: ...


@dataclass(frozen=True)
class Gate:
    checklist: str  # a bot.core.checklists kind
    mode: str  # warn | require

    @property
    def required(self) -> bool:
        return self.mode == REQUIRE


def gate_of(stage: GatedStage) -> Gate | None:
    """The stage's gate, or ``None`` when it has none (or it is off, or the stage is Lost)."""
    if stage.kind == LOST or stage.gate_checklist not in KINDS or stage.gate_mode not in MODES:
        return None
    if stage.gate_mode == OFF:
        return None
    return Gate(stage.gate_checklist, stage.gate_mode)


def blocking_gate(stage: GatedStage, filled: Collection[str]) -> Gate | None:
    """The gate that stops a deal entering ``stage`` given the checklist kinds it has."""
    gate = gate_of(stage)
    return gate if gate is not None and gate.checklist not in filled else None


def choice_key(checklist: str | None, mode: str) -> str:
    """One select option per combination: ``off`` or ``spin:warn``, ``batna:require``…"""
    return OFF if not checklist or mode == OFF else f"{checklist}:{mode}"


def parse_choice(value: str | None) -> tuple[str | None, str]:
    """``spin:warn`` → ("spin", "warn"); ``off``/empty → (None, "off")."""
    if not value or value == OFF:
        return None, OFF
    checklist, _, mode = value.partition(":")
    if checklist not in KINDS or mode not in (WARN, REQUIRE):
        raise InvalidInput(N_("“{value}” is not a gate setting."), value=value)
    return checklist, mode


CHOICES: tuple[tuple[str, str | None, str], ...] = (
    (OFF, None, OFF),
    *((choice_key(k, m), k, m) for k in KINDS for m in (WARN, REQUIRE)),
)
