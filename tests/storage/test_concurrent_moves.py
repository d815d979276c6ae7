"""Two reps moving the same deal at once, on SQLite and PostgreSQL, with real threads: the
moves are serialised per deal (each reads the stage the previous one left), no history row
is lost, and a move that carries the stage its user saw is refused once the deal moved."""

from __future__ import annotations

import threading
from datetime import timedelta
from itertools import pairwise

import pytest

from bot.core.deals import Actor
from bot.core.errors import InvalidInput
from bot.core.stages import OPEN
from bot.usecases import deals as deal_uc
from storage import deals as store
from storage import stages as stage_store
from tests.factories import NOW, make_deal

REP = Actor("T1", "U1", is_manager=True)


def race(workers: int, fn) -> list[object]:
    """Run ``fn(i)`` in ``workers`` threads released at once; each result or exception."""
    results: list[object] = [None] * workers
    go = threading.Barrier(workers)

    def run(i: int) -> None:
        go.wait(timeout=30)
        try:
            results[i] = fn(i)
        except Exception as exc:  # the test looks at each outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def history(db, deal_id: int):
    with db.read() as s:
        return store.deal_history(session=s, team_id="T1", deal_id=deal_id)


def test_concurrent_moves_are_serialised_and_all_recorded(db):
    """Four reps press "Advance" on the same deal at once: four moves, one after the other,
    each from the stage the previous one reached; the history is one unbroken chain."""
    deal_id = make_deal(db)
    results = race(
        4,
        lambda i: deal_uc.move(
            db,
            REP,
            deal_id=deal_id,
            request=deal_uc.MoveRequest(),
            key=f"press-{i}",
            now=NOW + timedelta(minutes=1),
            gate_override=True,  # past the default gates' warnings
        ),
    )
    assert all(isinstance(r, deal_uc.Moved) for r in results), results
    moves = history(db, deal_id)
    assert len(moves) == 5  # created, then four moves
    for before, after in pairwise(moves):
        assert after.from_stage_id == before.to_stage_id
    with db.read() as s:
        stages = [st for st in stage_store.list_stages(session=s, team_id="T1") if st.kind == OPEN]
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
    assert deal.stage_id == moves[-1].to_stage_id == stages[4].id
    assert sorted(r.after for r in results) == sorted(st.name for st in stages[1:5])


def test_a_move_from_a_stage_seen_before_is_refused_once_the_deal_moved(db):
    """Two reps saw the deal in Prospecting and press their buttons at once: one moves it,
    the other is told it moved meanwhile, and history has exactly one new row."""
    deal_id = make_deal(db)
    with db.read() as s:
        seen = store.get_deal(session=s, team_id="T1", deal_id=deal_id).stage_id
    results = race(
        2,
        lambda i: deal_uc.move(
            db,
            REP,
            deal_id=deal_id,
            request=deal_uc.MoveRequest(keyword="to", rest="negotiation", from_stage=seen),
            key=f"button-{i}",
            now=NOW + timedelta(minutes=1),
            gate_override=True,  # past the default gates' warnings
        ),
    )
    moved = [r for r in results if isinstance(r, deal_uc.Moved)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(moved) == 1 and len(refused) == 1, results
    assert "moved by someone else meanwhile" in refused[0].message
    assert [m.to_name for m in history(db, deal_id)] == ["Prospecting", "Negotiation"]


@pytest.mark.parametrize("rounds", [3])
def test_moves_of_different_deals_do_not_wait_on_each_other_s_answers(db, rounds):
    """Moves of two deals at once both land (each deal's history is its own)."""
    deals = [make_deal(db, name=f"Deal {i}") for i in range(2)]
    for r in range(rounds):
        results = race(
            2,
            lambda i, r=r: deal_uc.move(
                db,
                REP,
                deal_id=deals[i],
                request=deal_uc.MoveRequest(),
                key=f"d{i}-{r}",
                now=NOW + timedelta(minutes=r + 1),
                gate_override=True,  # past the default gates' warnings
            ),
        )
        assert all(isinstance(x, deal_uc.Moved) for x in results), results
    for deal_id in deals:
        assert len(history(db, deal_id)) == rounds + 1
