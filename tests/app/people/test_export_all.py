"""Issue 15, item 8: ``/pipeline export all`` (``ekspor semua``) — a manager gets all of the
workspace's data as a zip of CSV files in their DM; another workspace's rows and the bot
tokens are never in it; a rep is refused."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from bot import ids
from slackkit import all_text
from tests.app.commands.test_stats_export import _uploads
from tests.app.jobs.test_digest import NOW, add_deal
from tests.app.people.test_leavers import deactivate


@pytest.fixture
def team(running, slack):
    running.services.now = lambda: NOW
    db = running.services.db
    add_deal(db, "Acme", 50_000_000, owner="U2", contact_name="Budi")
    add_deal(db, "=cmd|' /C calc'!A0", 1_000, owner="U1", path=(("won", NOW),))
    add_deal(db, "Other Team Deal", 1_000, owner="U9", team="T2")
    deactivate(slack, running)
    return running


def read_zip(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig")))
            )
            for name in z.namelist()
            if name.endswith(".csv")
        } | {"README": z.read("README.txt").decode()}


def test_a_manager_gets_every_table_as_csv_in_a_zip(slack, fake, team):
    resp = slack.command(ids.CMD_PIPELINE, "export all", user_id="UADMIN")
    assert "zip of CSV files" in all_text(resp.json)
    [(_, name, data, complete)] = _uploads(fake, 1)
    assert name.startswith("salespath-2026-11-23") and name.endswith(".zip")
    assert complete["channel_id"] == "DUADMIN"
    tables = read_zip(data)
    assert {"deal", "stage_move", "contact", "workspace", "stage", "inactive_member"} <= set(tables)
    assert not [t for t in tables if t.startswith("slack_")]  # tokens are not data
    assert "processed_request" not in tables
    names = {d["name"] for d in tables["deal"]}
    assert names == {"Acme", "'=cmd|' /C calc'!A0"}  # the formula is not run; T2's not there
    assert {d["team_id"] for d in tables["deal"]} == {"T1"}
    assert [c["name"] for c in tables["contact"]] == ["Budi"]
    assert [m["user_id"] for m in tables["inactive_member"]] == ["U2"]
    assert "deal.csv: 2" in tables["README"]
    assert "tables" in complete["initial_comment"]


def test_a_rep_is_refused_and_the_words_work_in_indonesian(slack, fake, team):
    refused = all_text(slack.command(ids.CMD_PIPELINE, "export all").json)
    assert "Only a manager can export all" in refused
    slack.command(ids.CMD_PIPELINE, "ekspor semua", user_id="UADMIN")
    [(_, name, _, _)] = _uploads(fake, 1)
    assert name.endswith(".zip")
