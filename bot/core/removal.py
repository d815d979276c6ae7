"""Deleting and merging deals (issue 15), as typed: ``/pipeline delete <deal>`` (``hapus``),
``/pipeline merge <deal A> into <deal B>`` (``gabung`` / ``gabungkan <A> ke <B>``), and who
may do it. Plain text parsing, no Slack."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.deals import Actor, DealLike, ensure_owner_or_manager
from bot.core.errors import InvalidInput
from bot.core.i18n import N_

DELETE_WORDS = frozenset({"delete", "remove", "hapus"})
MERGE_WORDS = frozenset({"merge", "gabung", "gabungkan"})
INTO_WORDS = frozenset({"into", "ke"})


def rest_after_first_word(text: str) -> str:
    words = text.split(maxsplit=1)
    return words[1].strip() if len(words) > 1 else ""


def delete_target(text: str) -> str:
    """``delete Acme Corp`` → ``Acme Corp``; the refusal says how to write it."""
    name = rest_after_first_word(text).strip('"“”')
    if not name:
        raise InvalidInput(
            N_("Which deal? Write `/pipeline delete <deal>`, e.g. `/pipeline delete Acme`.")
        )
    return name


@dataclass(frozen=True)
class MergeText:
    merged: str  # the deal that goes (A)
    survivor: str  # the deal that stays (B)


def merge_target(text: str) -> MergeText:
    """``merge Acme old into Acme`` → (``Acme old``, ``Acme``); the last ``into`` / ``ke``
    splits them (a name may hold the word itself: ``Toko ke Rumah`` is then quoted)."""
    words = rest_after_first_word(text).split()
    at = max((i for i, w in enumerate(words) if w.lower() in INTO_WORDS), default=-1)
    merged = " ".join(words[:at]).strip('"“”') if at > 0 else ""
    survivor = " ".join(words[at + 1 :]).strip('"“”') if at > 0 else ""
    if not merged or not survivor:
        raise InvalidInput(
            N_(
                "Write which deal goes into which: `/pipeline merge <deal A> into <deal B>` "
                "(A's contacts, checklists, meetings and history move to B; A is deleted)."
            )
        )
    return MergeText(merged, survivor)


def ensure_can_delete(actor: Actor, deal: DealLike) -> None:
    """Only the deal's owner or a manager deletes (or merges) a deal."""
    ensure_owner_or_manager(
        actor,
        deal,
        N_("Only the deal's owner (<@{owner}>) or a manager can delete or merge “{deal}”."),
    )


def check_merge(actor: Actor, merged: DealLike, survivor: DealLike) -> None:
    """Both deals are the actor's to change, and two different deals."""
    if getattr(merged, "id", None) == getattr(survivor, "id", None):
        raise InvalidInput(N_("A deal can't be merged into itself: name two different deals."))
    ensure_can_delete(actor, merged)
    ensure_can_delete(actor, survivor)
