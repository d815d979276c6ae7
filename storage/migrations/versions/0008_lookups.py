"""Deal names found through indexes; indexes for what the pipeline and the digest show

- ``deal.name_fold`` (``bot.core.matching.fold``) and ``deal.name_compact`` (the same without
  spaces), backfilled from ``deal.name`` with the app's own ``name_keys``; B-tree
  ``(team_id, name_compact)`` for exact and prefix lookups (``text_pattern_ops`` on
  PostgreSQL, so that ``LIKE 'x%'`` uses it).
- The fuzzy index: on PostgreSQL the ``pg_trgm`` extension and a GIN index on ``name_fold``;
  on SQLite an FTS5 ``trigram`` table ``deal_fts`` (rowid = deal id) of the padded folded
  names (see ``storage.lookups.padded``), filled now and kept in step by triggers.
- Partial indexes on open deals for what the pipeline, the Home tab and the digest show:
  ``ix_deal_open_top`` and ``ix_deal_open_owner`` (by stage, most valuable first; written
  per database, as ``DESC NULLS LAST`` and ``INCLUDE`` are PostgreSQL's and SQLite's
  ``DESC`` puts NULLs last anyway) and those the models declare (open totals by stage and
  currency; last activity, due next steps, for the workspace and per owner; close dates;
  snoozes; an owner's deals by name); deals closed in a period; close-date changes by time.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.core.matching import name_keys

revision = "0008_lookups"
down_revision = "0008_delivery"

# "pt maju" → "  pt  maju ": storage.lookups.padded, in SQL (name_fold has single spaces).
PADDED = "'  ' || replace({0}.name_fold, ' ', '  ') || ' '"

FTS_TRIGGERS = {
    "deal_fts_insert": f"""CREATE TRIGGER deal_fts_insert AFTER INSERT ON deal BEGIN
  INSERT INTO deal_fts (rowid, team_id, words) VALUES (new.id, new.team_id, {PADDED.format("new")});
END""",
    "deal_fts_update": f"""CREATE TRIGGER deal_fts_update AFTER UPDATE OF name_fold, team_id ON deal BEGIN
  UPDATE deal_fts SET team_id = new.team_id, words = {PADDED.format("new")} WHERE rowid = old.id;
END""",
    "deal_fts_delete": """CREATE TRIGGER deal_fts_delete AFTER DELETE ON deal BEGIN
  DELETE FROM deal_fts WHERE rowid = old.id;
END""",
}


def _backfill() -> None:
    deal = sa.table(
        "deal",
        sa.column("id"),
        sa.column("name"),
        sa.column("name_fold"),
        sa.column("name_compact"),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(deal.c.id, deal.c.name).order_by(deal.c.id)).all()
    change = (
        sa.update(deal)
        .where(deal.c.id == sa.bindparam("i"))
        .values(name_fold=sa.bindparam("f"), name_compact=sa.bindparam("c"))
    )
    for start in range(0, len(rows), 5000):
        batch = []
        for deal_id, name in rows[start : start + 5000]:
            keys = name_keys(name)
            batch.append({"i": deal_id, "f": keys.folded, "c": keys.compact})
        bind.execute(change, batch)


OPEN = "status = 'open'"
PORTABLE_INDEXES = {
    # name: (table, columns, partial index predicate); as storage.models declares them
    "ix_deal_open_totals": (
        "deal",
        ["team_id", "stage_id", "currency", "value_cents", "probability", "status"],
        OPEN,
    ),
    "ix_deal_open_activity": (
        "deal",
        ["team_id", "last_activity_at", "id", "stage_id", "snoozed_until", "owner_id", "status"],
        OPEN,
    ),
    "ix_deal_open_owner_activity": (
        "deal",
        ["team_id", "owner_id", "last_activity_at", "id", "stage_id", "snoozed_until", "status"],
        OPEN,
    ),
    "ix_deal_open_due": (
        "deal",
        ["team_id", "next_step_due", "id", "snoozed_until", "owner_id", "status", "next_step"],
        OPEN + " AND next_step IS NOT NULL",
    ),
    "ix_deal_open_owner_due": (
        "deal",
        ["team_id", "owner_id", "next_step_due", "id", "snoozed_until", "status", "next_step"],
        OPEN + " AND next_step IS NOT NULL",
    ),
    "ix_deal_open_owner_name": (
        "deal",
        ["team_id", "owner_id", "name_fold", "id", "status"],
        OPEN,
    ),
    "ix_deal_open_close": (
        "deal",
        ["team_id", "expected_close", "id", "owner_id", "status"],
        OPEN,
    ),
    "ix_deal_open_snoozed": (
        "deal",
        ["team_id", "snoozed_until", "id", "owner_id", "status"],
        OPEN + " AND snoozed_until IS NOT NULL",
    ),
    "ix_deal_team_closed": (
        "deal",
        ["team_id", "closed_at", "status", "currency", "value_cents", "created_at", "owner_id"],
        "closed_at IS NOT NULL",
    ),
    "ix_close_date_change_team_at": ("close_date_change", ["team_id", "changed_at"], None),
}

# Open deals by stage, most valuable first (NULLs last): /pipeline's top deals; per owner
# with currency and probability, for the owner's totals as well.
BY_VALUE = {
    "postgresql": ("value_cents DESC NULLS LAST, id", " INCLUDE (currency, probability)"),
    "sqlite": ("value_cents DESC, id, status", ", currency, probability"),
}


def _by_value_indexes(dialect: str) -> None:
    order, more = BY_VALUE[dialect]
    for name, lead, extra in (
        ("ix_deal_open_top", "team_id, stage_id", ""),
        ("ix_deal_open_owner", "team_id, owner_id, stage_id", more),
    ):
        columns = f"{lead}, {order}" + (extra if dialect == "sqlite" else "")
        include = extra if dialect == "postgresql" else ""
        op.execute(f"CREATE INDEX {name} ON deal ({columns}){include} WHERE {OPEN}")


def upgrade() -> None:
    text200 = sqlmodel.sql.sqltypes.AutoString(length=200)
    with op.batch_alter_table("deal", schema=None) as batch_op:
        # The server default only lets the columns be added to existing rows; the app
        # always writes both (storage.deals, or the models' default from the name).
        batch_op.add_column(sa.Column("name_fold", text200, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("name_compact", text200, nullable=False, server_default=""))
    _backfill()
    op.create_index(
        "ix_deal_team_name_compact",
        "deal",
        ["team_id", "name_compact"],
        postgresql_ops={"name_compact": "text_pattern_ops"},
    )
    for name, (table, columns, where) in PORTABLE_INDEXES.items():
        partial = {f"{db}_where": sa.text(where) for db in ("sqlite", "postgresql") if where}
        op.create_index(name, table, columns, **partial)
    _by_value_indexes(op.get_bind().dialect.name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_deal_name_fold_trgm ON deal USING gin (name_fold gin_trgm_ops)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE deal_fts USING fts5(team_id UNINDEXED, words, tokenize='trigram')"
        )
        op.execute(
            "INSERT INTO deal_fts (rowid, team_id, words)"
            f" SELECT id, team_id, {PADDED.format('deal')} FROM deal"
        )
        for ddl in FTS_TRIGGERS.values():
            op.execute(ddl)


def downgrade() -> None:
    for name in ("ix_deal_open_top", "ix_deal_open_owner"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, (table, _, _) in PORTABLE_INDEXES.items():
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_deal_name_fold_trgm")
    else:
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS deal_fts")
    op.drop_index("ix_deal_team_name_compact", table_name="deal")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_column("name_compact")
        batch_op.drop_column("name_fold")
