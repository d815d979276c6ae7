"""Issue 15's tables (0009_people) and storage on SQLite and PostgreSQL: the migration
matches the models; inactive members, preferences and welcome marks per workspace; the bulk
reassignment moves only what the old owner still owns; one person's erasure; the uninstall
purge covers the new tables; the ``erase-user`` operator command."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

import storage.models_checklist
import storage.models_digest
import storage.models_people  # noqa: F401
from bot.__main__ import main
from storage import people as store
from storage.db import Database
from storage.models import Deal, DealChange, Manager, StageMove
from storage.models_people import InactiveMember, NotifyPreference, WelcomeMark
from storage.purge import delete_workspace_data, tables_with_team_id
from tests.factories import make_deal
from tests.storage.schema import assert_migrated_as_modelled

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NEW = ("inactive_member", "notify_preference", "welcome_mark")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_new_models(request, kind):
    assert_migrated_as_modelled(request, kind, NEW)


def test_inactive_members_and_welcome_marks_are_per_workspace_and_idempotent(db):
    with db.transaction() as s:
        assert store.set_inactive(session=s, team_id="T1", user_id="U2", inactive=True, now=NOW)
        assert not store.set_inactive(session=s, team_id="T1", user_id="U2", inactive=True, now=NOW)
        assert store.mark_welcomed(session=s, team_id="T1", user_id="U1", now=NOW)
        assert not store.mark_welcomed(session=s, team_id="T1", user_id="U1", now=NOW)
        assert store.mark_welcomed(session=s, team_id="T2", user_id="U1", now=NOW)
    with db.read() as s:
        assert store.is_inactive(session=s, team_id="T1", user_id="U2")
        assert not store.is_inactive(session=s, team_id="T2", user_id="U2")
    with db.transaction() as s:
        assert store.set_inactive(session=s, team_id="T1", user_id="U2", inactive=False, now=NOW)
        assert not store.set_inactive(
            session=s, team_id="T1", user_id="U2", inactive=False, now=NOW
        )
    with db.read() as s:
        assert store.list_inactive(session=s, team_id="T1") == []


def test_preferences_default_then_saved(db):
    with db.read() as s:
        found = store.get_notify_preference(session=s, team_id="T1", user_id="U1")
    assert (found.days, found.at, found.nudges, found.stale_alerts) == (
        "mon,tue,wed,thu,fri,sat,sun",
        "09:00",
        True,
        True,
    )
    with db.transaction() as s:
        store.save_notify_preference(
            session=s,
            team_id="T1",
            user_id="U1",
            days="tue",
            at="10:00",
            quiet_weekends=True,
            nudges=False,
            stale_alerts=False,
            now=NOW,
        )
    with db.read() as s:
        row = s.get(NotifyPreference, ("T1", "U1"))
        other = store.get_notify_preference(session=s, team_id="T2", user_id="U1")
    assert (row.days, row.at, row.quiet_weekends, row.nudges) == ("tue", "10:00", True, False)
    assert other.days.startswith("mon")


def test_reassign_moves_only_deals_the_old_owner_still_owns(db):
    a = make_deal(db, name="A", owner_id="U2")
    b = make_deal(db, name="B", owner_id="U2")
    c = make_deal(db, name="C", owner_id="U3")  # owned by someone else meanwhile
    other = make_deal(db, team_id="T2", name="Theirs", owner_id="U2")
    with db.transaction() as s:
        moved = store.reassign_deals(
            session=s,
            team_id="T1",
            deal_ids=[a, b, c, other],
            from_id="U2",
            to_id="U1",
            by="UADMIN",
            now=NOW,
        )
    assert moved == sorted([a, b])
    with db.read() as s:
        owners = {d.name: d.owner_id for d in s.exec(select(Deal)).all()}
    assert owners == {"A": "U1", "B": "U1", "C": "U3", "Theirs": "U2"}


def _person_rows(db):
    with db.transaction() as s:
        store.set_inactive(session=s, team_id="T1", user_id="U2", inactive=True, now=NOW)
        store.mark_welcomed(session=s, team_id="T1", user_id="U2", now=NOW)
        s.add(NotifyPreference(team_id="T1", user_id="U2", updated_at=NOW))
        s.add(Manager(team_id="T1", user_id="U2", added_by="U1", created_at=NOW))
        s.add(InactiveMember(team_id="T2", user_id="U2", since=NOW))


def test_erasing_one_person_anonymises_them_in_their_workspace_only(db):
    deal = make_deal(db, name="Acme <@U2>", owner_id="U2")
    theirs = make_deal(db, team_id="T2", name="Other", owner_id="U2")
    _person_rows(db)
    with db.transaction() as s:
        rows = store.erase_user(session=s, team_id="T1", user_id="U2", alias="UERASED1")
    assert rows["deal"] >= 1 and rows["manager"] == 1
    with db.read() as s:
        erased = s.get(Deal, deal)
        assert (erased.owner_id, erased.created_by, erased.name) == (
            "UERASED1",
            "UERASED1",
            "Acme <@UERASED1>",
        )
        assert {m.moved_by for m in s.exec(select(StageMove).where(StageMove.deal_id == deal))} == {
            "UERASED1"
        }
        for table in (InactiveMember, WelcomeMark, NotifyPreference, Manager):
            assert not s.exec(select(table).where(table.team_id == "T1")).all()
        assert s.get(Deal, theirs).owner_id == "U2"
        assert s.get(InactiveMember, ("T2", "U2")) is not None


def test_a_reassign_is_on_each_deals_record_and_erasure_keeps_the_record_by_alias(db):
    """The bulk reassign writes the owner changes (issue 15, item 3); erasing the rep who
    made them, or whose deals they were, keeps the rows with the alias in every place."""
    a = make_deal(db, name="A", owner_id="U2")
    with db.transaction() as s:
        store.reassign_deals(
            session=s, team_id="T1", deal_ids=[a], from_id="U2", to_id="U1", by="U3", now=NOW
        )
    with db.read() as s:
        [change] = s.exec(select(DealChange).where(DealChange.deal_id == a)).all()
    assert (change.field, change.old, change.new, change.user_id) == ("owner", "U2", "U1", "U3")
    with db.transaction() as s:
        store.erase_user(session=s, team_id="T1", user_id="U2", alias="UERASED2")
        store.erase_user(session=s, team_id="T1", user_id="U3", alias="UERASED3")
    with db.read() as s:
        [change] = s.exec(select(DealChange).where(DealChange.deal_id == a)).all()
    assert (change.old, change.new, change.user_id) == ("UERASED2", "U1", "UERASED3")


def test_the_uninstall_purge_covers_the_new_tables(db):
    _person_rows(db)
    with db.read() as s:
        assert set(NEW) <= set(tables_with_team_id(session=s))
    with db.transaction() as s:
        counts = delete_workspace_data(session=s, team_id="T1")
    assert {t: counts.get(t) for t in NEW} == dict.fromkeys(NEW, 1)
    with db.read() as s:
        assert s.get(InactiveMember, ("T2", "U2")) is not None  # another workspace's stays


def test_the_erase_user_command(db_url, capsys):
    db = Database(db_url)
    try:
        make_deal(db, name="Acme", owner_id="U2")
        assert main(["erase-user", "T1", "U2", "--database-url", db_url]) == 0
        with db.read() as s:
            [deal] = s.exec(select(Deal)).all()
    finally:
        db.dispose()
    said = capsys.readouterr().out
    assert deal.owner_id.startswith("UERASED") and deal.owner_id in said and "deal" in said
