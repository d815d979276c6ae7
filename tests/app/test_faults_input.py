"""Issue 13, items 8 and 9: text that looks like a mention, and the smaller things hostile or
odd input broke — each answered clearly, with the user's text echoed, never an apology."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import ids
from bot.core import checklists as cl
from bot.core.quickadd import parse_quick_add
from slackkit import all_text, blocks_too_long
from storage import deals as store
from tests.app.faults import count, serve
from tests.app.support import save_version
from tests.factories import NOW, make_deal

APOLOGY = "Sorry, something went wrong"


# --- item 8: only real mentions count ---------------------------------------------------


def test_typed_mention_characters_never_become_the_owner(slack, running):
    """Typing ``<@UNOSUCHUSER>`` sends ``&lt;@UNOSUCHUSER&gt;``: not a mention."""
    resp = slack.command(ids.CMD_PROSPECT, "Acme &lt;@UNOSUCHUSER&gt;", as_sent=True)
    shown = all_text(resp.json)
    assert "not someone I can find" in shown and "/prospect Acme &lt;@UNOSUCHUSER&gt;" in shown
    assert count(running.services.db, "select count(*) from deal") == 0


def test_a_real_mention_of_an_unknown_user_is_refused(slack, running):
    resp = slack.command(ids.CMD_PROSPECT, "Acme <@UNOSUCHUSER>")
    assert "not someone I can find" in all_text(resp.json)
    assert count(running.services.db, "select count(*) from deal") == 0


def test_a_real_mention_of_a_member_is_the_owner(slack, running):
    resp = slack.command(ids.CMD_PROSPECT, "Acme 5jt <@U2>")
    assert "Owner: <@U2>" in all_text(resp.json)


def test_a_deactivated_member_is_refused(slack, fake, running):
    fake.add_user("UGONE", name="gone").deleted = True
    resp = slack.command(ids.CMD_PROSPECT, "Acme <@UGONE>")
    assert "not someone I can find" in all_text(resp.json)


def amount_buttons(payload: dict) -> dict[str, dict]:
    """The reading buttons of an ambiguous amount's question (issue 11), by their label."""
    return {
        el["text"]["text"]: el
        for block in payload.get("blocks", [])
        if block.get("type") == "actions"
        for el in block["elements"]
    }


def test_an_ambiguous_amounts_answer_counts_only_the_real_mentions(slack, fake, running):
    """The question about ``2.5M`` carries the text to its buttons; the reading picked is
    read with the same real mentions: a typed ``<@U2>`` is refused there too, a real one
    is the owner."""
    typed = slack.command(ids.CMD_PROSPECT, "Hotel Mawar 2.5M &lt;@U2&gt;", as_sent=True)
    picked = amount_buttons(typed.json)["Rp2.500.000.000"]
    slack.block_action(picked["action_id"], value=picked["value"], message=typed.json)
    [refused] = fake.wait_for("response_url", timeout=20)
    assert "not someone I can find" in all_text(refused.params)
    assert count(running.services.db, "select count(*) from deal") == 0
    fake.clear()
    real = slack.command(ids.CMD_PROSPECT, "Hotel Melati 2.5M <@U2>")
    picked = amount_buttons(real.json)["Rp2.500.000.000"]
    slack.block_action(picked["action_id"], value=picked["value"], message=real.json)
    [added] = fake.wait_for("response_url", timeout=20)
    assert "Added *Hotel Melati*" in all_text(added.params)
    assert "Owner: <@U2>" in all_text(added.params)


def test_a_forged_amount_answer_adds_nothing(slack, fake, running):
    """A reading's value is sealed: one the app did not write (a planted owner) is refused."""
    asked = slack.command(ids.CMD_PROSPECT, "Hotel Mawar 2.5M")
    picked = amount_buttons(asked.json)["Rp2.500.000.000"]
    forged = '{"t":"Hotel Mawar 2.5M <@UNOSUCHUSER>","u":9,"m":["UNOSUCHUSER"]}'
    slack.block_action(picked["action_id"], value=forged, message=asked.json)
    [told] = fake.wait_for("response_url", timeout=20)
    assert "can't be read any more" in all_text(told.params)
    assert count(running.services.db, "select count(*) from deal") == 0


def test_typed_mentions_are_not_managers_or_digest_owners(slack, running):
    made = slack.command(
        ids.CMD_PIPELINE, "managers add &lt;@U2&gt;", user_id="UADMIN", as_sent=True
    )
    assert "not someone I can find" in all_text(made.json)
    digest = slack.command(ids.CMD_DIGEST, "here 09:00 for &lt;@U2&gt;", as_sent=True)
    shown = all_text(digest.json)
    assert "not someone I can find" in shown or "isn't" in shown
    assert count(running.services.db, "select count(*) from manager") == 0
    assert count(running.services.db, "select count(*) from digest_subscription") == 0


# --- item 9: the smaller ones ------------------------------------------------------------


def test_did_you_mean_is_clipped(slack, running):
    make_deal(running.services.db, name="Acme Corp")
    make_deal(running.services.db, name="Acme Ltd")
    resp = slack.command(ids.CMD_ADVANCE, "Acm " + "&" * 650)
    shown = all_text(resp.json)
    assert APOLOGY not in shown and ("Did you mean" in shown or "Which one" in shown)


@pytest.mark.parametrize(
    "text",
    ["Acme history spin " + "4" * 4400, "4" * 4400, "stats " + "4" * 4400],
)
def test_thousands_of_digits_are_answered(slack, running, text):
    make_deal(running.services.db, name="Acme")
    resp = slack.command(ids.CMD_PIPELINE, text)
    assert resp.status == 200 and APOLOGY not in all_text(resp.json)


def test_nul_bytes_on_postgresql(fake, pg_url):
    with serve(fake, pg_url) as app:
        resp = app.slack.command(ids.CMD_PROSPECT, "Acme\x00 Corp 5jt")
        assert "Added *Acme Corp*" in all_text(resp.json)
        app.slack.command(ids.CMD_PROSPECT, "")
        view = fake.last("views.open").params["view"]
        answers = {
            ids.BLOCK_NAME: "Glo\x00bex",
            ids.BLOCK_OWNER: "U1",
            ids.BLOCK_NEXT_STEP: "a\x00",
        }
        assert app.slack.view_submission(view, answers).json is None
        assert count(app.db, "select count(*) from deal where name = 'Globex'") == 1


def test_managers_add_with_a_newline(slack, running):
    for text in ("managers add <@U2>\n", "managers add\n<@U2>", "managers\nadd <@U2>"):
        resp = slack.command(ids.CMD_PIPELINE, text, user_id="UADMIN")
        assert resp.status == 200 and APOLOGY not in all_text(resp.json)
    assert count(running.services.db, "select count(*) from manager") == 1


@pytest.mark.parametrize(
    ("typed", "name"),
    [('"Acme, Inc." 5jt', "Acme, Inc."), ('"-Toko-" 5jt', "-Toko-"), ('"Acme:" cold', "Acme:")],
)
def test_quoted_names_keep_their_edge_punctuation(typed, name):
    assert parse_quick_add(typed).name == name


def test_a_deal_named_like_a_sub_command_can_be_opened_and_the_answer_says_how(slack, running):
    make_deal(running.services.db, name="Stats")
    make_deal(running.services.db, name="Team Corp")
    stats = all_text(slack.command(ids.CMD_PIPELINE, "stats").json)
    assert "There is also a deal called “Stats”" in stats and '/pipeline "Stats"' in stats
    team = all_text(slack.command(ids.CMD_PIPELINE, "team Corp").json)
    assert '/pipeline "Team Corp"' in team
    card = all_text(slack.command(ids.CMD_PIPELINE, '"Stats"').json)
    assert card.startswith("Deal card: Stats")
    card = all_text(slack.command(ids.CMD_PIPELINE, '"team Corp"').json)
    assert card.startswith("Deal card: Team Corp")


def test_a_views_update_500_does_not_leave_the_modal_loading(slack, fake, running):
    make_deal(running.services.db, name="Acme")
    fake.fail_next("views.update", status=500, times=3)
    slack.command(ids.CMD_SPIN, "Acme")
    calls = fake.wait_for("views.update", count=4, timeout=20)
    assert calls[-1].response["ok"]
    [shown] = fake.open_views("U1")
    assert "Loading" not in all_text(shown) and "try again" in all_text(shown)


def test_a_long_history_is_paged_to_fit_one_message(slack, fake, running):
    """Five long versions of each checklist used to make an 18,000-character message
    (Slack refuses more than about 12,000: msg_blocks_too_long)."""
    db = running.services.db
    deal_id = make_deal(db, name="Acme")
    long = "word " * 380  # 1,900 characters in each answer
    spin = {
        "fields": {f"{k}_{p}": long for k in ("situation", "problem") for p in ("asked", "learned")}
    }
    batna = {k: long for k in (cl.OUR_ALTERNATIVE, cl.THEIR_ALTERNATIVE, cl.DIMENSIONS)}
    with db.transaction() as s:
        deal = store.get_deal(session=s, team_id="T1", deal_id=deal_id)
        for i in range(5):
            for kind, data in ((cl.SPIN, spin), (cl.BATNA, batna)):
                save_version(s, deal, kind, data, now=NOW + timedelta(hours=i), filled=2)
    for text in ("Acme history", "Acme history spin", "Acme history batna 1"):
        resp = slack.command(ids.CMD_PIPELINE, text)
        assert resp.status == 200 and not fake.rejected_acks, text
        assert not blocks_too_long(resp.json["blocks"]) and "Acme" in all_text(resp.json)
