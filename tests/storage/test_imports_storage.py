"""Import storage (issue 15) on SQLite and PostgreSQL: the migration matches the models, drafts
belong to their author and expire, re-imports find deals by external id (team-scoped) or by
name and owner, and imported deals start their history at the imported stage and date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from bot.core.errors import NotFound
from bot.core.money import Money
from storage import imports as store
from storage.models import Deal, ImportDraft, StageMove
from storage.stages import list_stages
from tests.storage.schema import migrated_diff

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_models(request, kind):
    diff = migrated_diff(request, kind)
    ours = [d for d in diff if "import_draft" in repr(d) or "external_id" in repr(d)]
    assert not ours, ours


def _stages(s, team: str = "T1") -> dict:
    return {st.key: st for st in list_stages(session=s, team_id=team)}


def _row(stage, name="PT Maju", owner="U1", ext=None, created=None, close=None, value=None):
    return store.ImportedDeal(
        name=name,
        owner_id=owner,
        stage=stage,
        value=value,
        source=None,
        expected_close=close,
        next_step=None,
        created_at=created,
        external_id=ext,
    )


def _create(s, row: store.ImportedDeal, team: str = "T1"):
    """``row`` imported into ``team`` by U9 (the workspace's currency: IDR)."""
    return store.create_imported_deal(
        session=s, team_id=team, row=row, currency="IDR", by="U9", now=NOW
    )


def test_drafts_belong_to_their_author_and_expire(db):
    with db.transaction() as s:
        old = store.save_import_draft(
            session=s, team_id="T1", user_id="U9", filename="a.csv", content="x", now=NOW
        )
    with db.transaction() as s:
        new = store.save_import_draft(
            session=s,
            team_id="T1",
            user_id="U9",
            filename="b.csv",
            content="Deal\nAcme\n",
            now=NOW + timedelta(days=2),
        )
    with db.read() as s:
        kept = s.exec(select(ImportDraft.filename)).all()
        assert kept == ["b.csv"] and old  # older than a day: gone (SQLite may reuse its id)
        assert store.get_import_draft(session=s, team_id="T1", user_id="U9", draft_id=new)
        for team, user in (("T2", "U9"), ("T1", "U1")):
            with pytest.raises(NotFound):
                store.get_import_draft(session=s, team_id=team, user_id=user, draft_id=new)
    with db.transaction() as s:
        store.pin_import_plan(session=s, team_id="T2", draft_id=new, plan="theirs")
        store.pin_import_plan(session=s, team_id="T1", draft_id=new, plan='{"mapping": {}}')
    with db.read() as s:
        assert s.get(ImportDraft, new).plan == '{"mapping": {}}'  # another workspace's: no
    with db.transaction() as s:
        store.finish_import_draft(session=s, team_id="T1", draft_id=new, now=NOW)
    with db.read() as s:
        done = s.get(ImportDraft, new)
    assert done.done_at == NOW and done.content == ""


def test_imported_deals_start_at_their_stage_and_are_found_again(db):
    created = NOW - timedelta(days=60)
    with db.transaction() as s:
        stages = _stages(s)
        _stages(s, "T2")
        deal = _create(
            s,
            _row(stages["negotiation"], ext="101", created=created, value=Money(Decimal(5), "USD")),
        )
        won = _create(
            s, _row(stages["won"], name="Hotel", created=created, close=date(2026, 11, 20))
        )
        other = _create(s, _row(_stages(s, "T2")["probing"], ext="101"), team="T2")
    with db.read() as s:
        moves = s.exec(select(StageMove).where(StageMove.deal_id == deal.id)).all()
        assert [(m.to_name, m.moved_at, m.from_stage_id) for m in moves] == [
            ("Negotiation", created, None)
        ]
        stored = s.get(Deal, deal.id)
        assert (stored.created_at, stored.last_activity_at, stored.value_cents) == (
            created,
            NOW,
            500,
        )
        hotel = s.get(Deal, won.id)
        assert hotel.status == "won" and hotel.closed_at.date() == date(2026, 11, 20)
        known = store.find_known_deals(
            session=s, team_id="T1", external_ids=["101"], name_keys_=["hotel"]
        )
        assert known.find("101", "x").id == deal.id  # T2's "101" is another workspace's
        assert known.find(None, "hotel\x1fU1").id == won.id
        assert known.find(None, "hotel\x1fU2") is None
        assert other.id not in {d.id for d in known.by_external.values()}


def test_an_update_keeps_what_the_file_leaves_empty_and_moves_in_the_history(db):
    with db.transaction() as s:
        stages = _stages(s)
        deal = _create(s, _row(stages["probing"], value=Money(Decimal(10_000_000), "IDR")))
    with db.transaction() as s:
        stages = _stages(s)
        fresh = s.get(Deal, deal.id)
        store.update_imported_deal(
            session=s,
            team_id="T1",
            deal=fresh,
            row=_row(stages["closing"], ext="7", close=date(2027, 1, 5)),
            by="U9",
            now=NOW + timedelta(hours=1),
        )
    with db.read() as s:
        after = s.get(Deal, deal.id)
        moves = s.exec(
            select(StageMove).where(StageMove.deal_id == deal.id).order_by(StageMove.id)
        ).all()
    assert (after.value_cents, after.external_id, after.expected_close) == (
        10_000_000_00,
        "7",
        date(2027, 1, 5),
    )
    assert [m.to_name for m in moves] == ["Probing", "Closing"]
