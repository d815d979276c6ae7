"""Who is acting, the language each person reads, and the managers a workspace names.

Managers are Slack workspace admins and owners, plus the people named with ``/pipeline
managers add``. ``actor`` is computed once per request (``handlers.kit.middleware``), with
the person's language in the same query (``storage.preferences.request_facts``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.deals import Actor, require_manager
from bot.core.errors import InvalidInput
from bot.core.i18n import LANGUAGE_NAMES, N_, Msg, choose_language, parse_language
from bot.core.quickadd import NOT_MENTIONED
from storage import managers as manager_store
from storage import preferences as preference_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database, run_once


def actor(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    workspace_admin: bool,
    slack_locale: str | None = None,
) -> Actor:
    """Who acts: manager or not, and their language (their choice, else the first guess
    from ``slack_locale`` and the workspace's default) — one query."""
    with db.read() as s:
        facts = preference_store.request_facts(session=s, team_id=team_id, user_id=user_id)
    language = choose_language(
        user=facts.language, workspace=facts.workspace_language, slack_locale=slack_locale
    )
    return Actor(
        team_id=team_id,
        user_id=user_id,
        is_manager=workspace_admin or facts.named_manager,
        language=language,
    )


def language_of(db: Database, *, team_id: str, user_id: str, slack_locale: str | None) -> str:
    """The language to write to someone in who isn't acting now (a reminder, a nudge DM)."""
    with db.read() as s:
        facts = preference_store.request_facts(session=s, team_id=team_id, user_id=user_id)
    return choose_language(
        user=facts.language, workspace=facts.workspace_language, slack_locale=slack_locale
    )


UNKNOWN_LANGUAGE = N_(
    "I don't know the language “{text}”. Write id (Bahasa Indonesia) or en (English), "
    "like /pipeline lang id."
)


@dataclass(frozen=True)
class LanguageSet:
    """A person's language, as now set; ``before``: the one they read until now."""

    language: str
    before: str


def set_language(
    db: Database,
    actor: Actor,
    language: str,
    *,
    key: str | None = None,
    now: datetime | None = None,
) -> LanguageSet:
    """The acting person reads (and writes amounts) in ``language`` from now on: ``"id"``,
    ``"en"``, or a word for one (``"bahasa"``, ``"english"``). Raises ``InvalidInput`` for a
    language we don't have."""
    chosen = parse_language(language) if language not in LANGUAGE_NAMES else language
    if chosen is None:
        raise InvalidInput(UNKNOWN_LANGUAGE, field="language", text=language)

    def work(s) -> tuple[LanguageSet, str]:
        preference_store.set_user_language(
            session=s,
            team_id=actor.team_id,
            user_id=actor.user_id,
            language=chosen,
            now=now or datetime.now(UTC),
        )
        return LanguageSet(chosen, actor.language), f"{chosen}>{actor.language}"

    def replay(_s, record: str) -> LanguageSet:
        after, _, before = record.partition(">")
        return LanguageSet(after, before)

    return run_once(db, team_id=actor.team_id, key=key, work=work, replay=replay)


def prepare_workspace(db: Database, *, team_id: str, default_currency: str) -> None:
    """A workspace's first request creates its row (default currency) and seeds its default
    stages in a transaction of its own, so that listeners reading in a read-only session
    see committed rows: the settings' currency, and stage ids that stay the same for the
    modal that shows them and the submission that saves."""
    with db.transaction() as s:
        workspace_store.ensure_workspace(
            session=s, team_id=team_id, default_currency=default_currency
        )
        stage_store.list_stages(session=s, team_id=team_id)


@dataclass(frozen=True)
class Managers:
    """``/pipeline managers [add|remove|list] @x``: what changed and what did not."""

    op: str  # add | remove | list
    named: list[str] = field(default_factory=list)  # list: everyone named
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


#: The operation as the usage line names it, in the reader's words (``manajer tambah``).
OP_WORDS = {"add": N_("add"), "remove": N_("remove")}
CHANGE_MANAGERS = N_(
    "Only a manager (a workspace admin or owner, or someone "
    "named with /pipeline managers add) can change managers."
)


def managers(
    db: Database,
    actor: Actor,
    *,
    op: str,
    users: list[str],
    now: datetime,
    text: str = "",
    real: frozenset[str] | None = None,
) -> Managers:
    """``real``: the people the text really mentions (members of the workspace); any other
    mention-shaped text is refused."""
    if op == "list":
        with db.read() as s:
            return Managers(op, named=manager_store.list_managers(session=s, team_id=actor.team_id))
    require_manager(actor, CHANGE_MANAGERS)
    if not users:
        raise InvalidInput(
            N_(
                "Mention the person: /pipeline managers {op} @someone "
                "(pick them from Slack's list so it becomes a mention)."
            ),
            op=Msg(OP_WORDS.get(op, op)),
        )
    unknown = [u for u in users if real is not None and u not in real]
    if unknown:
        raise InvalidInput(NOT_MENTIONED, text=text, mention=f"<@{unknown[0]}>")
    changed, unchanged = [], []
    with db.transaction() as s:
        for user in users:
            if op == "add":
                done = manager_store.add_manager(
                    session=s, team_id=actor.team_id, user_id=user, by=actor.user_id, now=now
                )
            else:
                done = manager_store.remove_manager(session=s, team_id=actor.team_id, user_id=user)
            (changed if done else unchanged).append(user)
    return Managers(op, changed=changed, unchanged=unchanged)
