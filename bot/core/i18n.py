"""The translation layer: gettext catalogues managed with Babel.

Every user-facing string is an English msgid passed through a ``Translator``.
Catalogues live in ``bot/locale/<lang>/LC_MESSAGES/messages.po``; they are
compiled in memory when first used (Babel's ``read_po``/``write_mo``), so no
build step and no binary ``.mo`` files in the repository.

Strings that are defined away from where they are shown (domain errors,
constants) are marked with ``N_`` for extraction and translated later.
"""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it now."""
    return message


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
    """Callable that translates a msgid and fills ``{placeholders}``."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = normalise_locale(locale)
        self._t = _translations(self.locale)

    def __call__(self, message: str, /, **params: object) -> str:
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def day(self, day: date) -> str:
        """A day as the reader writes it (``Mon 30 Nov``)."""
        return format_date(day, "EEE d MMM", locale=self.locale)

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=n, **params)
