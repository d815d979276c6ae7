"""The translation layer: locales, placeholders, and catalogues that follow the code."""

from __future__ import annotations

from bot import catalog
from bot.core.i18n import Translator, normalise_locale


def test_slack_locales_map_to_our_languages():
    assert normalise_locale("en-US") == "en"
    assert normalise_locale(None) == "en"
    assert normalise_locale("xx-YY") == "en"  # unknown: the default


def test_translator_fills_placeholders_and_falls_back_to_the_msgid():
    t = Translator("en-GB")
    assert t("Added *{name}* at {stage}.", name="Acme", stage="Prospecting") == (
        "Added *Acme* at Prospecting."
    )
    assert t("A string nobody translated") == "A string nobody translated"


def test_every_message_in_the_code_is_in_the_english_catalogue():
    missing = catalog.behind("en", catalog.extract())
    assert not missing, "run `make messages`: " + ", ".join(sorted(missing)[:5])
