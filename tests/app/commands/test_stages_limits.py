"""The stage editor and Block Kit's 100-block limit: a cap on open stages, a view that
always fits, pages for workspaces that have more stages than the cap (made before it), and
field errors only ever keyed by blocks that are in the submitted view."""

from __future__ import annotations

import pytest
from slack_sdk.models.views import View

from bot import ids
from bot.core.deals import Actor
from bot.core.i18n import Translator
from bot.usecases import stages as stage_usecases
from handlers.ui.stages import (
    ACTION_STAGES_NEXT,
    ACTION_STAGES_PREV,
    BLOCK_STAGES_PAGES,
    MAX_OPEN_STAGES,
    MAX_VIEW_BLOCKS,
    StageRow,
    page_size,
    stages_modal,
)
from slackkit import all_text, view_problems
from storage import stages as stage_store
from tests.app.commands.test_stages_edit import open_editor
from tests.factories import make_deal


def rows(open_count: int, *, in_use: int = 0) -> list[StageRow]:
    out = [
        StageRow(i, f"Stage {i}", i, 10, "open", None, i <= in_use)
        for i in range(1, open_count + 1)
    ]
    won, lost = open_count + 1, open_count + 2
    return [
        *out,
        StageRow(won, "Won", won, 100, "won", None, False),
        StageRow(lost, "Lost", lost, 0, "lost", None, False),
    ]


def valid(view: dict) -> dict:
    """The view is one Slack accepts: the SDK's own checks and the fake's Block Kit rules."""
    View(**view).to_dict()  # raises SlackObjectFormationError on a bad view
    assert view_problems(view) == []
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
    return view


def block_ids(view: dict) -> set[str]:
    return {b["block_id"] for b in view["blocks"] if b.get("block_id")}


def input_ids(view: dict) -> set[str]:
    return {b["block_id"] for b in view["blocks"] if b["type"] == "input"}


def add_stages(running, count: int, *, team_id: str = "T1") -> None:
    """Open stages written straight through storage (as a workspace made before the cap)."""
    with running.services.db.transaction() as s:
        edits = [
            stage_store.StageEdit(st.id, st.name, st.position, st.probability, st.stale_days)
            for st in stage_store.list_stages(session=s, team_id=team_id)
        ]
        edits += [
            stage_store.StageEdit(None, f"Extra {i}", 90, 50, None) for i in range(1, count + 1)
        ]
        stage_store.save_stages(session=s, team_id=team_id, edits=edits)


def open_stages(running, team_id: str = "T1") -> list[tuple[int, str]]:
    with running.services.db.read() as s:
        return [
            (st.id, st.name)
            for st in stage_store.list_stages(session=s, team_id=team_id)
            if st.kind == "open"
        ]


def submit(slack, view, answers, **kw):
    """Submit the editor; an errors answer may only name input blocks of that view."""
    resp = slack.view_submission(view, answers, user_id="UADMIN", **kw)
    assert resp.status == 200
    if resp.text.strip():
        body = resp.json
        assert body["response_action"] == "errors"
        assert set(body["errors"]) <= input_ids(view), body["errors"]
    return resp


# --- the arithmetic, by value -------------------------------------------------------------


def test_the_cap_fits_in_one_view_with_room_to_spare():
    # 1 intro + 15 open stages × 6 (header, name, order, probability, stale, remove)
    # + Won/Lost (header + 2 names) + "Add a stage" (header + name, order, probability)
    view = valid(stages_modal(Translator("en"), rows(MAX_OPEN_STAGES)))
    assert len(view["blocks"]) == 1 + MAX_OPEN_STAGES * 6 + 3 + 4 == 98
    assert page_size(2) >= MAX_OPEN_STAGES  # one page even with page buttons (99)
    assert BLOCK_STAGES_PAGES not in block_ids(view)  # one page: no page buttons
    assert {f"name_{i}" for i in range(1, MAX_OPEN_STAGES + 3)} <= block_ids(view)
    assert {"name_new", "order_new", "prob_new"} <= block_ids(view)
    assert "the most allowed" in all_text(view)


@pytest.mark.parametrize("open_count", [1, 14, 15, 16, 17, 18, 30, 31, 45, 46, 120])
@pytest.mark.parametrize("locale", ["en", "id"])
def test_every_page_of_any_stage_list_is_valid_and_all_stages_are_reachable(open_count, locale):
    t = Translator(locale)
    all_rows = rows(open_count)
    pages = [valid(stages_modal(t, all_rows, page=0))]
    while ACTION_STAGES_NEXT in str(pages[-1]["blocks"]):
        pages.append(valid(stages_modal(t, all_rows, page=len(pages))))
    assert len(pages) == -(-open_count // MAX_OPEN_STAGES)
    reached = [b for p in pages for b in block_ids(p) if b.startswith("remove_")]
    assert sorted(reached) == sorted(f"remove_{i}" for i in range(1, open_count + 1))
    for p in pages:  # Won, Lost and "Add a stage" are on every page
        assert {f"name_{open_count + 1}", f"name_{open_count + 2}", "name_new"} <= block_ids(p)
    # a page past the end shows the last one rather than failing
    assert stages_modal(t, all_rows, page=99)["blocks"] == pages[-1]["blocks"]


# --- end to end: signed requests + the fake Slack ---------------------------------------


def test_at_the_cap_the_editor_is_valid_and_saves(slack, running, fake):
    make_deal(running.services.db, name="Acme", stage_key="probing")  # in use: no remove box
    add_stages(running, MAX_OPEN_STAGES - 6 - 1)
    view = valid(open_editor(slack, fake))
    resp = submit(slack, view, {"name_new": "Proposal", "prob_new": "60", "order_new": "5"})
    assert not resp.text.strip()
    assert len(open_stages(running)) == MAX_OPEN_STAGES

    view = valid(open_editor(slack, fake))
    ids_shown = block_ids(view)
    assert all(f"name_{sid}" in ids_shown for sid, _ in open_stages(running))
    assert BLOCK_STAGES_PAGES not in ids_shown
    last_id, _ = open_stages(running)[-1]
    resp = submit(slack, view, {f"name_{last_id}": "Contract", f"prob_{last_id}": "90"})
    assert not resp.text.strip()
    assert open_stages(running)[-1] == (last_id, "Contract")
    assert "Contract" in all_text(fake.wait_for("chat.postMessage", count=2)[-1].params)


def test_adding_past_the_cap_is_a_field_error_and_keeps_the_modal(slack, running, fake):
    add_stages(running, MAX_OPEN_STAGES - 6)
    before = open_stages(running)
    view = valid(open_editor(slack, fake))
    answers = {"name_new": "One too many", "prob_new": "40"}
    resp = submit(slack, view, answers)
    error = resp.json["errors"]["name_new"]
    assert f"At most {MAX_OPEN_STAGES} open stages" in error and "Remove this stage" in error
    assert open_stages(running) == before  # nothing saved
    assert view_open(fake, view)  # the modal stays, with what the user typed

    # Same answers, plus one unused stage ticked for removal: fits, so it saves.
    gone_id, gone_name = before[-1]
    resp = submit(slack, view, {**answers, f"remove_{gone_id}": ["remove"]})
    assert not resp.text.strip()
    names = [n for _, n in open_stages(running)]
    assert len(names) == MAX_OPEN_STAGES and "One too many" in names and gone_name not in names


def view_open(fake, view) -> bool:
    stored = fake.find_view(view)
    return stored["id"] in {v["id"] for v in fake.open_views()}


def test_a_workspace_over_the_cap_still_opens_pages_removes_and_saves(slack, running, fake):
    add_stages(running, 20)  # 26 open stages, made before the cap
    stages = open_stages(running)
    assert len(stages) == 26
    view = valid(open_editor(slack, fake))
    assert "at most 15 are allowed" in all_text(view)
    assert "Showing open stages 1–15 of 26" in all_text(view)
    shown = [sid for sid, _ in stages if f"name_{sid}" in block_ids(view)]
    assert shown == [sid for sid, _ in stages[:15]]

    # Remove one on the first page and rename another: saves; the other page is untouched.
    first_id, first_name = stages[3]
    resp = submit(slack, view, {f"remove_{first_id}": ["remove"], f"name_{stages[0][0]}": "Leads"})
    assert not resp.text.strip()
    after = open_stages(running)
    assert len(after) == 25 and first_name not in [n for _, n in after]
    assert after[0] == (stages[0][0], "Leads") and after[-11:] == stages[-11:]

    # The next page: the stages that didn't fit; remove one there too.
    view = valid(open_editor(slack, fake))
    updates = len(fake.calls_to("views.update"))
    slack.block_action(ACTION_STAGES_NEXT, view=view, user_id="UADMIN")
    page2 = valid(fake.wait_for("views.update", count=updates + 1)[-1].params["view"])
    assert "Showing open stages 16–25 of 25" in all_text(page2)
    on_page2 = [sid for sid, _ in after if f"name_{sid}" in block_ids(page2)]
    assert on_page2 == [sid for sid, _ in after[15:]]
    assert ACTION_STAGES_PREV in str(page2["blocks"])
    last_id = after[-1][0]
    resp = submit(slack, page2, {f"remove_{last_id}": ["remove"]})
    assert not resp.text.strip()
    assert [n for _, n in open_stages(running)] == [n for _, n in after[:-1]]

    # Back to the first page works as well.
    view = open_editor(slack, fake)
    slack.block_action(ACTION_STAGES_NEXT, view=view, user_id="UADMIN")
    page2 = fake.wait_for("views.update", count=updates + 2)[-1].params["view"]
    slack.block_action(ACTION_STAGES_PREV, view=page2, user_id="UADMIN")
    page1 = valid(fake.wait_for("views.update", count=updates + 3)[-1].params["view"])
    assert "Showing open stages 1–15 of 24" in all_text(page1)


def test_over_the_cap_adding_is_refused_and_errors_stay_on_shown_blocks(slack, running, fake):
    add_stages(running, 14)  # 20 open stages
    stages = open_stages(running)
    view = valid(open_editor(slack, fake))
    hidden_name = stages[-1][1]  # on page 2, not in this view
    resp = submit(
        slack,
        view,
        {
            "name_new": "Proposal",
            f"remove_{stages[5][0]}": ["remove"],
            f"name_{stages[1][0]}": hidden_name.upper(),
            f"prob_{stages[2][0]}": "150",
        },
        validate=False,
    )
    errors = resp.json["errors"]
    assert "would make 20" in errors["name_new"]
    assert "already called" in errors[f"name_{stages[1][0]}"]  # clash with a stage not shown
    assert "0 to 100" in errors[f"prob_{stages[2][0]}"]
    assert open_stages(running) == stages


def test_an_editor_cut_at_100_blocks_before_the_fix_still_saves(slack, running, fake):
    """A modal opened before the fix: every stage in one view, cut at 100 blocks, so the
    17th stage lost its last fields and the 18th, Won/Lost and "Add a stage" were gone."""
    add_stages(running, 12)  # 18 open stages: the reported case
    stages = open_stages(running)
    t, all_rows = Translator("en"), stage_rows(running)
    pages = [stages_modal(t, all_rows, page=p)["blocks"] for p in (0, 1)]
    per_stage = [b for blocks in pages for b in stage_blocks(blocks)]
    tail = pages[0][pages[0].index(won_lost_header(pages[0])) :]
    legacy = {**stages_modal(t, all_rows), "blocks": ([pages[0][0], *per_stage, *tail])[:100]}
    cut_id = stages[16][0]
    assert f"order_{cut_id}" in block_ids(legacy) and f"prob_{cut_id}" not in block_ids(legacy)

    resp = submit(slack, legacy, {f"name_{cut_id}": "Renamed", f"order_{cut_id}": "1"})
    assert not resp.text.strip(), resp.text
    with running.services.db.read() as s:
        st = stage_store.get_stage(session=s, team_id="T1", stage_id=cut_id)
        assert (st.name, st.probability, st.position) == ("Renamed", 50, 2)  # after the 1st
        names = [x.name for x in stage_store.list_stages(session=s, team_id="T1")]
    assert names[-2:] == ["Won", "Lost"] and len(names) == 20

    # An empty name on it is refused on a block of that view, never on a missing one.
    resp = submit(slack, legacy, {f"name_{cut_id}": ""}, validate=False)
    assert list(resp.json["errors"]) == [f"name_{cut_id}"]


def won_lost_header(blocks: list[dict]) -> dict:
    return next(b for b in blocks if b["type"] == "header" and b["text"]["text"] == "Won and lost")


def stage_blocks(blocks: list[dict]) -> list[dict]:
    """The open stages' blocks of one page (after the intro and page buttons)."""
    first = next(i for i, b in enumerate(blocks) if b["type"] == "header")
    return blocks[first : blocks.index(won_lost_header(blocks))]


def stage_rows(running) -> list[StageRow]:
    """The stage editor's rows, as a manager of T1 gets them."""
    return stage_usecases.rows(running.services.db, Actor("T1", "UADMIN", is_manager=True))


def test_a_page_button_from_someone_no_longer_a_manager_shows_why(slack, running, fake):
    add_stages(running, 12)
    view = open_editor(slack, fake)
    updates = len(fake.calls_to("views.update"))
    slack.block_action(ACTION_STAGES_NEXT, view=view, user_id="U1")
    shown = fake.wait_for("views.update", count=updates + 1)[-1].params["view"]
    assert "Only a manager" in all_text(shown)
    assert shown["callback_id"] != ids.VIEW_STAGES
