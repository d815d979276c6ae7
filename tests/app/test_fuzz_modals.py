"""Issue 13: every modal's values fuzzed through the signed HTTP path (hypothesis). Whatever
is typed or picked — NUL bytes, huge numbers, dates out of range, options not offered,
unknown people — the answer comes in time, is never a 5xx or an apology, field errors sit
under inputs the modal has, and the database keeps its invariants; valid values round-trip."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text as sql

from bot import ids
from bot.core.money import Money, format_money
from handlers.ui.deals import encode_move
from slackkit import all_text, view_problems
from slackkit.forms import options_of, stateful_elements
from tests.app.faults import serve, wait_until
from tests.app.fuzz import (
    APOLOGY,
    WORDS,
    check_no_errors,
    check_settled,
    examples,
)
from tests.factories import NOW, add_manager, make_deal

TODAY = date.today()


def opened(fake, user: str, callback_id: str) -> dict:
    """The modal ``callback_id`` once the app has filled it (open_then_fill updates it)."""
    return wait_until(
        fake,
        lambda: next(
            (v for v in fake.open_views(user)[::-1] if v.get("callback_id") == callback_id),
            None,
        ),
    )


def open_modal(app, fake, kind: str, deal_id: int) -> dict:
    """Open one of the app's modals the way a user does; the view as Slack holds it."""
    slack, user = app.slack, "UADMIN"

    def closed(stage_key: str) -> int:
        path = ((stage_key, NOW, "price"),) if stage_key == "lost" else ((stage_key, NOW),)
        return make_deal(app.db, name=f"Closed {stage_key}", owner_id=user, path=path)

    openers: dict[str, Callable[[], object]] = {
        ids.VIEW_NEW_DEAL: lambda: slack.command(ids.CMD_PROSPECT, "", user_id=user),
        "edit": lambda: slack.block_action(
            ids.ACTION_EDIT_DEAL, value=str(deal_id), user_id=user, action_type="button"
        ),
        ids.VIEW_MEETING: lambda: slack.global_shortcut(ids.SHORTCUT_LOG_MEETING, user_id=user),
        ids.VIEW_NOTE: lambda: slack.message_shortcut(
            ids.SHORTCUT_ADD_TO_DEAL,
            message={"text": "Budget ok <@U2>", "user": "U2"},
            user_id=user,
        ),
        ids.VIEW_SNOOZE: lambda: slack.block_action(
            ids.ACTION_SNOOZE, value=str(deal_id), user_id=user, action_type="button"
        ),
        ids.VIEW_SPIN: lambda: slack.command(ids.CMD_SPIN, "Acme Corp", user_id=user),
        ids.VIEW_BATNA: lambda: slack.command(ids.CMD_BATNA, "Acme Corp", user_id=user),
        ids.VIEW_STAGES: lambda: slack.block_action(
            ids.ACTION_EDIT_STAGES, user_id=user, action_type="button"
        ),
        ids.VIEW_GATES: lambda: slack.block_action(
            ids.ACTION_EDIT_GATES, user_id=user, action_type="button"
        ),
        # issue 14: the final value of a won deal, a lost deal's win-back date, two checklists
        ids.VIEW_WON_VALUE: lambda: slack.block_action(
            ids.ACTION_WON_VALUE, value=str(closed("won")), user_id=user, action_type="button"
        ),
        ids.VIEW_WIN_BACK: lambda: slack.block_action(
            ids.ACTION_WIN_BACK, value=str(closed("lost")), user_id=user, action_type="button"
        ),
        ids.VIEW_APPROACH: lambda: slack.block_action(
            ids.ACTION_OPEN_APPROACH, value=encode_move(deal_id, None), user_id=user
        ),
        ids.VIEW_FAB: lambda: slack.block_action(
            ids.ACTION_OPEN_FAB, value=encode_move(deal_id, None), user_id=user
        ),
        # issue 13: the managers' settings, the targets pushed on them, the import, and a
        # rep's notification preferences
        ids.VIEW_SETTINGS: lambda: slack.command(ids.CMD_PIPELINE, "settings", user_id=user),
        ids.VIEW_TARGETS: lambda: slack.block_action(
            ids.ACTION_OPEN_TARGETS, view=settings_view(app, fake), user_id=user
        ),
        ids.VIEW_IMPORT: lambda: slack.command(ids.CMD_PIPELINE, "import", user_id=user),
        ids.VIEW_NOTIFY: lambda: slack.block_action(
            ids.ACTION_OPEN_NOTIFY, value="notify", user_id=user, action_type="button"
        ),
    }
    fake.clear()
    resp = openers[kind]()
    assert resp.status == 200, (kind, resp.text)
    return opened(fake, user, ids.VIEW_NEW_DEAL if kind == "edit" else kind)


def settings_view(app, fake) -> dict:
    """The settings modal, open: the targets modal is pushed on top of it."""
    assert app.slack.command(ids.CMD_PIPELINE, "settings", user_id="UADMIN").status == 200
    return opened(fake, "UADMIN", ids.VIEW_SETTINGS)


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(WORDS),
        st.sampled_from(["4" * 4400, "x" * 2100, "&" * 650, "<!here> <!subteam^S1>", "\x00"]),
        st.text(alphabet="0123456789.,-+ ", max_size=30),
    )


@st.composite
def answer_for(draw, element: dict):
    """What a user (or someone forging the payload) could put in ``element``."""
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return draw(text_values())
    if kind in ("static_select", "radio_buttons", "external_select"):
        offered = [o["value"] for o in options_of(element)]
        made_up = st.sampled_from(["", "0", "-1", "99999999", "abc", "\x00", "4" * 400])
        forged = made_up.map(
            lambda v: Forged({"text": {"type": "plain_text", "text": v or "?"}, "value": v})
        )
        return draw(st.one_of(st.sampled_from(offered), forged) if offered else forged)
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        offered = [o["value"] for o in options_of(element)] or ["x"]
        return draw(st.lists(st.sampled_from(offered), unique=True, max_size=len(offered)))
    if kind == "users_select":
        return draw(st.sampled_from(["U1", "U2", "UADMIN", "UNOSUCHUSER", "WBOT"]))
    if kind == "multi_users_select":
        return draw(st.lists(st.sampled_from(["U1", "U2", "UNOSUCHUSER"]), unique=True))
    if kind == "datepicker":
        days = st.integers(-80_000, 80_000).map(lambda n: (TODAY + timedelta(days=n)).isoformat())
        return draw(st.one_of(days, st.sampled_from(["2026-02-30", "0000-01-01", "soon"])))
    if kind == "timepicker":
        return draw(st.sampled_from(["09:00", "23:59", "25:61"]))
    return None


class Forged(dict):
    """An option Slack's client would not offer: put in the payload's state by hand (a
    forged, signed request)."""


def submit(app, fake, view: dict, values: dict):
    """Submit ``view`` with ``values`` as a signed view_submission, forged options included."""
    plain = {k: v for k, v in values.items() if not isinstance(v, Forged)}
    payload = app.slack.view_submission_payload(view, plain, user_id="UADMIN", validate=False)
    state = payload["view"]["state"]["values"]
    for block_id, option in values.items():
        if isinstance(option, Forged):
            for element in state.get(block_id, {}).values():
                element["selected_option"] = dict(option)
    resp = app.slack.interactive(payload, trigger_id=payload["trigger_id"])
    if resp.status == 200:
        fake.after_view_submission(payload["view"]["id"], resp.json)
    return resp


@st.composite
def answers(draw, view: dict) -> dict:
    out = {}
    for block, element in stateful_elements(view):
        if block.get("type") != "input" or draw(st.integers(0, 5)) == 0:
            continue  # left as it was
        value = draw(answer_for(element))
        if value is not None:
            out[block["block_id"]] = value
    return out


MODALS = [
    ids.VIEW_NEW_DEAL,
    "edit",
    ids.VIEW_MEETING,
    ids.VIEW_NOTE,
    ids.VIEW_SNOOZE,
    ids.VIEW_SPIN,
    ids.VIEW_BATNA,
    ids.VIEW_STAGES,
    ids.VIEW_GATES,
]
SALESFLOW_MODALS = [ids.VIEW_WON_VALUE, ids.VIEW_WIN_BACK, ids.VIEW_APPROACH, ids.VIEW_FAB]
# Few examples each (issue 13): their answers are menus and a few short fields.
SETTINGS_MODALS = [ids.VIEW_SETTINGS, ids.VIEW_TARGETS, ids.VIEW_IMPORT, ids.VIEW_NOTIFY]


def check_submitted(resp, view: dict, values: dict) -> None:
    where = (view.get("callback_id"), {k: str(v)[:60] for k, v in values.items()})
    assert resp.status == 200 and resp.elapsed < 10, (where, resp.status, resp.elapsed)
    shown = all_text(resp.json)
    assert not any(a in shown for a in APOLOGY), (where, shown[:400])
    body = resp.json or {}
    action = body.get("response_action")
    assert action in (None, "errors", "update", "push", "clear"), (where, body)
    if action == "errors":
        inputs = {b["block_id"] for b, _ in stateful_elements(view) if b.get("type") == "input"}
        assert body["errors"] and set(body["errors"]) <= inputs, (where, body["errors"])
        assert all(isinstance(e, str) and e.strip() for e in body["errors"].values()), where
    if action in ("update", "push"):
        assert not view_problems(body["view"]), (where, view_problems(body["view"]))


@pytest.mark.parametrize(
    ("kind", "where", "n"),
    [(kind, "db_url", 60) for kind in MODALS]
    + [(kind, "db_url", 60) for kind in SALESFLOW_MODALS]
    + [(kind, "db_url", 15) for kind in SETTINGS_MODALS]
    + [
        (kind, "pg_url", 25)
        for kind in (
            ids.VIEW_NEW_DEAL,
            ids.VIEW_MEETING,
            ids.VIEW_NOTE,
            ids.VIEW_SNOOZE,
            ids.VIEW_BATNA,
        )
    ],
)
def test_fuzz_modal(fake, request, caplog, kind, where, n):
    """``n`` submissions of the modal ``kind`` on SQLite (``db_url``) or PostgreSQL."""
    caplog.set_level(logging.ERROR)
    with serve(fake, request.getfixturevalue(where)) as app:
        deal_id = make_deal(app.db, name="Acme Corp", owner_id="UADMIN")
        make_deal(app.db, name="Globex", owner_id="U2")
        add_manager(app.db, "UADMIN")
        view = open_modal(app, fake, kind, deal_id)

        @examples(n)
        @given(values=answers(view))
        def run(values: dict) -> None:
            check_submitted(submit(app, fake, view, values), view, values)

        run()
        check_settled(fake, app.db)
    check_no_errors(caplog)


# --- valid values round-trip -------------------------------------------------------------

NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ", min_size=3)
NAMES = NAME.map(lambda s: " ".join(s.split())).filter(lambda s: len(s) >= 3 and len(s) < 60)


@pytest.mark.parametrize("url", ["db_url", "pg_url"])
def test_quick_add_values_round_trip(fake, request, url):
    """A quoted name and an amount written any of the ways people write it come back as
    the same name and the same amount, echoed in full."""
    with serve(fake, request.getfixturevalue(url)) as app:
        seen: set[str] = set()

        @examples(60)
        @given(
            name=NAMES,
            millions=st.integers(1, 999_999),
            form=st.sampled_from(["{m}jt", "Rp {dots}", "{m} juta", "IDR {plain}"]),
        )
        def run(name: str, millions: int, form: str) -> None:
            key = name.lower()
            if key in seen:
                return
            seen.add(key)
            amount = millions * 1_000_000
            typed = form.format(m=millions, dots=f"{amount:,}".replace(",", "."), plain=amount)
            resp = app.slack.command(ids.CMD_PROSPECT, f'"{name}" {typed}', user_id="U1")
            shown = all_text(resp.json)
            assert f"*{name}*" in shown, (name, typed, shown[:300])
            assert format_money(Money(Decimal(amount), "IDR"), "en") in shown, (typed, shown)
            with app.db.engine.connect() as conn:
                row = conn.execute(
                    sql("select value_cents, currency from deal where name = :n"), {"n": name}
                ).one()
            assert (row.value_cents, row.currency) == (amount * 100, "IDR")

        run()


def test_deal_form_values_round_trip(fake, db_url):
    with serve(fake, db_url) as app:
        view = open_modal(app, fake, ids.VIEW_NEW_DEAL, 0)

        @examples(60)
        @given(name=NAMES, value=st.integers(1, 10**12), currency=st.sampled_from(["IDR", "USD"]))
        def run(name: str, value: int, currency: str) -> None:
            answers = {
                ids.BLOCK_NAME: name + " Ltd",
                ids.BLOCK_VALUE: str(value),
                ids.BLOCK_CURRENCY: currency,
                ids.BLOCK_OWNER: "UADMIN",
            }
            resp = app.slack.view_submission(view, answers, user_id="UADMIN")
            body = resp.json or {}
            if body.get("response_action") == "errors":  # the same name again: asked once
                resp = app.slack.view_submission(view, answers, user_id="UADMIN")
            assert resp.json is None, (name, resp.json)
            with app.db.engine.connect() as conn:
                rows = conn.execute(
                    sql("select value_cents, currency from deal where name = :n"),
                    {"n": name + " Ltd"},
                ).all()
            assert (rows[-1].value_cents, rows[-1].currency) == (value * 100, currency)

        run()
