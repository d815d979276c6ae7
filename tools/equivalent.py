"""Equivalent mutants of bot/core: changes mutmut makes that no test can notice, because the
program behaves the same. Each entry is (module, mutant, a line the mutant writes, why);
``tools.mutate`` checks the line against the mutant's diff, so an entry goes stale (and stops
counting) when the code it describes changes. docs/TESTING.md explains how to add one.
"""

from __future__ import annotations

_SAME_EXPONENT = "quantize() only uses the exponent of its argument, and 2 has the same as 1"
_EN_ANYWAY = "an unknown or upper-case locale name ends up as English all the same"
_LATER = "only read after the first value, source or owner has set it"
_KIND = "the name check only asks whether a token's kind is 'name' or 'neutral'"
_UNMARKED = "an unmarked token keeps the kind '', which the name check treats like a value"
_READ_ONCE = (
    "an entity is read when the loop reaches it and spans only look ahead: nothing consults "
    "its flags afterwards"
)

MUTANTS_EQUIVALENT: list[tuple[str, str, str, str]] = [
    # --- money
    (
        "money",
        "x__read_number__mutmut_4",
        'if num[-1] in "XX.,XX":',
        r"the number matched \d[\d.,]*: its last character is a digit, a dot or a comma",
    ),
    (
        "money",
        "x__read_number__mutmut_100",
        'short = frac.rstrip("XX0XX")',
        "the decimals are digits only, so only the zeros are stripped either way",
    ),
    (
        "money",
        "x__unsupported_code__mutmut_14",
        'code = (match.group(group) or "XXXX").upper()',
        "a missing code becomes XXXX instead of nothing; neither is a currency",
    ),
    ("money", "x_parse_amount__mutmut_124", "quantum = Decimal(2).scaleb(-places)", _SAME_EXPONENT),
    (
        "money",
        "x_format_money__mutmut_21",
        "amount = money.amount.quantize(Decimal(2).scaleb(-places), rounding=ROUND_HALF_UP)",
        _SAME_EXPONENT,
    ),
    (
        "money",
        "x__language__mutmut_9",
        'lang = (locale or "XXenXX").replace("-", "_").split("_")[0].lower()',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x__language__mutmut_10",
        'lang = (locale or "EN").replace("-", "_").split("_")[0].lower()',
        _EN_ANYWAY,
    ),
    ("money", "x__language__mutmut_17", 'return "EN"', _EN_ANYWAY),
    (
        "money",
        "x_format_money__mutmut_1",
        'def format_money(money: Money, locale: str = "XXenXX") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money__mutmut_2",
        'def format_money(money: Money, locale: str = "EN") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money__mutmut_7",
        'lang = "ID" if money.currency == "IDR" else _language(locale)',
        "Babel reads locale names in any case",
    ),
    (
        "money",
        "x_format_money__mutmut_41",
        "amount, money.currency, format=whole_pattern, locale=lang, currency_digits=None",
        "Babel only tests currency_digits for truth: None acts as False",
    ),
    (
        "money",
        "x_format_money_short__mutmut_1",
        'def format_money_short(money: Money, locale: str = "XXenXX") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money_short__mutmut_2",
        'def format_money_short(money: Money, locale: str = "EN") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money_short__mutmut_32",
        "if size.scaleb(-exp).quantize(tenth, None) >= 1",
        "the context's half-even rounding differs from half-up only on ties, and the one tie "
        "that decides ≥ 1, 0.95, both round to 1.0",
    ),
    (
        "money",
        "x_format_money_short__mutmut_34",
        "if size.scaleb(-exp).quantize(tenth, ) >= 1",
        "the default rounding is half-even: as above",
    ),
    (
        "money",
        "x_format_money_short__mutmut_70",
        'sign = "-" if money.amount <= 0 else ""',
        "amounts under a thousand (zero among them) were written in full before this line",
    ),
    (
        "money",
        "x_format_money_short__mutmut_71",
        'sign = "-" if money.amount < 1 else ""',
        "amounts under a thousand were written in full before this line",
    ),
    # --- quickadd
    (
        "quickadd",
        "x__tokenize__mutmut_23",
        "end = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -2)",
        "-1 and -2 both mean 'no closing quote': only end < 0 is asked",
    ),
    (
        "quickadd",
        "x__tokenize__mutmut_24",
        "if end <= 0:",
        "a closing quote comes after the opening one, so end is never 0",
    ),
    (
        "quickadd",
        "x__tokenize__mutmut_25",
        "if end < 1:",
        "a closing quote comes after the opening one, so end is never 0",
    ),
    ("quickadd", "x__read_entity__mutmut_29", "token.entity = None", _READ_ONCE),
    ("quickadd", "x__read_entity__mutmut_30", "token.entity = True", _READ_ONCE),
    (
        "quickadd",
        "x__read_entity__mutmut_31",
        "token.quoted = None  # its words are name words, whatever they look like",
        _READ_ONCE,
    ),
    (
        "quickadd",
        "x__read_entity__mutmut_32",
        "token.quoted = False  # its words are name words, whatever they look like",
        _READ_ONCE,
    ),
    (
        "quickadd",
        "x__source_span__mutmut_11",
        "for length in range(min(MAX_ALIAS_WORDS, len(tokens) + i), 0, -1):",
        "a window past the last token is cut to the same words by the slice, and a span past "
        "the end stops the loop just as the exact one does",
    ),
    (
        "quickadd",
        "x__source_span__mutmut_29",
        "return 1, None",
        "the caller reads the span only when a source was found",
    ),
    ("quickadd", "x_parse_quick_add__mutmut_6", "value_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_7", 'value_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_9", "source_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_10", 'source_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_12", "owner_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_13", 'owner_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_14", "source_at = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_15", "source_at = 1", _LATER),
    (
        "quickadd",
        "x_parse_quick_add__mutmut_50",
        'owner_id, owner_words, token.kind = mentioned, token.raw, "XXownerXX"',
        _KIND,
    ),
    (
        "quickadd",
        "x_parse_quick_add__mutmut_51",
        'owner_id, owner_words, token.kind = mentioned, token.raw, "OWNER"',
        _KIND,
    ),
    ("quickadd", "x_parse_quick_add__mutmut_121", "for t in tokens[i : i - span]:", _UNMARKED),
    ("quickadd", "x_parse_quick_add__mutmut_122", "t.kind = None", _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_123", 't.kind = "XXvalueXX"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_124", 't.kind = "VALUE"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_164", "for t in tokens[i : i - span]:", _UNMARKED),
    ("quickadd", "x_parse_quick_add__mutmut_165", "t.kind = None", _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_166", 't.kind = "XXsourceXX"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_167", 't.kind = "SOURCE"', _KIND),
    (
        "quickadd",
        "x__name__mutmut_36",
        "resume = next(i for i in at if i >= gap)",
        "the gap is a token that is not a name, so no name index equals it",
    ),
    (
        "quickadd",
        "x__name__mutmut_39",
        "None,",
        "the default end only slices tokens[resume:end], and None slices to the end too",
    ),
]
