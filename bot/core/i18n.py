"""The translation layer: gettext catalogues managed with Babel, and the reader's language.

Every user-facing string is an English msgid passed through a ``Translator``.
Catalogues live in ``bot/locale/<lang>/LC_MESSAGES/messages.po``; they are
compiled in memory when first used (Babel's ``read_po``/``write_mo``), so no
build step and no binary ``.mo`` files in the repository.

Strings that are defined away from where they are shown (domain errors,
constants) are marked with ``N_`` for extraction and translated later; given as a
parameter wrapped in ``Msg``, they are translated when the message is.

Which language a reader gets (``choose_language``): Slack has no Indonesian display
language, so the choice lives in Salespath — the user's own choice, else a Slack locale
we have a catalogue for other than English (Slack's default, which says nothing), else
the workspace's default (set by managers), else English. Dates and numbers are written
for the reader with Babel (``Translator.date``, ``short_date``, ``number``, ``percent``).
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"

#: The languages a user or a workspace may choose, each named in its own words (a name is
#: shown as is, never translated: a reader looks for their own language's name).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia"}


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it now."""
    return message


#: The same languages named in running text ("Written in English"), in the reader's words:
#: msgids, translated when shown (``Translator.language``): "ditulis dalam bahasa Inggris".
LANGUAGE_NAMES_IN_TEXT: dict[str, str] = {"en": N_("English"), "id": N_("Bahasa Indonesia")}

#: What people type to name a language (``/pipeline lang id``, ``/pipeline bahasa id``,
#: ``/digest here 08:00 bahasa``): Indonesians call their language "Bahasa".
LANGUAGE_WORDS: dict[str, str] = {
    **dict.fromkeys(("id", "ind", "indonesia", "indonesian", "bahasa", "bahasa indonesia"), "id"),
    **dict.fromkeys(("en", "eng", "english", "inggris", "bahasa inggris"), "en"),
}


class Msg(str):
    """An English msgid given as a parameter: translated when the message that holds it is
    (``InvalidInput(N_("tick “{tick}”"), tick=Msg(N_("Yes, move it")))``, or
    ``t("{stage}", stage=Msg("Probing"))``)."""


class MsgList(str):
    """Several values as one parameter, ``"A, B, C"`` in English; each ``Msg`` among them is
    translated when shown (``stages=MsgList([Msg("Probing"), "Demo Day"])``)."""

    items: tuple[str, ...]

    def __new__(cls, items) -> MsgList:
        items = tuple(items)
        made = super().__new__(cls, ", ".join(items))
        made.items = items
        return made


class Number(int):
    """A count given as a parameter, written for the reader when shown (``1,234`` in
    English, ``1.234`` in Indonesian)."""

    def __format__(self, spec: str) -> str:
        return format(int(self), spec or ",")


def available_locales() -> tuple[str, ...]:
    return _locales()


@cache
def _locales() -> tuple[str, ...]:
    if not LOCALE_DIR.exists():
        return ()
    found = (p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())
    return tuple(sorted(found))


def normalise_locale(locale: str | None) -> str:
    """Slack gives locales like ``en-US`` or ``id-ID``; we keep the language."""
    if not locale:
        return DEFAULT_LOCALE
    lang = locale.replace("-", "_").split("_")[0].lower()
    return lang if lang in available_locales() else DEFAULT_LOCALE


def parse_language(text: str) -> str | None:
    """``id``, ``Bahasa Indonesia``, ``english``… → ``"id"`` / ``"en"``; ``None`` otherwise."""
    return LANGUAGE_WORDS.get(" ".join(text.lower().split()))


def choose_language(
    *, user: str | None = None, workspace: str | None = None, slack_locale: str | None = None
) -> str:
    """The reader's language: their own choice; else their Slack locale when we have that
    language and it isn't English (Slack's default, so it says nothing about the person);
    else the workspace's default; else English."""
    if user in LANGUAGE_NAMES:
        return user
    slack = normalise_locale(slack_locale) if slack_locale else DEFAULT_LOCALE
    if slack != DEFAULT_LOCALE:
        return slack
    return workspace if workspace in LANGUAGE_NAMES else DEFAULT_LOCALE


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """Callable that translates a msgid and fills ``{placeholders}``; it also writes dates
    and numbers the way its reader does."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = normalise_locale(locale)
        self._t = _translations(self.locale)

    def __call__(self, message: str, /, **params: object) -> str:
        text = self._t.gettext(message)
        if not params:
            return text
        return text.format(**{k: self.shown(v) for k, v in params.items()})

    def shown(self, value: object) -> object:
        """A parameter as the reader sees it: a ``Msg`` translated (each one of a
        ``MsgList``), anything else as is."""
        if isinstance(value, MsgList):
            return ", ".join(str(self.shown(item)) for item in value.items)
        if isinstance(value, Number):
            return self.number(int(value))
        return self._t.gettext(value) if isinstance(value, Msg) else value

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=n, **{k: self.shown(v) for k, v in params.items()})

    def language(self, code: str | None) -> str:
        """A language named in a sentence, in the reader's words (``English`` /
        ``bahasa Inggris``); an unknown code is the default language."""
        return self(LANGUAGE_NAMES_IN_TEXT[normalise_locale(code)])

    # --- dates and numbers, with Babel ----------------------------------------------------

    def day(self, day: date) -> str:
        """A day, short: ``Mon 30 Nov`` / ``Sen 30 Nov``."""
        return format_date(day, "EEE d MMM", locale=self.locale)

    def date(self, day: date) -> str:
        """A day in full: ``Monday, 30 Nov 2026`` / ``Senin, 30 Nov 2026``."""
        return format_date(day, "EEEE, d MMM y", locale=self.locale)

    def short_date(self, day: date) -> str:
        """A day in the fewest characters: ``11/30`` / ``30/11`` (Babel's ``dM`` skeleton)."""
        return format_skeleton("dM", datetime(day.year, day.month, day.day), locale=self.locale)

    def when(self, at: datetime, tz: tzinfo | str | None = None) -> str:
        """A moment: ``Mon 30 Nov, 09:00`` in ``tz`` (an IANA name or a tzinfo)."""
        return format_datetime(at, "EEE d MMM, HH:mm", tzinfo=tz, locale=self.locale)

    def number(self, n: int | float | Decimal) -> str:
        """``1,234`` / ``1.234``; one decimal at most (``2.5`` / ``2,5``)."""
        return format_decimal(n, "#,##0.#", locale=self.locale)

    def percent(self, rate: float | None) -> str:
        """A share from 0 to 1 as a whole percentage: ``71%``; ``—`` for none."""
        return "—" if rate is None else format_percent(rate, "#,##0%", locale=self.locale)
