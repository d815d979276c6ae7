"""Languages and the workspace's settings: ``/pipeline lang``, the Home tab's language
menu, and the managers' ``/pipeline settings`` modal (default language and currency)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot import ids
from bot.core.i18n import LANGUAGE_NAMES, Translator
from bot.core.money import SUPPORTED_CURRENCIES
from bot.usecases.people import LanguageSet
from bot.usecases.settings import SettingsSaved, WorkspaceSettings
from handlers.ui import forecast as ui_forecast
from handlers.ui.common import message, notice, write_meta
from handlers.ui.forms import modal, select_input


def _options(pairs) -> list[Option]:
    return [Option(text=PlainTextObject(text=text), value=value) for value, text in pairs]


def language_options() -> list[Option]:
    """Each language in its own words (a reader looks for their own language's name)."""
    return _options(LANGUAGE_NAMES.items())


def language_menu(t: Translator) -> SectionBlock:
    """The Home tab's language control: the reader's language, changed in one pick."""
    options = language_options()
    return SectionBlock(
        block_id=ids.BLOCK_LANGUAGE,
        text=MarkdownTextObject(
            text=t("*Language* — how Salespath writes to you and reads your amounts")
        ),
        accessory=StaticSelectElement(
            action_id=ids.ACTION_LANGUAGE,
            options=options,
            initial_option=next((o for o in options if o.value == t.locale), options[0]),
        ),
    )


def _amounts_tip(t: Translator) -> str:
    """How the reader's amounts are read now (``docs/AMOUNTS.md``)."""
    if t.locale == "id":
        return t(
            "Amounts you type in rupiah are read the Indonesian way: 2,5M is Rp2.500.000.000 "
            "(miliar) and 2,5jt is Rp2.500.000; a lower-case m is asked about."
        )
    return t(
        "Amounts you type in rupiah are read the English way: 2.5m is Rp2.500.000 and 2.5bn "
        "is Rp2.500.000.000; a capital M is asked about."
    )


def language_set_reply(t: Translator, result: LanguageSet) -> dict:
    """Answered in the new language (``t`` is of ``result.language``)."""
    text = t(
        "Done: Salespath now writes to you in {language}.",
        language=t.language(result.language),
    )
    tip = _amounts_tip(t)
    return message(
        text,
        [
            SectionBlock(text=MarkdownTextObject(text=":white_check_mark: " + text)),
            ContextBlock(elements=[MarkdownTextObject(text=tip)]),
        ],
    )


def language_status(t: Translator) -> dict:
    """``/pipeline lang`` alone: the reader's language and how to change it."""
    return notice(
        t(
            "Salespath writes to you in {language}. Change it with `/pipeline lang id` "
            "(Bahasa Indonesia) or `/pipeline lang en` (English), or on the Home tab.",
            language=t.language(t.locale),
        )
    )


def settings_modal(
    t: Translator, current: WorkspaceSettings, *, channel: str | None = None
) -> dict:
    languages = language_options()
    currencies = _options((c, c) for c in SUPPORTED_CURRENCIES)
    blocks = [
        select_input(
            ids.BLOCK_LANGUAGE,
            t("Default language"),
            languages,
            current.language,
            hint=t(
                "For channel posts such as the digest, and for everyone who hasn't picked a "
                "language of their own (each person can, on the Home tab)."
            ),
        ),
        select_input(
            ids.BLOCK_CURRENCY,
            t("Default currency"),
            currencies,
            current.currency,
            hint=t("For amounts typed without a currency, like 50jt."),
        ),
    ]
    blocks += ui_forecast.settings_blocks(t, current)  # issue 15: who sees the team, targets
    return modal(
        t,
        callback_id=ids.VIEW_SETTINGS,
        title=t("Workspace settings"),
        blocks=blocks,
        metadata=write_meta({"channel": channel}),
        submit=t("Save"),
    )


def read_settings_form(form: dict) -> tuple[str, str]:
    """The submitted settings: ``(language, currency)`` (empty when none was picked)."""
    return form.get(ids.BLOCK_LANGUAGE) or "", form.get(ids.BLOCK_CURRENCY) or ""


def settings_saved_message(t: Translator, saved: SettingsSaved) -> dict:
    text = t(
        "Saved the workspace's settings: {language}, amounts without a currency in {currency}.",
        language=t.language(saved.settings.language),
        currency=saved.settings.currency,
    )
    lines = [":white_check_mark: " + text, ui_forecast.team_view_line(t, saved.settings.team_view)]
    if saved.digests:
        lines.append(
            t.plural(
                "{n} channel digest follows the default language.",
                "{n} channel digests follow the default language.",
                saved.digests,
            )
        )
    return notice("\n".join(lines))
