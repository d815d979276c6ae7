"""Deal names found through the database's indexes (``storage.lookups``), on SQLite and
PostgreSQL: the same answers as ``match_names`` over every deal, the keys kept in step with
renames, and the migration's backfill of deals written before it."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import insert, select, text

from bot.core.matching import Candidate, match_names, name_keys
from bot.core.stages import WON
from bot.usecases.deals import resolve_deal
from storage import checklists as checklist_store
from storage import lookups
from storage import stages as stage_store
from storage.migrate import alembic_config
from storage.models import Deal
from tests.factories import NOW, edit_deal, make_deal

NAMES = [
    "Acme Corp",
    "Café Ría",
    "Acme Digital",
    "PT Maju Jaya Tbk",
    "Back to School Ltd",
    "Globex",
    "Initech",
    "Big Data Co",
    "Data Works",
    "Datang",
    "Acme Inc",
    "PT Acme",
    "CV Acme",
    "Umbrella Corporation Asia",
    "Alfami",
    "Alfamodix",
    "Globex",
    "Sinar Mas 1",
    "Sinar Mas 2",
]

QUERIES = [
    *("Acme Corp", "acme", "AcmeCorp", "ACME CORP.", "Acme Inc", "acme co", "PT Maju Jaya"),
    *("cafe ria", "CAFÉ RÍA", '"Back to School"', "globex", "pt acme", "cv acme"),
    *("ac", "acme d", "caf", "glo", "digital", "jaya", "school", "back to", "acme cor"),
    *("corp", "data", "pt", "maju", "a", "ma", "x"),
    *("Acme Crop", "Acne Corp", "Glbex", "Initechh", "intiech", "majv jaya", "Cafe Rai"),
    *("acem", "Umbrela Corporatoin Asia", "Alfamidi", "Glbxe", "gx"),
    *("Acme Industries", "Sinar Emas Group", "zzzz qqq", "!!"),
]


def seed(db, names=NAMES, team_id="T1") -> dict[int, str]:
    return {make_deal(db, name=n, team_id=team_id): n for n in names}


def answer(result) -> tuple:
    ids = lambda cands: [c.id for c in cands]  # noqa: E731
    return (result.exact and result.exact.id, ids(result.matches), ids(result.suggestions))


def test_indexes_answer_as_matching_every_deal_does(db):
    deals = seed(db)
    seed(db, ["Acme Corp", "Globex Asia", "Initech"], team_id="T2")  # another workspace
    everyone = [Candidate(i, n) for i, n in deals.items()]
    with db.read() as s:
        for query in QUERIES:
            got = lookups.match_deals(session=s, team_id="T1", text=query)
            assert answer(got) == answer(match_names(query, everyone)), query


def test_a_big_workspace_finds_typos_through_the_trigram_index(db, monkeypatch):
    """Past ``FEW`` deals the typo tier reads only the fuzzy index and the two-letter
    fallback: the same deals match (suggestions may be fewer: the closest few dozen)."""
    monkeypatch.setattr(lookups, "FEW", 0)
    deals = seed(db)
    everyone = [Candidate(i, n) for i, n in deals.items()]
    with db.read() as s:
        for query in QUERIES:
            got = lookups.match_deals(session=s, team_id="T1", text=query)
            want = match_names(query, everyone)
            assert answer(got)[:2] == answer(want)[:2], query
            assert set(answer(got)[2]) <= set(answer(want)[2]), query
        got = lookups.match_deals(session=s, team_id="T1", text="Acme Industries")
        assert {c.name for c in got.suggestions} >= {"Acme Inc"}


def bulk_insert(db, names: list[str], team_id: str = "T1", status: str = "open") -> None:
    """Rows written the way a bulk import (or ``make bench``) writes them: the name only;
    the matching keys come from the models' column defaults."""
    with db.transaction() as s:
        stage = stage_store.list_stages(session=s, team_id=team_id)[0]
    rows = [
        dict(
            team_id=team_id,
            name=n,
            owner_id="U1",
            stage_id=stage.id,
            status=status,
            created_by="U1",
            created_at=NOW,
            updated_at=NOW,
            last_activity_at=NOW,
        )
        for n in names
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(Deal.__table__), rows)


def test_bulk_inserted_deals_get_their_keys_and_are_found(db):
    bulk_insert(db, ["PT Sinar Abadi Tbk", "Toko Émas"])
    with db.read() as s:
        keys = s.exec(select(Deal.name, Deal.name_key, Deal.name_fold, Deal.name_compact)).all()
        assert sorted(keys) == sorted(
            (n, k.key, k.folded, k.compact)
            for n in ("PT Sinar Abadi Tbk", "Toko Émas")
            for k in [name_keys(n)]
        )
        assert resolve_deal(session=s, team_id="T1", text="sinar abadi").deal.name == (
            "PT Sinar Abadi Tbk"
        )
        assert resolve_deal(session=s, team_id="T1", text="toko emsa").deal.name == "Toko Émas"


def test_many_matches_are_capped_shortest_first(db, monkeypatch):
    monkeypatch.setattr(lookups, "POOL", 20)
    bulk_insert(db, [f"Toko Jaya {'x' * (i % 7)} {i:03d}" for i in range(60)])
    with db.read() as s:
        found = resolve_deal(session=s, team_id="T1", text="toko")
    assert len(found.choices) == 20
    lengths = [len(c.name) for c in found.choices]
    assert lengths == sorted(lengths) and max(lengths) == len("Toko Jaya xx 000")


def test_a_renamed_deal_is_found_by_its_new_name_only(db, monkeypatch):
    monkeypatch.setattr(lookups, "FEW", 0)  # through the trigram index
    deal_id = make_deal(db, name="Globex")
    make_deal(db, name="Initech")
    edit_deal(db, deal_id, name="Umbrella Corporation")
    with db.read() as s:
        assert lookups.match_deals(session=s, team_id="T1", text="globex").matches == []
        for typed in ("umbrella", "Umbrella Corp", "corporation", "Umbrela Corporatoin"):
            found = lookups.match_deals(session=s, team_id="T1", text=typed)
            assert [c.id for c in found.matches] == [deal_id], typed


def test_a_deleted_deal_leaves_the_name_index(db, monkeypatch):
    monkeypatch.setattr(lookups, "FEW", 0)
    deal_id = make_deal(db, name="Globex")
    with db.transaction() as s:
        for table in ("stage_move", "deal_change", "contact"):
            s.execute(text(f"DELETE FROM {table} WHERE deal_id = :d"), {"d": deal_id})
        s.delete(s.get(Deal, deal_id))
    with db.read() as s:
        assert lookups.match_deals(session=s, team_id="T1", text="glbex").matches == []
        if db.engine.dialect.name == "sqlite":
            assert s.execute(text("SELECT count(*) FROM deal_fts")).scalar_one() == 0


def test_status_narrows_unless_the_workspace_has_none_of_it(db):
    won = make_deal(db, name="Acme Corp", path=(("won", NOW),))
    with db.read() as s:
        assert resolve_deal(session=s, team_id="T1", text="acme", status="open").deal.id == won
    open_id = make_deal(db, name="Acme Digital")
    with db.read() as s:
        assert resolve_deal(session=s, team_id="T1", text="acme", status="open").deal.id == (
            open_id
        )
        assert resolve_deal(session=s, team_id="T1", text="acme", status=WON).deal.id == won


def test_type_ahead_finds_words_then_close_spellings(db):
    mine = make_deal(db, name="Maju Jaya", owner_id="U1")
    theirs = make_deal(db, name="Jaya Abadi", owner_id="U2")
    closed = make_deal(db, name="Toko Jaya", owner_id="U1", path=(("lost", NOW, "price"),))
    typo = make_deal(db, name="Jayakarta", owner_id="U2")
    make_deal(db, name="Jaya Other Workspace", team_id="T2")

    def search(query: str) -> list[int]:
        with db.read() as s:
            found = checklist_store.search_deals(session=s, team_id="T1", query=query, user_id="U1")
        return [d.id for d in found]

    assert search("jaya") == [mine, theirs, typo, closed]  # open first, mine first, by name
    assert search("ja") == [mine, theirs, typo, closed]  # a short word starts a word
    assert search("aya") == [mine, theirs, typo, closed]  # a longer one anywhere in a word
    assert search("maju jaya") == [mine]
    assert search("jayakrta") == [typo]  # no name has it: close spellings
    assert search("") == [mine]  # my open deals


def test_the_migration_backfills_deals_written_before_it(db):
    """Deals of a database at 0007 (before the keys existed) are found after upgrading."""
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO stage (team_id, key, name, position, probability, kind, gate_mode,"
                " created_at) VALUES ('T1', 'p', 'Prospecting', 1, 10, 'open', 'off', :now)"
            ),
            {"now": NOW},
        )
        stage_id = conn.execute(text("SELECT id FROM stage")).scalar_one()
        for name in ("PT. Café Ría Tbk", "Globex"):
            conn.execute(
                text(
                    "INSERT INTO deal (team_id, name, name_key, currency, owner_id, stage_id,"
                    " status, created_by, created_at, updated_at, last_activity_at)"
                    " VALUES ('T1', :n, :k, 'IDR', 'U1', :s, 'open', 'U1', :now, :now, :now)"
                ),
                {"n": name, "k": name_keys(name).key, "s": stage_id, "now": NOW},
            )
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.read() as s:
        rows = s.exec(select(Deal.name, Deal.name_fold, Deal.name_compact)).all()
        assert sorted(rows) == [
            ("Globex", "globex", "globex"),
            ("PT. Café Ría Tbk", "pt cafe ria tbk", "ptcaferiatbk"),
        ]
        for typed in ("cafe ria", "Café", "ria", "glbex"):
            assert resolve_deal(session=s, team_id="T1", text=typed).deal is not None, typed


@pytest.mark.parametrize(
    ("folded", "padded"), [("pt maju", "  pt  maju "), ("x", "  x "), ("", " ")]
)
def test_padded_words_like_pg_trgm(folded: str, padded: str) -> None:
    assert lookups.padded(folded) == padded


def test_a_big_workspace_is_counted_not_loaded(db, monkeypatch):
    """Past ``FEW`` deals the all-names tier counts (at most ``FEW + 1`` rows) and loads no
    name; at ``FEW`` or fewer it hands every name to ``match_names``."""
    monkeypatch.setattr(lookups, "FEW", 5)
    bulk_insert(db, [f"Toko Jaya {i}" for i in range(5)])
    with db.read() as s:
        assert len(lookups._all_if_few(s, "T1", None)) == 5
    bulk_insert(db, ["Toko Jaya 5"])
    loaded: list[tuple] = []
    monkeypatch.setattr(lookups, "_candidates", lambda *a: loaded.append(a) or [])
    with db.read() as s:
        assert lookups._count_upto(s, "T1", None, 100) == 6
        assert lookups._count_upto(s, "T1", "won", 100) == 0
        assert lookups._all_if_few(s, "T1", None) is None
    assert loaded == []
