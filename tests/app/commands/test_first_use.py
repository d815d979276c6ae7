"""A workspace's very first requests, on SQLite and PostgreSQL: the default stages are
seeded once, committed, and keep their ids between the modal that shows them and the
submission that saves (a seed inside a read-only request would roll back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot import ids
from slackkit import SlackClient, all_text
from storage.models import Deal, Stage
from tests.app.commands.test_stages_edit import open_editor, stage_names
from tests.conftest import SIGNING_SECRET, Running, make_settings, serve


@pytest.fixture(params=["sqlite", "postgresql"])
def first_use(request, fake) -> Iterator[tuple[Running, SlackClient]]:
    url = request.getfixturevalue("db_url" if request.param == "sqlite" else "pg_url")
    settings = make_settings(fake, url, default_currency="USD")  # not the built-in IDR
    with serve(settings) as running:
        yield running, SlackClient(running.url, SIGNING_SECRET, fake)


def stages_in_db(running: Running) -> dict[str, int]:
    with running.services.db.read() as s:
        return {st.key: st.id for st in s.exec(select(Stage).where(Stage.team_id == "T1"))}


def test_first_read_seeds_the_stages_once_and_the_editor_saves(first_use, fake):
    running, slack = first_use
    assert stages_in_db(running) == {}
    assert "Prospecting" in stage_names(slack)  # a read-only first request
    seeded = stages_in_db(running)
    assert len(seeded) == 8  # the open steps of the sales path, Won and Lost: committed
    view = open_editor(slack, fake)
    assert f"name_{seeded['probing']}" in {b.get("block_id") for b in view["blocks"]}
    resp = slack.view_submission(view, {f"name_{seeded['probing']}": "Discovery"}, user_id="UADMIN")
    assert resp.status == 200 and not resp.text.strip()
    assert "Discovery" in stage_names(slack)
    assert stages_in_db(running) == seeded  # same rows, same ids


def test_the_first_request_keeps_the_settings_default_currency(first_use):
    running, slack = first_use
    reply = all_text(slack.command(ids.CMD_PROSPECT, "Acme 5000").json)  # the first request
    assert "$5,000" in reply
    slack.command(ids.CMD_PROSPECT, "Beta")  # no amount: the workspace's currency
    with running.services.db.read() as s:
        deals = s.exec(select(Deal).where(Deal.team_id == "T1")).all()
    assert {d.name: d.currency for d in deals} == {"Acme": "USD", "Beta": "USD"}
