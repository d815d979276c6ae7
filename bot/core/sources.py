"""Where a deal came from: the prospecting sources of the sales path.

Referral (someone sends the prospect to us) comes in three kinds — a satisfied customer, a friend
or acquaintance, a centre of influence — plus ``referral`` when the kind isn't given.
Non-referral sources are the rep's own prospecting: itch cycle, idle account, mass media, swap
meet, canvassing. ``inbound`` (they came to us) and ``cold_outreach`` (we went to them first)
complete the list.

Labels and descriptions are English msgids (marked with ``N_``), translated where shown.
Aliases are the words reps type, in English and Indonesian; ``match_source`` compares them
ignoring case, accents, and the difference between ``-``, ``_`` and a space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.i18n import N_

REFERRAL = "referral"
NON_REFERRAL = "non_referral"
OTHER = "other"

GROUP_LABELS: dict[str, str] = {
    REFERRAL: N_("Referral"),
    NON_REFERRAL: N_("Non-referral"),
    OTHER: N_("Other"),
}


@dataclass(frozen=True)
class Source:
    key: str
    label: str  # msgid
    group: str  # REFERRAL, NON_REFERRAL or OTHER
    aliases: tuple[str, ...] = ()
    description: str = ""  # msgid


SOURCES: tuple[Source, ...] = (
    Source(
        "referral",
        N_("Referral"),
        REFERRAL,
        ("referral", "referal", "ref", "referred", "rujukan", "rekomendasi"),
        N_("Someone recommended us; the kind of referral was not given."),
    ),
    Source(
        "referral_customer",
        N_("Referral: satisfied customer"),
        REFERRAL,
        (
            "satisfied customer",
            "happy customer",
            "customer referral",
            "referral customer",
            "pelanggan puas",
            "rujukan pelanggan",
            "referral pelanggan",
        ),
        N_("A customer who is happy with us introduced them."),
    ),
    Source(
        "referral_friend",
        N_("Referral: friend or acquaintance"),
        REFERRAL,
        (
            "friend",
            "friends",
            "acquaintance",
            "friend or acquaintance",
            "friend and acquaintance",
            "friends and acquaintances",
            "friend referral",
            "referral friend",
            "teman",
            "kenalan",
            "teman atau kenalan",
            "teman dan kenalan",
            "rujukan teman",
            "referral teman",
        ),
        N_("Someone the rep knows personally introduced them."),
    ),
    Source(
        "referral_influence",
        N_("Referral: centre of influence"),
        REFERRAL,
        (
            "centre of influence",
            "center of influence",
            "coi",
            "influencer",
            "endorsement",
            "endorse",
            "endorsed",
            "tokoh",
            "tokoh berpengaruh",
            "pusat pengaruh",
        ),
        N_("Someone whose word carries weight (a community figure, an expert) endorsed us."),
    ),
    Source(
        "itch_cycle",
        N_("Itch cycle"),
        NON_REFERRAL,
        (
            "itch cycle",
            "itch",
            "repeat purchase",
            "repeat order",
            "repurchase",
            "pembelian ulang",
            "siklus pembelian",
        ),
        N_("A customer who is due to buy again."),
    ),
    Source(
        "idle_account",
        N_("Idle account"),
        NON_REFERRAL,
        (
            "idle account",
            "idle",
            "dormant",
            "dormant account",
            "inactive customer",
            "inactive account",
            "akun tidak aktif",
            "pelanggan tidak aktif",
            "pelanggan pasif",
        ),
        N_("A customer who stopped buying, approached again."),
    ),
    Source(
        "mass_media",
        N_("Mass media"),
        NON_REFERRAL,
        ("mass media", "massmedia", "media massa"),
        N_("Found in the news, in ads, or in other online or offline media."),
    ),
    Source(
        "swap_meet",
        N_("Swap meet"),
        NON_REFERRAL,
        ("swap meet", "swap", "prospect swap", "lead swap", "tukar prospek", "bertukar prospek"),
        N_("Passed on by a colleague who sells a complementary product, in exchange for ours."),
    ),
    Source(
        "canvassing",
        N_("Canvassing"),
        NON_REFERRAL,
        ("canvassing", "canvass", "canvasing", "kanvasing", "door to door"),
        N_("Found by going to a chosen area and handing out promotional material."),
    ),
    Source(
        "inbound",
        N_("Inbound"),
        OTHER,
        ("inbound", "inbound lead", "lead masuk", "prospek masuk", "masuk"),
        N_("They came to us first: a form, a chat, a call, an event."),
    ),
    Source(
        "cold_outreach",
        N_("Cold outreach"),
        OTHER,
        (
            "cold outreach",
            "cold",
            "outbound",
            "cold call",
            "cold calling",
            "cold email",
            "cold prospecting",
            "prospek dingin",
            "panggilan dingin",
            "dingin",
        ),
        N_("We contacted them first, with no earlier contact: a cold call, an email, a message."),
    ),
)

GENERIC_REFERRAL = SOURCES[0]


def normalise(text: str) -> str:
    """Lower case, no accents, ``&`` as ``and``, punctuation (``-``, ``_``, ``/``…) as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text.replace("&", " and "))
    return " ".join(text.split())


def _index(sources: tuple[Source, ...]) -> dict[str, Source]:
    index: dict[str, Source] = {}
    for source in sources:
        for word in (source.key, source.label, *source.aliases):
            key = normalise(word)
            other = index.setdefault(key, source)
            if other is not source:
                raise ValueError(f"{word!r} names both {other.key} and {source.key}")
    return index


_BY_WORDS = _index(SOURCES)
_BY_KEY = {source.key: source for source in SOURCES}

#: The longest alias, in words: how far the quick-add parser needs to look ahead.
MAX_ALIAS_WORDS = max(len(words.split()) for words in _BY_WORDS)


def source_by_key(key: str) -> Source:
    """The source stored under ``key``; ``KeyError`` if there is none."""
    return _BY_KEY[key]


def match_source(word_or_words: str) -> Source | None:
    """The source these words name (a key, an English label or an alias), or ``None``."""
    return _BY_WORDS.get(normalise(word_or_words))
