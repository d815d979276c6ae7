"""slack_sdk's installation and OAuth state tables made by our migrations, and the purge of an
uninstalled workspace's data — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, func, select

from bot.core.deals import Actor
from bot.core.forecast import quarter_span
from bot.core.money import Money
from bot.core.notify import Preferences
from bot.usecases import installs, members, people
from storage import checklists as checklist_store
from storage import claims as claim_store
from storage import deals as deal_store
from storage import digests as digest_store
from storage import forecast as forecast_store
from storage import imports as import_store
from storage import installations as store
from storage import people as people_store
from storage import requests as request_store
from storage import workspaces as workspace_store
from storage.installations import OAUTH_METADATA
from storage.models import Workspace
from tests.factories import NOW, add_manager, add_note, edit_deal, make_deal, subscribe

CLIENT_ID = "1000000001.2000000002"
GRACE = timedelta(days=30)


def installation(team_id: str, *, token: str, enterprise_id: str | None = None) -> Installation:
    return Installation(
        app_id="A1",
        enterprise_id=enterprise_id,
        enterprise_name="Acme Group" if enterprise_id else None,
        team_id=team_id,
        team_name=f"Team {team_id}",
        bot_token=token,
        bot_id=f"B{team_id}",
        bot_user_id=f"UB{team_id}",
        bot_scopes="commands,chat:write",
        user_id="U9",
        is_enterprise_install=False,
        token_type="bot",
    )


def test_oauth_tables_are_slack_sdks_own(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), OAUTH_METADATA)
    assert not [d for d in diff if "slack_" in repr(d)], diff


def test_slack_sdk_stores_work_on_our_tables(db):
    installs_ = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine)
    installs_.save(installation("T2", token="xoxb-T2-1", enterprise_id="E1"))
    bot = installs_.find_bot(enterprise_id="E1", team_id="T2")
    assert (bot.bot_token, bot.bot_user_id, bot.enterprise_name) == (
        "xoxb-T2-1",
        "UBT2",
        "Acme Group",
    )
    assert installs_.find_installation(enterprise_id="E1", team_id="T2").user_id == "U9"
    with db.read() as s:
        assert store.latest_bot_token(session=s, team_id="T2") == "xoxb-T2-1"
        assert store.latest_bot_token(session=s, team_id="T3") is None
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False  # once


def test_expired_states_are_dropped(db):
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
    fresh = states.issue()
    with db.transaction() as s:
        assert store.delete_expired_states(session=s, now=NOW.replace(year=2020)) == 0
        assert store.delete_expired_states(session=s, now=NOW.replace(year=2100)) == 1
    assert states.consume(fresh) is False


def populate(db, team_id: str) -> None:
    """A workspace that has used the app: a row in each of its tables."""
    deal_id = make_deal(
        db, team_id=team_id, contact_name="Budi", path=(("approaching", NOW),), owner_id="U1"
    )
    add_manager(db, "U2", team_id=team_id)
    people.set_language(db, Actor(team_id, "U1"), "id")
    edit_deal(db, deal_id, expected_close=date(2027, 1, 31))
    add_note(db, deal_id, "Hi")
    subscribe(db, team_id=team_id, weekdays="mon-fri", now=NOW)
    members.save_preferences(
        db, Actor(team_id, "U1"), Preferences(days=("mon",)), key=None, now=NOW
    )
    with db.transaction() as s:
        workspace_store.ensure_workspace(session=s, team_id=team_id)
        deal = deal_store.get_deal(session=s, team_id=team_id, deal_id=deal_id)
        checklist_store.save_checklist(
            session=s,
            team_id=team_id,
            deal=deal,
            kind="spin",
            data={},
            filled=0,
            parts=4,
            by="U1",
            now=NOW,
        )
        claim_store.insert_claim(
            session=s, team_id=team_id, kind="digest", target="C1", slot=NOW, by="p1", now=NOW
        )
        request_store.record_request(session=s, team_id=team_id, key=f"Ev{team_id}", result="1")
        forecast_store.save_target(  # issue 15
            session=s,
            team_id=team_id,
            owner_id="U1",
            span=quarter_span(NOW.date()),
            amount=Money(Decimal(500_000_000), "IDR"),
            by="U2",
            now=NOW,
        )
        import_store.save_import_draft(
            session=s, team_id=team_id, user_id="U1", filename="a.csv", content="Deal\nA\n", now=NOW
        )
        people_store.set_inactive(session=s, team_id=team_id, user_id="U3", inactive=True, now=NOW)
        people_store.mark_welcomed(session=s, team_id=team_id, user_id="U1", now=NOW)
    SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine).save(
        installation(team_id, token=f"xoxb-{team_id}")
    )


def rows_by_table(db, team_id: str) -> dict[str, int]:
    found = MetaData()
    found.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).where(t.c.team_id == team_id)).scalar()
            for t in found.sorted_tables
            if "team_id" in t.c
        }


def test_purge_deletes_the_workspace_from_every_table_with_team_id(db):
    populate(db, "T1")
    populate(db, "T2")
    before = rows_by_table(db, "T2")
    empty = {name for name, n in before.items() if not n}
    assert not empty, f"populate() leaves these tables empty: {empty}"
    with db.transaction() as s:
        store.delete_installations(session=s, team_id="T2")
        store.mark_uninstalled(session=s, team_id="T2", now=NOW)
    kept = rows_by_table(db, "T1")

    early = installs.purge_departed(
        db, now=NOW + GRACE - timedelta(minutes=1), grace=GRACE, came_back=lambda t: False
    )
    assert early == [] and rows_by_table(db, "T2")["deal"] == 1

    [purged] = installs.purge_departed(db, now=NOW + GRACE, grace=GRACE, came_back=lambda t: False)
    assert purged.team_id == "T2" and purged.rows["deal"] == 1 and purged.rows["workspace"] == 1
    assert set(rows_by_table(db, "T2").values()) == {0}
    assert rows_by_table(db, "T1") == kept  # nobody else's rows


def test_a_workspace_back_in_time_is_not_purged(db):
    make_deal(db, team_id="T2")
    with db.transaction() as s:
        store.mark_uninstalled(session=s, team_id="T2", now=NOW)
        assert store.mark_uninstalled(session=s, team_id="T2", now=NOW + GRACE) == NOW  # the first
    later = NOW + 2 * GRACE
    assert installs.purge_departed(db, now=later, grace=GRACE, came_back=lambda t: True) == []
    with db.read() as s:
        assert s.get(Workspace, "T2").uninstalled_at is None  # installed again after all
    assert rows_by_table(db, "T2")["deal"] == 1


def test_a_purge_that_cannot_tell_waits(db):
    make_deal(db, team_id="T2")
    with db.transaction() as s:
        store.mark_uninstalled(session=s, team_id="T2", now=NOW)

    def unsure(team_id: str) -> bool:
        raise installs.Unsure("Slack unreachable")

    assert installs.purge_departed(db, now=NOW + 2 * GRACE, grace=GRACE, came_back=unsure) == []
    with db.read() as s:
        assert s.get(Workspace, "T2").uninstalled_at == NOW
    assert rows_by_table(db, "T2")["deal"] == 1


def test_an_uninstalled_workspace_has_no_scheduled_posts(db):
    populate(db, "T1")
    populate(db, "T2")
    with db.read() as s:
        assert {sub.team_id for sub in digest_store.list_subscriptions_all_teams(session=s)} == {
            "T1",
            "T2",
        }
    installs.uninstalled(db, team_id="T2", key="Ev1", now=NOW)
    with db.read() as s:
        assert [sub.team_id for sub in digest_store.list_subscriptions_all_teams(session=s)] == [
            "T1"
        ]
        assert digest_store.list_teams_with_open_deals_all_teams(session=s) == ["T1"]
        assert store.latest_bot_token(session=s, team_id="T2") is None  # the installation went
        assert store.latest_bot_token(session=s, team_id="T1") == "xoxb-T1"
    installs.installed(db, team_id="T2", default_currency="IDR")  # back within the grace period
    with db.read() as s:
        assert len(digest_store.list_subscriptions_all_teams(session=s)) == 2
