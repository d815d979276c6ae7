"""bot.core.sources and bot.core.quickadd by value: source matching, quick-add orders, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core import quickadd, sources
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from bot.core.money import Money
from bot.core.quickadd import QuickAdd, parse_quick_add
from bot.core.sources import (
    GROUP_LABELS,
    NON_REFERRAL,
    OTHER,
    REFERRAL,
    SOURCES,
    match_source,
    source_by_key,
)
from tests.core.test_money import idr

# --- sources ---------------------------------------------------------------------------------


def test_the_taxonomy() -> None:
    by_group = {group: [s.key for s in SOURCES if s.group == group] for group in GROUP_LABELS}
    assert by_group == {
        REFERRAL: ["referral", "referral_customer", "referral_friend", "referral_influence"],
        NON_REFERRAL: ["itch_cycle", "idle_account", "mass_media", "swap_meet", "canvassing"],
        OTHER: ["inbound", "cold_outreach"],
    }
    assert all(s.label and s.description for s in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.key)
def test_source_by_key_and_its_own_words(source) -> None:
    assert source_by_key(source.key) is source
    assert match_source(source.key) is source
    assert match_source(source.label) is source
    for alias in source.aliases:
        assert match_source(alias) is source


def test_the_index_refuses_a_word_naming_two_sources() -> None:
    ours = sources.Source("ours", "Ours", OTHER, ("Walk-in",))
    theirs = sources.Source("theirs", "Theirs", OTHER, ("walk in",))
    assert sources._index((ours,)) == {"ours": ours, "walk in": ours}
    with pytest.raises(ValueError, match="'walk in' names both ours and theirs"):
        sources._index((ours, theirs))


def test_the_index_holds_every_word_of_every_source_normalised() -> None:
    index = sources._index(SOURCES)
    assert index["friend and acquaintance"].key == "referral_friend"
    assert index["referral satisfied customer"].key == "referral_customer"  # the label
    assert index["cold outreach"] is index["cold_outreach".replace("_", " ")]
    assert len(index) == sum(
        len({sources.normalise(w) for w in (s.key, s.label, *s.aliases)}) for s in SOURCES
    )


def test_unknown_key() -> None:
    with pytest.raises(KeyError):
        source_by_key("carrier_pigeon")


@pytest.mark.parametrize(
    ("words", "key"),
    [
        ("referral", "referral"),
        ("Referal", "referral"),
        ("REF", "referral"),
        ("rujukan", "referral"),
        ("satisfied customer", "referral_customer"),
        ("Satisfied-Customer", "referral_customer"),
        ("satisfied_customer", "referral_customer"),
        ("  satisfied   customer ", "referral_customer"),
        ("pelanggan puas", "referral_customer"),
        ("friend & acquaintance", "referral_friend"),
        ("friend and acquaintance", "referral_friend"),
        ("teman", "referral_friend"),
        ("kenalan", "referral_friend"),
        ("centre of influence", "referral_influence"),
        ("Center of Influence", "referral_influence"),
        ("centre-of-influence", "referral_influence"),
        ("COI", "referral_influence"),
        ("itch cycle", "itch_cycle"),
        ("pembelian ulang", "itch_cycle"),
        ("idle account", "idle_account"),
        ("Idle", "idle_account"),
        ("akun tidak aktif", "idle_account"),
        ("mass media", "mass_media"),
        ("media massa", "mass_media"),
        ("swap meet", "swap_meet"),
        ("tukar prospek", "swap_meet"),
        ("canvassing", "canvassing"),
        ("kanvasing", "canvassing"),
        ("door-to-door", "canvassing"),
        ("inbound", "inbound"),
        ("prospek masuk", "inbound"),
        ("cold outreach", "cold_outreach"),
        ("cold", "cold_outreach"),
        ("Cold-Call", "cold_outreach"),
        ("outbound", "cold_outreach"),
        ("panggilan dingin", "cold_outreach"),
        ("réferral", "referral"),  # accents ignored
        ("Referral: satisfied customer", "referral_customer"),  # the English label
    ],
)
def test_match_source(words: str, key: str) -> None:
    found = match_source(words)
    assert found is not None
    assert found.key == key


@pytest.mark.parametrize("words", ["", "media", "customer", "acme", "referral friend inbound"])
def test_match_source_finds_nothing(words: str) -> None:
    assert match_source(words) is None


# --- quick add -------------------------------------------------------------------------------

MARIA = "<@U0MARIA|maria>"
REFERRAL_SOURCE = source_by_key("referral")
INBOUND = source_by_key("inbound")
COLD = source_by_key("cold_outreach")


def qa(name: str, value=None, source=None, owner_id=None) -> tuple:
    return (name, value, source, owner_id)


PARSED = [
    (
        f"Acme Corp 50jt referral {MARIA}",
        qa("Acme Corp", idr("50000000"), REFERRAL_SOURCE, "U0MARIA"),
    ),
    (
        f"{MARIA} referral Acme Corp 50jt",
        qa("Acme Corp", idr("50000000"), REFERRAL_SOURCE, "U0MARIA"),
    ),
    (
        f"50jt {MARIA} Acme Corp referral",
        qa("Acme Corp", idr("50000000"), REFERRAL_SOURCE, "U0MARIA"),
    ),
    ("Acme Corp referral 50 jt", qa("Acme Corp", idr("50000000"), REFERRAL_SOURCE)),
    ("PT Maju Jaya Rp 50.000.000 inbound", qa("PT Maju Jaya", idr("50000000"), INBOUND)),
    ("PT Maju Jaya Rp50.000.000 inbound", qa("PT Maju Jaya", idr("50000000"), INBOUND)),
    ("IDR 50,000,000 Acme", qa("Acme", idr("50000000"))),
    ('"Toko 50" 20jt cold', qa("Toko 50", idr("20000000"), COLD)),
    ("“Toko 50” 20jt cold", qa("Toko 50", idr("20000000"), COLD)),
    ('"Cold Storage Ltd" inbound', qa("Cold Storage Ltd", None, INBOUND)),
    ("Acme Corp", qa("Acme Corp")),
    ("  Acme   Corp  ", qa("Acme Corp")),
    ("Acme 1,5 juta", qa("Acme", idr("1500000"))),
    ("Acme Rp 1,5 juta", qa("Acme", idr("1500000"))),
    ("Acme 50 jt IDR", qa("Acme", idr("50000000"))),
    ("Acme 5000 USD inbound", qa("Acme", Money(Decimal("5000"), "USD"), INBOUND)),
    ("Acme $5,000.50", qa("Acme", Money(Decimal("5000.50"), "USD"))),
    ("Acme cold outreach", qa("Acme", None, COLD)),
    ("Acme cold-outreach", qa("Acme", None, COLD)),
    ("Acme satisfied customer", qa("Acme", None, source_by_key("referral_customer"))),
    ("Acme centre of influence", qa("Acme", None, source_by_key("referral_influence"))),
    ("Acme referral friend", qa("Acme", None, source_by_key("referral_friend"))),
    ("Acme referral, teman", qa("Acme", None, source_by_key("referral_friend"))),
    ("Acme teman referral", qa("Acme", None, source_by_key("referral_friend"))),
    ("Acme cold cold", qa("Acme", None, COLD)),
    (f"Acme {MARIA} <@U0MARIA>", qa("Acme", None, None, "U0MARIA")),
    ("Acme <@W0ENT>", qa("Acme", None, None, "W0ENT")),
    ("Acme, Inc., 50jt, cold outreach", qa("Acme, Inc.", idr("50000000"), COLD)),
    ("Acme - 50jt - referral", qa("Acme", idr("50000000"), REFERRAL_SOURCE)),
    ("Maju - Jaya 50jt", qa("Maju - Jaya", idr("50000000"))),
    ("Acme 50jt , referral ;", qa("Acme", idr("50000000"), REFERRAL_SOURCE)),
    ("Acme | 50jt | referral", qa("Acme", idr("50000000"), REFERRAL_SOURCE)),
    ("Acme Corp 50jt.", qa("Acme Corp", idr("50000000"))),
    ("McDonald's 20jt", qa("McDonald's", idr("20000000"))),
    ("AT&T 20jt", qa("AT&T", idr("20000000"))),  # unescaped by the handler (slack_text)
    ("<https://acme.com|acme.com> 20jt", qa("acme.com", idr("20000000"))),
    ("<https://acme.com> 20jt", qa("https://acme.com", idr("20000000"))),
    ("<#C0SALES|sales> team", qa("#sales team", None)),
    ("maria@acme.com 20jt", qa("maria@acme.com", idr("20000000"))),
    # quoted words are the name even when they alone would read as an amount or a source
    ('"2024" 50jt', qa("2024", idr("50000000"))),
    ('"Inbound" 20jt cold', qa("Inbound", idr("20000000"), COLD)),
    ('20jt "M"', qa("M", idr("20000000"))),  # not "20jt M"
    ('"" Acme 50jt', qa("Acme", idr("50000000"))),  # empty quotes are nothing
    ('"Toko 50"20jt', qa("Toko 50", idr("20000000"))),  # no space after the quote
    (f"Acme {MARIA}50jt", qa("Acme", idr("50000000"), None, "U0MARIA")),
    # a comma ends a list item: the next word starts a new part
    ("Acme, 50 jt", qa("Acme", idr("50000000"))),
    ("Referral, Customer Service Ltd", qa("Customer Service Ltd", None, REFERRAL_SOURCE)),
    # an amount takes at most two unit words after the number
    ("5 jt IDR Rupiah Shop", qa("Rupiah Shop", idr("5000000"))),
    ("Coffee @ Work 20jt", qa("Coffee @ Work", idr("20000000"))),  # a lone @ is a word
    ("Xerox 50jt", qa("Xerox", idr("50000000"))),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_quick_add(text: str, expected: tuple) -> None:
    got = parse_quick_add(text)
    assert (got.name, got.value, got.source, got.owner_id) == expected


def test_understood_lists_the_parts_in_the_order_typed() -> None:
    assert parse_quick_add(f"{MARIA} referral Acme Corp Rp 50.000.000") == QuickAdd(
        name="Acme Corp",
        value=idr("50000000"),
        source=REFERRAL_SOURCE,
        owner_id="U0MARIA",
        understood=(
            ("owner", MARIA),
            ("source", "referral"),
            ("name", "Acme Corp"),
            ("value", "Rp 50.000.000"),
        ),
    )


def test_understood_leaves_out_the_separators() -> None:
    assert parse_quick_add("Acme - 50jt - referral").understood == (
        ("name", "Acme"),
        ("value", "50jt"),
        ("source", "referral"),
    )


def test_understood_joins_a_referral_and_its_kind() -> None:
    assert parse_quick_add("Acme referral, teman").understood == (
        ("name", "Acme"),
        ("source", "referral teman"),
    )


def test_default_currency() -> None:
    got = parse_quick_add("Acme 5k", default_currency="USD")
    assert got.value == Money(Decimal("5000"), "USD")


REFUSED = [
    ("", quickadd.NO_NAME, "name", {"example": "Acme Corp 50jt referral @maria"}),
    ("   ", quickadd.NO_NAME, "name", {}),
    ("50jt referral", quickadd.NO_NAME, "name", {}),
    (f"{MARIA} 50jt", quickadd.NO_NAME, "name", {}),
    ("Acme 50jt Corp", quickadd.SPLIT_NAME, "name", {"first": "Acme", "second": "Corp"}),
    ("Acme referral Corp", quickadd.SPLIT_NAME, "name", {"first": "Acme", "second": "Corp"}),
    (
        "Acme 50jt Corp | Asia",
        quickadd.SPLIT_NAME,
        "name",
        {"first": "Acme", "second": "Corp | Asia"},
    ),
    (
        f"PT Maju {MARIA} Jaya Abadi 5jt",
        quickadd.SPLIT_NAME,
        "name",
        {"first": "PT Maju", "second": "Jaya Abadi"},
    ),
    ('"Toko" 20jt "Jaya"', quickadd.SPLIT_NAME, "name", {"first": "Toko", "second": "Jaya"}),
    ("Toko 50 20jt", quickadd.TWO_AMOUNTS, "value", {"first": "50", "second": "20jt"}),
    (
        "Acme 50jt Rp 20.000",
        quickadd.TWO_AMOUNTS,
        "value",
        {"first": "50jt", "second": "Rp 20.000"},
    ),
    (
        "Acme referral inbound",
        quickadd.TWO_SOURCES,
        "source",
        {"first": "referral", "second": "inbound"},
    ),
    ("Acme teman coi", quickadd.TWO_SOURCES, "source", {"first": "teman", "second": "coi"}),
    (
        f"Acme {MARIA} <@U0BOB|bob>",
        quickadd.TWO_OWNERS,
        "owner",
        {"first": MARIA, "second": "<@U0BOB|bob>"},
    ),
    ("Acme 50jt @maria", quickadd.BARE_AT, "owner", {"word": "@maria"}),
    ("Acme 50jt @b", quickadd.BARE_AT, "owner", {"word": "@b"}),
    ("Acme <!here>", quickadd.NOT_A_PERSON, "owner", {"mention": "<!here>"}),
    ("Acme <!subteam^S0SALES|@sales>", quickadd.NOT_A_PERSON, "owner", {}),
    ('"Acme Corp 50jt', quickadd.UNCLOSED_QUOTE, "name", {}),
]


@pytest.mark.parametrize(("text", "message", "field", "params"), REFUSED)
def test_refusals_echo_the_whole_text(
    text: str, message: str, field: str, params: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick_add(text)
    error = caught.value
    assert error.message == message
    assert error.field == field
    assert error.params["text"] == text
    assert params.items() <= error.params.items()
    assert f"“{text}”" in str(error)


@pytest.mark.parametrize(
    ("text", "amount", "reason"),
    [
        ("Acme 1.5.0 referral", "1.5.0", "thousands separators"),
        ("Acme 1.500jt", "1.500jt", "could mean 1.5jt or 1500jt"),
        ("Acme -50jt", "-50jt", "negative"),
        ("Acme Rp 0", "Rp 0", "zero"),
        ("Acme Rp 1,5", "Rp 1,5", "not a whole number"),
        ("Acme Rp 50jt USD", "Rp 50jt USD", "two currencies"),
    ],
)
def test_a_bad_amount_gives_its_own_reason_and_the_whole_text(
    text: str, amount: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quick_add(text)
    error = caught.value
    assert error.message == quickadd.AMOUNT_IN_TEXT
    assert error.field == "value"
    assert error.params["text"] == text
    assert reason in str(error)
    assert f"“{amount}”" in str(error)
    assert str(error).endswith(f"You wrote: “{text}”")
    assert error.render(Translator("en")) == str(error)
