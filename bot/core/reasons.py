"""Why deals are lost, and who is who in the decision-maker unit: short vocabularies with
English and Indonesian words users may type. Plain Python, no Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.errors import InvalidInput
from bot.core.i18n import N_, Msg, MsgList
from bot.core.matching import lookup_term


@dataclass(frozen=True)
class LostReason:
    key: str
    label: str  # English msgid
    aliases: tuple[str, ...] = ()
    word: str = ""  # msgid: what to type, shown in the list of reasons (its key, spelt)


@dataclass(frozen=True)
class DmuRole:
    key: str
    label: str  # English msgid
    aliases: tuple[str, ...] = ()
    word: str = ""  # msgid: what to type, shown in the list of roles


LOST_REASONS: tuple[LostReason, ...] = (
    LostReason(
        "product",
        N_("Product objection"),
        ("product", "produk", "fitur", "feature", "features", "keberatan produk"),
        N_("product"),
    ),
    LostReason(
        "need",
        N_("Need objection"),
        (
            "no need",
            "not needed",
            "no urgency",
            "kebutuhan",
            "keberatan kebutuhan",
            "tidak butuh",
            "tidak perlu",
            "belum perlu",
            "tidak mendesak",
        ),
        N_("need"),
    ),
    LostReason(
        "emotion",
        N_("Emotion objection"),
        (
            "emotional",
            "emosi",
            "keberatan emosi",
            "emosional",
            "keberatan emosional",
            "not listening",
            "tidak fokus",
        ),
        N_("emotion"),
    ),
    LostReason(
        "price",
        N_("Price"),
        (
            "harga",
            "too expensive",
            "expensive",
            "mahal",
            "terlalu mahal",
            "budget",
            "anggaran",
            "biaya",
            "cost",
        ),
        N_("price"),
    ),
    LostReason(
        "competitor",
        N_("Competitor"),
        ("competition", "kompetitor", "pesaing", "saingan", "kompetisi", "kalah saing"),
        N_("competitor"),
    ),
    LostReason(
        "no_decision",
        N_("No decision / went dark"),
        (
            "no decision",
            "went dark",
            "dark",
            "ghosted",
            "no response",
            "no reply",
            "tidak ada keputusan",
            "tidak ada kabar",
            "tanpa kabar",
            "menghilang",
        ),
        N_("no decision"),
    ),
    LostReason("other", N_("Other"), ("lainnya", "lain", "lain-lain"), N_("other")),
)

DMU_ROLES: tuple[DmuRole, ...] = (
    DmuRole(
        "decision_maker",
        N_("Decision maker"),
        ("dm", "decider", "pengambil keputusan", "pembuat keputusan", "pemutus"),
        N_("decision maker"),
    ),
    DmuRole(
        "user_influence",
        N_("User influence"),
        ("user", "pengguna", "end user"),
        N_("user influence"),
    ),
    DmuRole(
        "technical_influence",
        N_("Technical influence"),
        ("technical", "tech", "teknis", "pengaruh teknis"),
        N_("technical influence"),
    ),
    DmuRole("coach", N_("Coach"), ("coaches", "champion", "pelatih", "orang dalam"), N_("coach")),
)

Item = TypeVar("Item", LostReason, DmuRole)


def _spelt(key: str) -> str:
    return key.replace("_", " ")


def _match(text: str, items: Sequence[Item]) -> list[Item]:
    return lookup_term(text, [(i, ((i.key, _spelt(i.key)), (i.label,), i.aliases)) for i in items])


def _choices(items: Sequence[LostReason] | Sequence[DmuRole]) -> MsgList:
    """What to type for each item, in the reader's language when shown."""
    return MsgList(Msg(i.word or _spelt(i.key)) for i in items)


def _one(text: str, items: Sequence[Item], several: str, unknown: str, *, what: str) -> Item:
    """The one item ``text`` names, or ``InvalidInput`` listing the candidates (``several``)
    or every item (``unknown``): msgids with ``{text}`` and ``{<what>}``."""
    hits = _match(text, items)
    if len(hits) == 1:
        return hits[0]
    listed = _choices(hits or items)
    raise InvalidInput(several if hits else unknown, text=text, **{what: listed})


def match_reason(text: str) -> LostReason:
    """The lost reason ``text`` names (key, label, alias — English or Indonesian — or a
    unique prefix; case and accents ignored). Raises ``InvalidInput`` listing the reasons."""
    return _one(
        text,
        LOST_REASONS,
        N_("“{text}” could be several reasons: {reasons}. Write more of it."),
        N_("“{text}” is not a lost reason. Use one of: {reasons}."),
        what="reasons",
    )


def match_role(text: str) -> DmuRole:
    """The decision-maker-unit role ``text`` names, like :func:`match_reason`."""
    return _one(
        text,
        DMU_ROLES,
        N_("“{text}” could be several roles: {roles}. Write more of it."),
        N_("“{text}” is not a role in the decision. Use one of: {roles}."),
        what="roles",
    )


def reason_by_key(key: str) -> LostReason | None:
    return next((r for r in LOST_REASONS if r.key == key), None)


def role_by_key(key: str) -> DmuRole | None:
    return next((r for r in DMU_ROLES if r.key == key), None)
