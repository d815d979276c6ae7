"""Issue 15 on SQLite and PostgreSQL: changes on record (one ``deal_change`` table, written by
every storage path that changes value, close date, owner or probability; the slips read from
it; the migration moves the old close-date rows into it), and deleted or merged deals left
out of every metric, list, lookup, digest, reminder and export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from alembic import command
from sqlalchemy import text
from sqlmodel import select

from bot.core.metrics import Period, Scope
from bot.core.money import Money
from storage import aftersales as after_store
from storage import checklists as checklist_store
from storage import deals as store
from storage import digests as digest_store
from storage import lookups, record, removal
from storage import metrics as metric_store
from storage import teamview as team_store
from storage.migrate import alembic_config
from storage.models import Contact, Deal, DealChange, StageMove
from storage.models_checklist import Activity, ChecklistVersion
from tests.factories import NOW, add_note, edit_deal, make_deal

LATER = NOW + timedelta(hours=1)


def changes(db, deal_id: int) -> list[tuple[str, str | None, str | None, str]]:
    with db.read() as s:
        rows = s.exec(
            select(DealChange).where(DealChange.deal_id == deal_id).order_by(DealChange.id)
        ).all()
    return [(r.field, r.old, r.new, r.user_id) for r in rows]


def test_every_field_change_is_on_record_with_who_and_when(db):
    deal_id = make_deal(db, name="Acme", value=50_000_000, expected_close=date(2026, 12, 1))
    edit_deal(
        db,
        deal_id,
        by="U9",
        now=LATER,
        value=Money(Decimal(45_000_000), "IDR"),
        expected_close=date(2026, 12, 20),
        probability=40,
        owner_id="U2",
        next_step="call",  # not a recorded field
    )
    assert changes(db, deal_id) == [
        ("expected_close", None, "2026-12-01", "U1"),  # set when it was created
        ("value", "5000000000 IDR", "4500000000 IDR", "U9"),
        ("owner", "U1", "U2", "U9"),
        ("expected_close", "2026-12-01", "2026-12-20", "U9"),
        ("probability", None, "40", "U9"),
    ]
    edit_deal(db, deal_id, value=Money(Decimal(45_000_000), "IDR"), probability=40)  # same
    assert len(changes(db, deal_id)) == 5
    with db.read() as s:
        assert store.close_date_slips(session=s, team_id="T1", deal_id=deal_id) == 1
        entries = record.deal_record(session=s, team_id="T1", deal_id=deal_id)
    assert {e.at for e in entries} == {NOW, LATER} and entries[0].at == LATER


def test_a_won_value_and_an_owner_change_are_on_record(db):
    deal_id = make_deal(db, name="Acme", value=None, stage_key="negotiation")
    with db.transaction() as s:
        deal = store.lock_deal(session=s, team_id="T1", deal_id=deal_id)
        after_store.set_deal_value(
            session=s, team_id="T1", deal=deal, cents=100, currency="USD", now=LATER, by="U1"
        )
        assert record.set_deal_owner(
            session=s, team_id="T1", deal=deal, owner_id="U3", by="UM", now=LATER
        )
        assert not record.set_deal_owner(
            session=s, team_id="T1", deal=deal, owner_id="U3", by="UM", now=LATER
        )
    assert changes(db, deal_id) == [("value", None, "100 USD", "U1"), ("owner", "U1", "U3", "UM")]
    with db.read() as s:
        entries = record.deal_record(session=s, team_id="T1", deal_id=deal_id, limit=2)
        assert [e.field for e in entries] == ["owner", "value"]  # newest first, no creation
        every = record.deal_record(session=s, team_id="T1", deal_id=deal_id)
        assert [e.field for e in every].count("stage") == 1  # Prospecting → Negotiation
        assert record.decode_money("100 USD") == Money(Decimal(1), "USD")


def _delete(db, deal_id: int, *, into: int | None = None) -> None:
    with db.transaction() as s:
        deal = store.lock_deal(session=s, team_id="T1", deal_id=deal_id)
        if into is None:
            removal.delete_deal(session=s, team_id="T1", deal=deal, by="U1", now=LATER)
        else:
            survivor = store.lock_deal(session=s, team_id="T1", deal_id=into)
            removal.merge_deals(
                session=s, team_id="T1", loser=deal, survivor=survivor, by="U1", now=LATER
            )


def test_deleted_deals_vanish_from_metrics_lists_lookups_digest_and_exports(db):
    kept = make_deal(db, name="Kept Corp", value=10_000_000, stage_key="probing")
    gone = make_deal(db, name="Globex", value=90_000_000, stage_key="probing")
    won_gone = make_deal(
        db, name="Initech", value=70_000_000, path=(("won", NOW + timedelta(minutes=5)),)
    )
    edit_deal(db, gone, expected_close=date(2026, 12, 1), next_step="x", next_step_due=NOW.date())
    edit_deal(db, gone, now=LATER, expected_close=date(2026, 12, 30))  # a slip
    _delete(db, gone)
    _delete(db, won_gone)
    scope, period = Scope("T1"), Period("30d", NOW - timedelta(days=30), NOW + timedelta(days=1))
    with db.read() as s:
        pipe = metric_store.open_pipeline(s, scope)
        assert pipe.totals["IDR"].count == 1
        assert metric_store.period_metrics(s, scope, period).win_rate.won == 0
        conv = metric_store.stage_conversion(s, scope)
        assert sum(step.reached_from for step in conv) == 2  # Kept Corp: Prospecting, Probing
        assert [(i, n) for i, n in store.deal_names(session=s, team_id="T1")] == [
            (kept, "Kept Corp")
        ]
        for typed in ("globex", "Globex", "glbex", "initech"):
            found = lookups.match_deals(session=s, team_id="T1", text=typed)
            assert not found.matches and found.exact is None, typed
        found = checklist_store.search_deals(session=s, team_id="T1", query="", user_id="U1")
        assert [d.id for d in found] == [kept]
        assert (
            checklist_store.search_deals(session=s, team_id="T1", query="glob", user_id="U1") == []
        )
        assert digest_store.list_due(
            session=s, team_id="T1", today=NOW.date() + timedelta(days=5), limit=10
        ) == ([], 0)
        slipped = digest_store.list_slipped(
            session=s, team_id="T1", since=NOW - timedelta(days=1), until=LATER, limit=5
        )
        assert slipped == ([], 0)
        moves = digest_store.count_moves(
            session=s, team_id="T1", since=NOW - timedelta(days=1), until=LATER
        )
        assert moves == {"new": 1, "moved": 1, "won": 0, "lost": 0}
        exported = [d.id for d, _ in digest_store.iter_deals_for_export(session=s, team_id="T1")]
        assert exported == [kept]
        by_owner = team_store.open_totals_by_owner(session=s, team_id="T1")
        assert sum(r.count for r in by_owner) == 1
        # an audit read still finds it, with its history
        deal = store.get_deal(session=s, team_id="T1", deal_id=gone, deleted=True)
        assert deal.deleted_by == "U1" and deal.status == removal.DELETED
        assert len(record.deal_record(session=s, team_id="T1", deal_id=gone)) >= 3


def test_a_deleted_deal_comes_back_as_it_was(db):
    deal_id = make_deal(db, name="Globex", path=(("lost", NOW, "price"),))
    _delete(db, deal_id)
    with db.transaction() as s:
        deal = store.lock_deal(session=s, team_id="T1", deal_id=deal_id, deleted=True)
        removal.restore_deal(session=s, team_id="T1", deal=deal, now=LATER)
    with db.read() as s:
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
        assert (deal.status, deal.deleted_at, deal.lost_reason) == ("lost", None, "price")
        assert lookups.match_deals(session=s, team_id="T1", text="globex").exact is not None


def _attach(db, deal_id: int, *, contact: str, primary: bool) -> None:
    add_note(db, deal_id, contact, kind="meeting")
    with db.transaction() as s:
        deal = s.get(Deal, deal_id)
        s.add(
            Contact(team_id="T1", deal_id=deal_id, name=contact, is_primary=primary, created_at=NOW)
        )
        checklist_store.save_checklist(
            session=s,
            team_id="T1",
            deal=deal,
            kind="spin",
            data={"fields": {"s": contact}},
            filled=1,
            parts=4,
            by="U1",
            now=NOW + timedelta(minutes=deal_id),
        )


def test_a_merge_moves_everything_to_the_survivor_and_points_there(db):
    a = make_deal(db, name="Acme Old", value=10_000_000, stage_key="probing")
    b = make_deal(db, name="Acme", value=20_000_000)
    _attach(db, a, contact="Budi", primary=True)
    _attach(db, b, contact="Sari", primary=True)
    edit_deal(db, a, value=Money(Decimal(12_000_000), "IDR"))
    grow = make_deal(db, name="Acme Grow")
    with db.transaction() as s:
        s.get(Deal, grow).grown_from_id = a
    _delete(db, a, into=b)
    with db.read() as s:
        assert not s.exec(select(Contact).where(Contact.deal_id == a)).all()
        contacts = s.exec(select(Contact).where(Contact.deal_id == b)).all()
        assert sorted((c.name, c.is_primary) for c in contacts) == [
            ("Budi", False),
            ("Sari", True),
        ]
        versions = s.exec(
            select(ChecklistVersion.version, ChecklistVersion.data)
            .where(ChecklistVersion.deal_id == b)
            .order_by(ChecklistVersion.version)
        ).all()
        assert [(v, d["fields"]["s"]) for v, d in versions] == [(1, "Budi"), (2, "Sari")]
        assert len(s.exec(select(Activity).where(Activity.deal_id == b)).all()) == 2
        assert not s.exec(select(StageMove).where(StageMove.deal_id == a)).all()
        assert {f for f, *_ in changes(db, b)} >= {"value", "merged"}
        gone = store.get_deal(session=s, team_id="T1", deal_id=a, deleted=True)
        assert gone.merged_into == b and gone.deleted_at is not None
        assert s.get(Deal, grow).grown_from_id == b
        survivor = removal.merged_survivor(session=s, team_id="T1", text="acme old")
        assert survivor is not None and survivor.id == b
        assert removal.merged_survivor(session=s, team_id="T2", text="acme old") is None


def test_the_migration_moves_close_date_changes_into_the_record(db):
    """A database at 0008_faults with close-date rows: after the upgrade they are the
    record's ``expected_close`` rows, slips counted the same; the downgrade brings them back."""
    cfg = alembic_config(db.url)
    deal_id = make_deal(db, name="Acme")
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_faults")
    with db.engine.begin() as conn:
        for old, new in ((None, "2026-12-01"), ("2026-12-01", "2026-12-15")):
            conn.execute(
                text(
                    "INSERT INTO close_date_change (team_id, deal_id, old_date, new_date,"
                    " changed_by, changed_at) VALUES ('T1', :d, :o, :n, 'U1', :at)"
                ),
                {
                    "d": deal_id,
                    "o": date.fromisoformat(old) if old else None,
                    "n": date.fromisoformat(new),
                    "at": datetime(2026, 11, 20, tzinfo=UTC),
                },
            )
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert changes(db, deal_id) == [
        ("expected_close", None, "2026-12-01", "U1"),
        ("expected_close", "2026-12-01", "2026-12-15", "U1"),
    ]
    with db.read() as s:
        assert store.close_date_slips(session=s, team_id="T1", deal_id=deal_id) == 1
        deal = s.get(Deal, deal_id)
        assert (deal.deleted_at, deal.deleted_by, deal.merged_into) == (None, None, None)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_faults")
        rows = conn.execute(text("SELECT old_date, new_date FROM close_date_change")).all()
    assert [(str(o) if o else None, str(n)) for o, n in rows] == [
        (None, "2026-12-01"),
        ("2026-12-01", "2026-12-15"),
    ]
