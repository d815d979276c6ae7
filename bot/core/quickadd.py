"""``/prospect`` quick add: a deal name, and optionally a value, a source and an owner, in any
order — ``Acme Corp 50jt referral <@U0MARIA|maria>``.

How the text is read, token by token (spaces separate tokens):

* ``"quoted words"`` (straight or curly quotes) are always the name — for names that contain
  words that look like an amount or a source: ``"Toko 50" 20jt cold``.
* A Slack user mention (``<@U123|maria>`` or ``<@U123>``) is the owner. Slack sends mentions
  this way when the command escapes its text; a bare ``@maria`` is refused, asking the user to
  pick the person from Slack's autocomplete. Only *real* mentions count: the caller passes
  ``mentions``, the people Slack itself sent as mentions and who are members of the
  workspace; the same characters typed (Slack sends them as ``&lt;@U123&gt;``), or a mention
  of someone unknown, are refused. Other Slack entities keep their words in the name
  (links by their label, channels as ``#name``); ``@here`` and user groups are refused.
* An amount (see ``bot.core.money``) is one token or spreads over its neighbours: a currency before
  it (``Rp 50.000.000``), a multiplier and/or a currency after it (``50 jt``, ``1,5 juta``,
  ``5000 USD``). It is read in the user's language (``M`` is miliar for an Indonesian writing
  rupiah); an ``m``/``M`` that could be million or miliar raises ``AmbiguousAmount`` as is (the
  caller asks which, and reads the text again with the answer as ``unit``).
* Source words (``bot.core.sources``), the longest alias first (``cold outreach``, ``centre of
  influence``). A generic ``referral`` next to a kind of referral (``referral friend``) is that
  kind.
* Everything else is the name, which must be one contiguous run of words (``Acme 50jt Corp`` is
  refused: quote the name). A lone ``-``, ``|``, ``/``, ``:`` or ``·`` separates without
  counting.

Every refusal is an ``InvalidInput`` whose ``text`` parameter is the whole command text, as Slack
sent it (still escaped for mrkdwn), and whose ``field`` names the part at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import InvalidInput
from bot.core.i18n import N_, Translator
from bot.core.money import (
    AmbiguousAmount,
    Money,
    is_currency_word,
    is_multiplier_word,
    looks_like_amount,
    parse_amount,
)
from bot.core.sources import GENERIC_REFERRAL, MAX_ALIAS_WORDS, REFERRAL, Source, match_source

USAGE_EXAMPLE = "Acme Corp 50jt referral @maria"

NO_NAME = N_(
    "I couldn't find a deal name in “{text}”. Write it like: {example}. If the name looks like "
    "an amount or a source, put it in quotes."
)
SPLIT_NAME = N_(
    "In “{text}” I can't tell which words are the name: “{first}” and “{second}” are apart. "
    'Put the name together, or in quotes, like: "Acme Corp" 50jt referral'
)
TWO_AMOUNTS = N_(
    "“{text}” has two amounts, “{first}” and “{second}”. Which one is the value? If one is "
    'part of the name, put the name in quotes, like: "Toko 50" 20jt'
)
TWO_SOURCES = N_("“{text}” has two sources, “{first}” and “{second}”. Keep one.")
TWO_OWNERS = N_(
    "“{text}” mentions two people, {first} and {second}. A deal has one owner: keep one."
)
BARE_AT = N_(
    "In “{text}”, “{word}” is not a Slack mention. Pick the person from the list Slack shows "
    "when you type @, so it becomes a real mention."
)
NOT_A_PERSON = N_(
    "In “{text}”, {mention} is not one person. The owner is one person: pick them from the "
    "list Slack shows when you type @."
)
UNCLOSED_QUOTE = N_("In “{text}” a quote is opened but not closed.")
NOT_MENTIONED = N_(
    "In “{text}”, {mention} is not someone I can find in this workspace. Pick the person from "
    "the list Slack shows when you type @, so it becomes a real mention."
)
AMOUNT_IN_TEXT = N_("{reason} You wrote: “{text}”")

_QUOTES = '"“”„«»'  # the quotes people type, straight and curly
_NEUTRAL = {"-", "–", "—", "|", "/", ":", "·", ",", ";"}
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_LINK = re.compile(r"<([^@#!][^|>]*)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class QuickAdd:
    """What a quick-add text says.

    ``understood`` lists, in the order typed, each part found and the user's own words for it:
    ``(("name", "Acme Corp"), ("value", "50jt"), ("source", "referral"),
    ("owner", "<@U0MARIA|maria>"))`` — for echoing back "50jt → Rp50.000.000"."""

    name: str
    value: Money | None = None
    source: Source | None = None
    owner_id: str | None = None
    understood: tuple[tuple[str, str], ...] = ()


class AmountInTextError(InvalidInput):
    """An amount that can't be read, inside a longer text: the amount's own reason (translated
    with it), then the whole text."""

    def __init__(self, cause: InvalidInput, text: str) -> None:
        super().__init__(AMOUNT_IN_TEXT, field="value", reason=str(cause), text=text)
        self.cause = cause

    def render(self, t: Translator) -> str:
        return t(self.message, reason=self.cause.render(t), text=self.params["text"])


@dataclass
class _Token:
    raw: str  # as typed (for a quoted token: the words inside the quotes)
    quoted: bool = False
    entity: bool = False  # a Slack <…> entity
    kind: str = ""  # filled in: name, neutral, value, source, owner

    @property
    def word(self) -> str:
        """The token without trailing list punctuation (``Corp,`` → ``Corp``)."""
        return self.raw.rstrip(",;")

    @property
    def plain(self) -> bool:
        return not self.quoted and not self.entity

    @property
    def ends_list_item(self) -> bool:
        return self.raw.endswith((",", ";"))


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _QUOTES:
            end = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
            if end < 0:
                raise InvalidInput(UNCLOSED_QUOTE, field="name", text=text)
            inside = " ".join(text[i + 1 : end].split())
            if inside:
                tokens.append(_Token(inside, quoted=True))
            i = end + 1
        elif ch == "<" and ">" in text[i:]:
            end = text.index(">", i)
            tokens.append(_Token(text[i : end + 1], entity=True))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            tokens.append(_Token(text[i:j]))
            i = j
    return tokens


def _read_entity(token: _Token, text: str, mentions: frozenset[str] | None) -> str | None:
    """The owner id of a user mention, else ``None`` after turning the entity into name words."""
    if match := _USER_MENTION.fullmatch(token.raw):
        if mentions is not None and match.group(1) not in mentions:
            raise InvalidInput(NOT_MENTIONED, field="owner", text=text, mention=token.raw)
        return match.group(1)
    if token.raw.startswith("<!"):
        raise InvalidInput(NOT_A_PERSON, field="owner", text=text, mention=token.raw)
    if match := _CHANNEL.fullmatch(token.raw):
        token.raw = "#" + match.group(1)
    elif match := _LINK.fullmatch(token.raw):
        token.raw = match.group(2) or match.group(1)
    token.entity = False
    token.quoted = True  # its words are name words, whatever they look like
    return None


def _amount_span(tokens: list[_Token], i: int) -> int:
    """How many tokens from ``i`` make an amount (0 if none starts here): the number, with a
    currency before it and up to two multiplier or currency words after it."""

    def starts_amount(at: int) -> bool:
        return at < len(tokens) and tokens[at].plain and looks_like_amount(tokens[at].word)

    def unit_after(at: int) -> bool:
        token = tokens[at]
        if not token.plain or tokens[at - 1].ends_list_item:
            return False
        if is_multiplier_word(token.word):
            return True
        # "50jt Rp 20.000": that Rp belongs to the next amount.
        return is_currency_word(token.word) and not starts_amount(at + 1)

    start = i
    if is_currency_word(tokens[i].word) and not tokens[i].ends_list_item:
        i += 1
    if not starts_amount(i):
        return 0
    end = i + 1
    while end < len(tokens) and end - i <= 2 and unit_after(end):
        end += 1
    return end - start


def _source_span(tokens: list[_Token], i: int) -> tuple[int, Source | None]:
    """The longest run of words from ``i`` that names a source."""
    for length in range(min(MAX_ALIAS_WORDS, len(tokens) - i), 0, -1):
        window = tokens[i : i + length]
        if not all(t.plain for t in window) or any(t.ends_list_item for t in window[:-1]):
            continue
        source = match_source(" ".join(t.word for t in window))
        if source is not None:
            return length, source
    return 0, None


def _words(tokens: list[_Token]) -> str:
    return " ".join(t.word for t in tokens)


def _merge_sources(first: Source, second: Source) -> Source | None:
    """``referral`` and a kind of referral agree; other different sources don't."""
    if first == second:
        return first
    if first == GENERIC_REFERRAL and second.group == REFERRAL:
        return second
    if second == GENERIC_REFERRAL and first.group == REFERRAL:
        return first
    return None


def parse_quick_add(
    text: str,
    *,
    default_currency: str = "IDR",
    language: str = "en",
    unit: int | None = None,
    mentions: frozenset[str] | None = None,
) -> QuickAdd:
    """Read ``/prospect`` quick-add text (see the module docstring) written in ``language``;
    ``unit`` settles an ambiguous ``m``/``M`` (``bot.core.money.parse_amount``). Raises
    ``InvalidInput``, and ``AmbiguousAmount`` when the amount must be asked about.
    ``mentions``: the real mentions (``None``: every mention-shaped token counts).

    A parser: one pass over the tokens, each rule in the order the module docstring gives,
    so it reads top to bottom and is longer than most functions on purpose."""
    tokens = _tokenize(text)
    value: Money | None = None
    value_words = ""
    source: Source | None = None
    source_words = ""
    owner_id: str | None = None
    owner_words = ""
    source_at = 0
    understood: list[tuple[int, str, str]] = []

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.entity:
            mentioned = _read_entity(token, text, mentions)
            if mentioned is None:
                token.kind = "name"
            else:
                if owner_id is not None and mentioned != owner_id:
                    raise InvalidInput(
                        TWO_OWNERS, field="owner", text=text, first=owner_words, second=token.raw
                    )
                if owner_id is None:
                    understood.append((i, "owner", token.raw))
                owner_id, owner_words, token.kind = mentioned, token.raw, "owner"
            i += 1
            continue
        if token.quoted:
            token.kind = "name"
            i += 1
            continue
        if token.raw in _NEUTRAL or not token.word:
            token.kind = "neutral"
            i += 1
            continue
        if token.word.startswith("@") and len(token.word) > 1:
            raise InvalidInput(BARE_AT, field="owner", text=text, word=token.word)

        if span := _amount_span(tokens, i):
            words = _words(tokens[i : i + span])
            if value is not None:
                raise InvalidInput(
                    TWO_AMOUNTS, field="value", text=text, first=value_words, second=words
                )
            try:
                value = parse_amount(
                    words, default_currency=default_currency, language=language, unit=unit
                )
            except AmbiguousAmount:
                raise  # not a mistake: a question for the user
            except InvalidInput as cause:
                raise AmountInTextError(cause, text) from cause
            value_words = words
            understood.append((i, "value", words))
            for t in tokens[i : i + span]:
                t.kind = "value"
            i += span
            continue

        span, found = _source_span(tokens, i)
        if found is not None:
            words = _words(tokens[i : i + span])
            if source is None:
                source, source_words = found, words
                source_at = len(understood)
                understood.append((i, "source", words))
            else:
                merged = _merge_sources(source, found)
                if merged is None:
                    raise InvalidInput(
                        TWO_SOURCES, field="source", text=text, first=source_words, second=words
                    )
                source = merged
                at, kind, before = understood[source_at]
                understood[source_at] = (at, kind, f"{before} {words}")
            for t in tokens[i : i + span]:
                t.kind = "source"
            i += span
            continue

        token.kind = "name"
        i += 1

    name = _name(tokens, text)
    understood.append((_first_name_index(tokens), "name", name))
    return QuickAdd(
        name=name,
        value=value,
        source=source,
        owner_id=owner_id,
        understood=tuple((kind, words) for _, kind, words in sorted(understood)),
    )


def _first_name_index(tokens: list[_Token]) -> int:
    return next(i for i, t in enumerate(tokens) if t.kind == "name")


_EDGES = " ,;:-–—|/·"


def _name_text(tokens: list[_Token]) -> str:
    """The name words joined; separators at its edges dropped, unless they were typed inside
    quotes (``"Acme, Inc."`` keeps its full stop, ``"-Toko-"`` its dashes)."""
    text = " ".join(t.raw for t in tokens)
    if tokens and not tokens[0].quoted:
        text = text.lstrip(_EDGES)
    if tokens and not tokens[-1].quoted:
        text = text.rstrip(_EDGES)
    return text


def _name(tokens: list[_Token], text: str) -> str:
    """The name words, which must be one run (separators allowed between them)."""
    at = [i for i, t in enumerate(tokens) if t.kind == "name"]
    if not at:
        raise InvalidInput(NO_NAME, field="name", text=text, example=USAGE_EXAMPLE)
    gap = next((i for i in range(at[0], at[-1]) if tokens[i].kind not in ("name", "neutral")), None)
    if gap is not None:
        resume = next(i for i in at if i > gap)
        end = next(
            (i for i in range(resume, len(tokens)) if tokens[i].kind not in ("name", "neutral")),
            len(tokens),
        )
        raise InvalidInput(
            SPLIT_NAME,
            field="name",
            text=text,
            first=_name_text(tokens[at[0] : gap]),
            second=_name_text(tokens[resume:end]),
        )
    return _name_text(tokens[at[0] : at[-1] + 1])


# --- a currency code written apart from the amount (issue 14) -------------------------------


@dataclass(frozen=True)
class CurrencyQuestion:
    """``1.5m Initech USD``: is USD the amount's currency (the deal is "Initech"), or part of
    the name ("Initech USD", in the default currency)? Asked, never guessed. ``as_currency``
    and ``as_name`` are the quick-add text rewritten for each answer."""

    name: str  # the name without the code: "Initech"
    word: str  # the code as written: "USD"
    currency: str  # what it means: "USD"
    default: str  # the amount's currency otherwise
    as_currency: str
    as_name: str
    apart: bool = False  # the code stands alone at the end: not a part of the name at all


def _currency_of(word: str) -> str | None:
    if not is_currency_word(word):
        return None
    try:
        return parse_amount(f"1 {word}").currency
    except InvalidInput:
        return None


def _explicit(value_words: str, default_currency: str, **how) -> bool:
    """Whether the amount as written names its currency (parsing it with two different
    defaults gives the same currency); ``how``: the writer's ``language`` and ``unit``."""
    other = "USD" if default_currency != "USD" else "EUR"
    try:
        a = parse_amount(value_words, default_currency=default_currency, **how).currency
        b = parse_amount(value_words, default_currency=other, **how).currency
    except InvalidInput:
        return True
    return a == b


def _rebuilt(q: QuickAdd, name: str, currency_word: str | None) -> str:
    """The quick-add text again, the name quoted (so it reads as typed) and the amount
    followed by ``currency_word``: each part in the order typed."""
    parts = []
    for kind, words in q.understood:
        if kind == "name":
            parts.append('"' + name.replace('"', "") + '"')
        elif kind == "value":
            parts.append(f"{words} {currency_word}" if currency_word else words)
        else:
            parts.append(words)
    return " ".join(parts)


def currency_question(
    q: QuickAdd, text: str, *, default_currency: str = "IDR", **how
) -> CurrencyQuestion | None:
    """A currency code or symbol at the end of the name, written apart from an amount that
    names no currency: ``1.5m Initech USD``. Names that only start with such a word ("RM
    Tech") and quoted names ("Initech USD" in quotes) are names as written."""
    words = q.name.split()
    if q.value is None or len(words) < 2:
        return None
    currency = _currency_of(words[-1])
    value_words = dict(q.understood).get("value", "")
    if currency in (None, q.value.currency) or _explicit(value_words, default_currency, **how):
        return None
    last = next((tok for tok in reversed(_tokenize(text)) if words[-1] in tok.raw.split()), None)
    if last is None or last.quoted:
        return None
    name = " ".join(words[:-1]).rstrip(" ,;:-–—|/·")
    return CurrencyQuestion(
        name=name,
        word=words[-1],
        currency=currency,
        default=q.value.currency,
        as_currency=_rebuilt(q, name, words[-1]),
        as_name=_rebuilt(q, q.name, None),
    )


def read_quick_add(
    text: str,
    *,
    default_currency: str = "IDR",
    language: str = "en",
    unit: int | None = None,
    mentions: frozenset[str] | None = None,
) -> QuickAdd | CurrencyQuestion:
    """``parse_quick_add``, or the question a currency code apart from the amount raises:
    at the end of the name (``1.5m Initech USD``), or alone at the end of the text after
    other parts (``Tech Corp 50jt referral @maria MYR``). Read in ``language``, ``unit``
    settling an ambiguous ``m``/``M``, ``mentions`` the real mentions (``parse_quick_add``);
    ``AmbiguousAmount`` is raised as is (asked first)."""
    how = {"language": language, "unit": unit}
    try:
        q = parse_quick_add(text, default_currency=default_currency, mentions=mentions, **how)
    except InvalidInput as err:
        tokens = _tokenize(text) if err.message == SPLIT_NAME else []
        last = tokens[-1] if tokens else None
        if last is None or not last.plain or _currency_of(last.word) is None:
            raise
        head = text[: text.rstrip().rfind(last.raw)].rstrip()
        q = parse_quick_add(head, default_currency=default_currency, mentions=mentions, **how)
        value_words = dict(q.understood).get("value", "")
        currency = _currency_of(last.word)
        if (
            q.value is None
            or currency == q.value.currency
            or _explicit(value_words, default_currency, **how)
        ):
            raise err from None
        return CurrencyQuestion(
            name=q.name,
            word=last.word,
            currency=currency,
            default=q.value.currency,
            as_currency=_rebuilt(q, q.name, last.word),
            as_name=_rebuilt(q, q.name, None),
            apart=True,
        )
    return currency_question(q, text, default_currency=default_currency, **how) or q
