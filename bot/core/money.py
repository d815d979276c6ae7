"""Money: reading the amounts reps type, and writing them back for people to read.

The rule (also in ``docs/AMOUNTS.md``, whose table is run as tests)
===================================================================

An amount is ``[currency] number [multiplier] [currency]``, spaces optional, case ignored
except for ``M``.

* **Currency** from a symbol or code before or after the number: ``Rp``/``Rp.``/``IDR``/
  ``rupiah`` → IDR, ``$``/``US$``/``USD`` → USD, ``€``/``EUR``, ``S$``/``SGD``, ``RM``/``MYR``,
  ``£``/``GBP``, ``¥``/``JP¥``/``JPY``, ``A$``/``AU$``/``AUD``. None given: the workspace default.
  Two different currencies are refused.
* **Multiplier**, the same in every language: ``k``, ``rb``, ``ribu``, ``thousand`` = 10³;
  ``jt``, ``juta``, ``mio``, ``mn``, ``million`` = 10⁶; ``b``, ``bn``, ``miliar``, ``milyar``,
  ``billion`` = 10⁹; ``t``, ``tn``, ``triliun``, ``trilyun``, ``trillion`` = 10¹².
* **``m`` and ``M``** depend on the writer's language and the amount's currency, because
  Indonesian sellers write ``M`` for *miliar* (``Rp 2,5 M``) and English writers for million:

  ========================  ==========================  =================================
  language + currency       ``M``                       ``m``
  ========================  ==========================  =================================
  Indonesian + IDR          miliar (10⁹)                asked (``AmbiguousAmount``)
  English + IDR             asked                       million (10⁶); asked after a
                                                        decimal comma (``2,5m``)
  any + another currency    million (10⁶)               million (10⁶)
  ========================  ==========================  =================================

  "Asked" raises ``AmbiguousAmount`` with both readings, so a reply can offer them as
  buttons (or a modal show both under the field); ``parse_amount(..., unit=6 or 9)`` reads
  it as the user then chose.
* **Separators** ``.`` and ``,``:

  1. Both occur: the last one is the decimal mark and occurs once; the other one groups
     thousands (``1.200,50`` and ``1,200.50`` are both 1200.50).
  2. One kind, several times: thousands groups (``50.000.000``, ``50,000,000``).
  3. One separator, once, with a multiplier: a decimal mark (``1.5jt`` = ``1,5 juta`` =
     1 500 000) — except when exactly three digits follow it (``1.500jt``), which could be
     1.5 million or 1 500 million: refused, write ``1.5jt`` or ``1500jt``.
  4. One separator, once, without a multiplier: thousands when exactly three digits follow and
     one to three digits precede it (``1.500`` = ``1,500`` = 1500 in every currency: no supported
     currency has three decimals, so three digits after the mark can't be cents); otherwise a
     decimal mark (``12.50``, ``1,5``).

  Thousands groups must be well formed: one to three digits, then groups of exactly three
  (``1.5.0``, ``1,50,000``, ``5000.000`` are refused). A trailing ``,-`` or ``.-`` (as in
  ``Rp 50.000,-``) means "no cents" and is ignored.
* **Refused**: negative, zero, more than 10¹⁵, more decimals than the currency has (two; none for
  IDR and JPY — a fraction of a rupiah is refused, e.g. ``Rp 1,5``: did you mean ``1,5jt``?).

Formatting: IDR is always ``Rp50.000.000`` (dots, no decimals, no space) whatever the locale;
other currencies follow the locale through Babel (``$5,000`` in English, ``US$5.000`` in
Indonesian), without ``.00`` when the amount is whole. ``format_money_short`` writes
``Rp304,1 jt``/``Rp1,4 M`` (Indonesian) or ``Rp304.1m``/``Rp1.4bn`` (English) — one decimal
at most, and text that ``parse_amount`` reads back in the same language. ``money_words``
writes an amount out (``2,5 miliar``, ``2.5 billion``) for the echo of a parsed amount
(``echo_money``: ``Rp2.500.000.000 — 2,5 miliar``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_symbol, list_currencies

from bot.core.errors import InvalidInput
from bot.core.i18n import N_

SUPPORTED_CURRENCIES: tuple[str, ...] = ("IDR", "USD", "EUR", "SGD", "MYR", "GBP", "JPY", "AUD")

#: Decimal places in practice; anything not listed has two.
_PLACES: dict[str, int] = {"IDR": 0, "JPY": 0}

MAX_AMOUNT = Decimal(10) ** 15

# Words and symbols, lower case, as they may be typed before or after the number.
_CURRENCY_WORDS: dict[str, str] = {
    "rp": "IDR",
    "rp.": "IDR",
    "idr": "IDR",
    "rupiah": "IDR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "s$": "SGD",
    "sgd": "SGD",
    "rm": "MYR",
    "myr": "MYR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "jp¥": "JPY",
    "jpy": "JPY",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
}

_MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(("k", "rb", "ribu", "thousand"), 3),
    **dict.fromkeys(("jt", "juta", "m", "mio", "mn", "million"), 6),  # "m": see _unit
    **dict.fromkeys(("b", "bn", "miliar", "milyar", "billion"), 9),
    **dict.fromkeys(("t", "tn", "triliun", "trilyun", "trillion"), 12),
}
MILLION, BILLION = 6, 9  # the two readings of an ambiguous m or M

# Short forms, largest unit first: (power of ten, suffix); each reads back in its language.
_SHORT_UNITS: dict[tuple[str, bool], tuple[tuple[int, str], ...]] = {
    ("en", True): ((12, "tn"), (9, "bn"), (6, "m"), (3, "k")),
    ("en", False): ((12, "tn"), (9, "bn"), (6, "m"), (3, "k")),
    ("id", True): ((12, " T"), (9, " M"), (6, " jt"), (3, " rb")),  # IDR: M is miliar
    ("id", False): ((12, " triliun"), (9, " miliar"), (6, " jt"), (3, " rb")),
}
# Amounts written out in words (``2,5 miliar``, ``2.5 billion``).
_WORDS: dict[str, tuple[tuple[int, str], ...]] = {
    "en": ((12, "trillion"), (9, "billion"), (6, "million"), (3, "thousand")),
    "id": ((12, "triliun"), (9, "miliar"), (6, "juta"), (3, "ribu")),
}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CUR = _alternation(_CURRENCY_WORDS)
_MULT = _alternation(_MULTIPLIERS)
_SHAPE = r"""
    (?P<sign1>-)?\s*
    (?:(?P<cur1>{cur})\s*(?P<sign2>-)?\s*)?
    (?P<num>\d[\d.,]*?)
    (?:[.,]-)?
    (?:\s*(?P<mult>{mult}))?
    (?:\s*(?P<cur2>{cur}))?
"""
_AMOUNT_RE = re.compile(_SHAPE.format(cur=_CUR, mult=_MULT), re.VERBOSE)
# The same shape with any three letters as a currency: to name an unsupported code.
_ANY_CODE_RE = re.compile(_SHAPE.format(cur=r"[a-z]{3}", mult=_MULT), re.VERBOSE)
_TRAILING_PUNCT = re.compile(r"[.,;:!?]+$")

# Messages (English msgids; ``{text}`` is the amount as the user wrote it).
UNREADABLE = N_("I couldn't read “{text}” as an amount. Write it like 50jt, 1.5m or Rp 50.000.000.")
NEGATIVE = N_("“{text}” is negative. A deal value must be more than zero.")
ZERO = N_("“{text}” is zero. A deal value must be more than zero.")
TOO_LARGE = N_("“{text}” is more than a thousand trillion. Check the number of zeros.")
TWO_CURRENCIES = N_("“{text}” names two currencies, {first} and {second}. Keep one.")
UNSUPPORTED_CURRENCY = N_("In “{text}”, I can't handle {code} yet. Use one of: {supported}.")
BAD_GROUPING = N_(
    "In “{text}” the thousands separators are out of place. Write it like 1.500.000 "
    "or 1,500,000 (groups of three digits), or use a shorthand like 1.5jt."
)
MIXED_SEPARATORS = N_(
    "“{text}” mixes . and , in a way I can't read safely. Write it like 1.200,50 or "
    "1,200.50: the last mark is the decimal one and appears once."
)
AMBIGUOUS_DECIMAL = N_("“{text}” could mean {decimal} or {whole}. Write one of those to be sure.")
NOT_WHOLE = N_(
    "“{text}” is not a whole number of {currency}, which has no cents. Write a whole amount, "
    "or add a unit, like 1,5jt for one and a half million."
)
TOO_MANY_DECIMALS = N_("“{text}” has more than {places} decimals; {currency} has {places}.")
AMBIGUOUS_UNIT = N_(
    "“{text}” could be {million} ({million_words}) or {billion} ({billion_words}). "
    "Write {million_hint} or {billion_hint} to be sure."
)


class AmbiguousAmount(InvalidInput):
    """``m`` or ``M`` that could be million or miliar (see the module's table): the two
    readings (``readings[0]`` million, ``readings[1]`` miliar), each also written out, and
    the user's words. Raised instead of guessing; ``parse_amount(..., unit=…)`` reads the
    amount as the user then chose."""

    def __init__(self, text: str, number: str, readings: tuple[Money, Money], language: str):
        short, long = (money_words(r, language) or "" for r in readings)
        super().__init__(
            AMBIGUOUS_UNIT,
            field="value",
            text=text,
            million=format_money(readings[0], language),
            million_words=short,
            billion=format_money(readings[1], language),
            billion_words=long,
            million_hint=f"{number}jt" if language == "id" else f"{number} million",
            billion_hint=f"{number} miliar" if language == "id" else f"{number} billion",
        )
        self.readings = readings
        self.units = (MILLION, BILLION)


@dataclass(frozen=True)
class Money:
    """An amount in one currency (ISO 4217 code). Never summed across currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money.amount must be a Decimal, not {type(self.amount).__name__}")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"Money.currency must be an ISO 4217 code, not {self.currency!r}")

    @classmethod
    def from_cents(cls, cents: int | Decimal, currency: str) -> Money:
        """Hundredths of a unit (as stored, or a sum of them) → ``Money``, rounded half up to
        the places the currency uses. The one way stored amounts become money."""
        quantum = Decimal(1).scaleb(-currency_places(currency))
        amount = (Decimal(cents) / 100).quantize(quantum, rounding=ROUND_HALF_UP)
        return cls(amount, currency)

    @property
    def cents(self) -> int:
        """Hundredths of a unit, as stored."""
        return int((self.amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def currency_places(currency: str) -> int:
    """Decimal places the currency uses in practice (0 for IDR and JPY, else 2)."""
    return _PLACES.get(currency, 2)


def _normalise(text: str, *, lower: bool = True) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).replace("\u2212", "-").split())
    return text.lower() if lower else text


def _strip_trailing(text: str) -> str:
    """Drop sentence punctuation at the end (``50jt.``), but keep ``,-`` (``Rp 50.000,-``)."""
    return _TRAILING_PUNCT.sub("", text)


def is_currency_word(token: str) -> bool:
    """``Rp``, ``IDR``, ``$``, ``USD``…: a token that names a currency and nothing else."""
    word = _normalise(token)
    return word in _CURRENCY_WORDS or _strip_trailing(word) in _CURRENCY_WORDS


def is_multiplier_word(token: str) -> bool:
    """``jt``, ``juta``, ``k``, ``rb``, ``m``, ``miliar``…: a token that is only a multiplier."""
    return _strip_trailing(_normalise(token)) in _MULTIPLIERS


def looks_like_amount(token: str) -> bool:
    """True when one token has the shape of an amount (a number, perhaps with a currency and a
    multiplier attached: ``50jt``, ``Rp50.000.000``, ``$5,000``, even ``1.5.0``). It says
    nothing about whether the number is valid: ``parse_amount`` decides that, with a reason."""
    text = _strip_trailing(_normalise(token))
    return " " not in text and _AMOUNT_RE.fullmatch(text) is not None


def _grouped(digits: str, sep: str) -> bool:
    """``50.000.000``: one to three digits, then groups of exactly three."""
    head, *groups = digits.split(sep)
    return (
        1 <= len(head) <= 3 and head.isdigit() and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _read_number(num: str, *, multiplier: str | None, text: str) -> Decimal:
    if num[-1] in ".,":
        raise InvalidInput(UNREADABLE, field="value", text=text)
    dots, commas = num.count("."), num.count(",")
    if not dots and not commas:
        return Decimal(num)
    if dots and commas:
        last = max(num.rfind("."), num.rfind(","))
        mark = num[last]
        group = "," if mark == "." else "."
        whole, frac = num[:last], num[last + 1 :]
        if num.count(mark) != 1 or not _grouped(whole, group):
            raise InvalidInput(MIXED_SEPARATORS, field="value", text=text)
        return Decimal(f"{whole.replace(group, '')}.{frac}")
    sep = "." if dots else ","
    parts = num.split(sep)
    if len(parts) > 2:
        if not _grouped(num, sep):
            raise InvalidInput(BAD_GROUPING, field="value", text=text)
        return Decimal("".join(parts))
    whole, frac = parts
    if multiplier is not None:
        if len(frac) == 3:
            short = frac.rstrip("0")
            raise InvalidInput(
                AMBIGUOUS_DECIMAL,
                field="value",
                text=text,
                decimal=f"{whole}{sep}{short}{multiplier}" if short else f"{whole}{multiplier}",
                whole=f"{whole}{frac}{multiplier}",
            )
        return Decimal(f"{whole}.{frac}")
    if len(frac) == 3 and whole != "0":  # "0.500" can only be a decimal
        if not _grouped(num, sep):
            raise InvalidInput(BAD_GROUPING, field="value", text=text)
        return Decimal(whole + frac)
    return Decimal(f"{whole}.{frac}")


def _unsupported_code(text: str) -> str | None:
    match = _ANY_CODE_RE.fullmatch(text)
    if match is None:
        return None
    known = set(list_currencies())
    for group in ("cur1", "cur2"):
        code = (match.group(group) or "").upper()
        if code in known and code not in SUPPORTED_CURRENCIES:
            return code
    return None


def _unit(typed: str, *, currency: str, language: str, comma: bool, unit: int | None) -> int | None:
    """The power of ten of ``m``/``M`` as typed (case kept), or ``None`` when it is
    ambiguous and ``unit`` (the user's answer) doesn't settle it. See the module's table."""
    if currency != "IDR":
        return MILLION
    if language == "id":
        return BILLION if typed == "M" else unit
    if typed == "M" or comma:
        return unit
    return MILLION


def _power(match: re.Match, cased: str, number: Decimal, currency: str, **how) -> int:
    """The multiplier's power of ten; ``AmbiguousAmount`` for an ``m``/``M`` that stays
    ambiguous. ``how``: the parse's ``language``, ``unit`` and ``shown`` text."""
    mult = match.group("mult")
    if mult != "m":
        return _MULTIPLIERS[mult] if mult else 0
    language = _language(how["language"])
    same = len(cased) == len(match.string)  # lower-casing kept the positions
    typed = cased[match.start("mult") : match.end("mult")] if same else "m"
    num = match.group("num")
    comma = "," in num and "." not in num
    power = _unit(typed, currency=currency, language=language, comma=comma, unit=how["unit"])
    if power is None:
        readings = tuple(
            Money(number.scaleb(p).quantize(Decimal(1)), currency) for p in (MILLION, BILLION)
        )
        raise AmbiguousAmount(how["shown"], num, readings, language)
    return power


def parse_amount(
    text: str, *, default_currency: str = "IDR", language: str = "en", unit: int | None = None
) -> Money:
    """Read an amount the way reps type it (see the module docstring for the rule), in the
    writer's ``language`` (``"en"``, ``"id"``): it decides ``m`` and ``M`` for rupiah.

    Raises ``InvalidInput`` (``field="value"``) with the reason and the user's ``text``;
    ``AmbiguousAmount`` for an ``m``/``M`` that could be million or miliar, unless ``unit``
    (6 or 9: the user's choice among the two) settles it."""
    if default_currency not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported default currency {default_currency!r}")
    if unit not in (None, MILLION, BILLION):
        raise ValueError(f"an ambiguous unit is read as 10^6 or 10^9, not 10^{unit}")
    shown = " ".join(text.split())
    cased = _strip_trailing(_normalise(text, lower=False))
    normal = cased.lower()
    match = _AMOUNT_RE.fullmatch(normal)
    if match is None:
        code = _unsupported_code(normal)
        if code is not None:
            raise InvalidInput(
                UNSUPPORTED_CURRENCY,
                field="value",
                text=shown,
                code=code,
                supported=", ".join(SUPPORTED_CURRENCIES),
            )
        raise InvalidInput(UNREADABLE, field="value", text=shown)

    cur1, cur2 = match.group("cur1"), match.group("cur2")
    codes = [_CURRENCY_WORDS[c] for c in (cur1, cur2) if c]
    if len(set(codes)) > 1:
        raise InvalidInput(
            TWO_CURRENCIES, field="value", text=shown, first=codes[0], second=codes[1]
        )
    currency = codes[0] if codes else default_currency

    if match.group("sign1") or match.group("sign2"):
        raise InvalidInput(NEGATIVE, field="value", text=shown)
    number = _read_number(match.group("num"), multiplier=match.group("mult"), text=shown)
    power = _power(match, cased, number, currency, language=language, unit=unit, shown=shown)
    amount = number.scaleb(power)
    if amount == 0:
        raise InvalidInput(ZERO, field="value", text=shown)
    if amount > MAX_AMOUNT:
        raise InvalidInput(TOO_LARGE, field="value", text=shown)
    places = currency_places(currency)
    quantum = Decimal(1).scaleb(-places)
    if amount.quantize(quantum) != amount:
        if places == 0:
            raise InvalidInput(NOT_WHOLE, field="value", text=shown, currency=currency)
        raise InvalidInput(
            TOO_MANY_DECIMALS, field="value", text=shown, places=places, currency=currency
        )
    return Money(amount.quantize(quantum), currency)


def _language(locale: str | None) -> str:
    lang = (locale or "en").replace("-", "_").split("_")[0].lower()
    try:
        Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return "en"
    return lang


def format_money(money: Money, locale: str = "en") -> str:
    """The amount in full: ``Rp50.000.000`` (IDR, any locale), ``$5,000``/``$5,000.50`` (en),
    ``US$5.000`` (id); other currencies as Babel writes them for the locale, without ``.00``
    when whole."""
    lang = "id" if money.currency == "IDR" else _language(locale)
    places = currency_places(money.currency)
    amount = money.amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        pattern = Locale.parse(lang).currency_formats["standard"].pattern
        whole_pattern = re.sub(r"\.0+", "", pattern)
        return format_currency(
            amount, money.currency, format=whole_pattern, locale=lang, currency_digits=False
        )
    return format_currency(amount, money.currency, locale=lang)


def _scaled(size: Decimal, units: tuple[tuple[int, str], ...], places: int) -> tuple[Decimal, str]:
    """``size`` in the largest unit that still gives at least 1 once rounded to ``places``
    (999 950 000 → 1bn, not 1000m); below a thousand, ``(size, "")``."""
    quantum = Decimal(1).scaleb(-places)
    for exp, name in units:
        scaled = size.scaleb(-exp).quantize(quantum, ROUND_HALF_UP)
        if scaled >= 1:
            return scaled, name
    return size, ""


def _digits(number: Decimal, lang: str) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def format_money_short(money: Money, locale: str = "en") -> str:
    """A compact form for tight places, one decimal at most: ``Rp304,1 jt``, ``Rp1,4 M``,
    ``US$12 rb`` (id); ``Rp304.1m``, ``Rp1.4bn``, ``$12k`` (en). Below a thousand it is the
    full form. ``parse_amount`` reads the result back in the same language (to within the
    rounding)."""
    lang = _language(locale)
    units = _SHORT_UNITS.get((lang, money.currency == "IDR"), _SHORT_UNITS["en", True])
    size = abs(money.amount)
    if size < 1000:
        return format_money(money, locale)
    scaled, suffix = _scaled(size, units, 1)
    symbol = "Rp" if money.currency == "IDR" else get_currency_symbol(money.currency, lang)
    sign = "-" if money.amount < 0 else ""
    return f"{sign}{symbol}{_digits(scaled, lang)}{suffix}"


def money_words(money: Money, locale: str = "en") -> str | None:
    """The amount written out for a reader to check at a glance: ``2,5 miliar``,
    ``304,1 juta`` (id); ``2.5 billion``, ``50 thousand`` (en). Three decimals at most,
    ``~`` in front when that rounds. ``None`` below a thousand (the digits say it all)."""
    lang = "id" if _language(locale) == "id" else "en"
    size = abs(money.amount)
    if size < 1000:
        return None
    scaled, word = _scaled(size, _WORDS[lang], 3)
    exact = scaled.scaleb(next(e for e, w in _WORDS[lang] if w == word)) == size
    sign = "-" if money.amount < 0 else ""
    return f"{'' if exact else '~'}{sign}{_digits(scaled, lang)} {word}"


def echo_money(money: Money, locale: str = "en") -> str:
    """A parsed amount echoed back: in full, then written out (``Rp2.500.000.000 — 2,5
    miliar``), so a misreading shows at once."""
    full, words = format_money(money, locale), money_words(money, locale)
    return f"{full} — {words}" if words else full
