"""Issue 14's migration (0008_salesflow) on SQLite and PostgreSQL: the columns it adds match
the models, and existing rows keep their data (the new columns start empty)."""

from __future__ import annotations

import pytest
from sqlmodel import select

import storage.models_checklist
import storage.models_digest  # noqa: F401
from storage.models import Contact, Deal, StageMove
from tests.factories import make_deal
from tests.storage.schema import assert_migrated_as_modelled

TOUCHED = ("deal", "stage_move", "contact", "digest_subscription")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_matches_the_models_it_touches(request, kind):
    assert_migrated_as_modelled(request, kind, TOUCHED)


def test_new_columns_start_empty(db):
    deal_id = make_deal(db, name="Acme", stage_key="won", contact_name="Budi")
    with db.read() as s:
        deal = s.get(Deal, deal_id)
        [contact] = s.exec(select(Contact)).all()
        moves = s.exec(select(StageMove)).all()
    assert (deal.won_technique, deal.win_back_on, deal.grown_from_id) == (None, None, None)
    assert contact.title is None and all(m.undo_of is None and m.undone_at is None for m in moves)
