"""A workspace uninstalls the app: the installation goes at once, the data after the grace
period (``UNINSTALL_GRACE_DAYS``) unless it installs again — through signed events from the
local Slack, with OAuth and with one bot token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import oauth
from bot.app import create_app
from bot.scheduling import Scheduler
from bot.services import Services
from bot.usecases import installs
from storage.models import Deal, Workspace
from tests.conftest import make_settings
from tests.factories import NOW, make_deal

pytest.register_assert_rewrite("tests.app.oauth_support")  # a helper module with asserts
from tests.app.oauth_support import Browser, bearer, oauth_app, settled  # noqa: E402 - after the line above

DAY = timedelta(days=1)


def deals(services, team_id: str) -> list[str]:
    with services.db.read() as s:
        return [d.name for d in s.exec(select(Deal).where(Deal.team_id == team_id)).all()]


def uninstalled_at(services, team_id: str):
    with services.db.read() as s:
        ws = s.get(Workspace, team_id)
        return ws.uninstalled_at if ws else "gone"


def purge_at(services, when) -> None:
    services.now = lambda: when
    oauth.purge(services)


@oauth_app
def test_uninstall_then_the_data_goes_after_the_grace_period(running, slack, fake):
    services = running.services
    services.now = lambda: NOW
    Browser(running.base, fake).install(team_id="T2")
    Browser(running.base, fake).install(team_id="T3")
    make_deal(services.db, team_id="T2", name="Leaving Co")
    make_deal(services.db, team_id="T3", name="Staying Co")

    revoked, removed = slack.uninstall(team_id="T2")  # tokens_revoked, app_uninstalled
    assert revoked.status == removed.status == 200
    settled(lambda: uninstalled_at(services, "T2") == NOW)
    settled(
        lambda: (
            running.app.installation_store.find_installation(enterprise_id=None, team_id="T2")
            is None
        )
    )
    assert running.app.installation_store.find_bot(enterprise_id=None, team_id="T2") is None
    with pytest.raises(oauth.NotInstalled):
        services.client_for("T2")

    purge_at(services, NOW + 30 * DAY - timedelta(minutes=1))  # default: 30 days
    assert deals(services, "T2") == ["Leaving Co"]
    purge_at(services, NOW + 30 * DAY)
    assert deals(services, "T2") == [] and uninstalled_at(services, "T2") == "gone"
    assert deals(services, "T3") == ["Staying Co"]
    assert services.client_for("T3").token == fake.teams["T3"].token


@oauth_app
def test_reinstalling_within_the_grace_period_keeps_everything(running, slack, fake):
    services = running.services
    services.now = lambda: NOW
    Browser(running.base, fake).install(team_id="T2", user_id="U21")
    old = fake.teams["T2"].token
    make_deal(services.db, team_id="T2", name="Loyal Co", owner_id="U21")
    slack.uninstall(team_id="T2")
    settled(lambda: uninstalled_at(services, "T2") == NOW)
    services.now = lambda: NOW + 20 * DAY
    page = Browser(running.base, fake).install(team_id="T2", user_id="U21")
    assert page.status == 200
    new = fake.teams["T2"].token
    assert new != old and uninstalled_at(services, "T2") is None

    purge_at(services, NOW + 400 * DAY)
    assert deals(services, "T2") == ["Loyal Co"]
    fake.clear()
    slack.command("/pipeline", "", team_id="T2", user_id="U21")
    assert {bearer(c) for c in fake.wait_for("users.info")} == {new}


@oauth_app
def test_after_the_purge_a_new_install_starts_afresh(running, slack, fake):
    services = running.services
    services.now = lambda: NOW
    Browser(running.base, fake).install(team_id="T2", user_id="U21")
    make_deal(services.db, team_id="T2", name="Old Co", owner_id="U21")
    slack.uninstall(team_id="T2")
    settled(lambda: uninstalled_at(services, "T2") == NOW)
    purge_at(services, NOW + 31 * DAY)
    assert deals(services, "T2") == []
    Browser(running.base, fake).install(team_id="T2", user_id="U21")
    resp = slack.command("/prospect", "New Co 5jt", team_id="T2", user_id="U21")
    assert resp.status == 200
    assert "New Co" in resp.text
    assert uninstalled_at(services, "T2") is None


def test_the_grace_period_is_a_setting(fake, db_url):
    settings = make_settings(fake, db_url, uninstall_grace_days=7)
    services = Services.from_settings(settings)
    create_app(settings, services=services)
    try:
        make_deal(services.db, name="Week Co")
        installs.uninstalled(services.db, team_id="T1", key="Ev1", now=NOW)
        fake.revoke("T1")
        purge_at(services, NOW + 7 * DAY - timedelta(seconds=1))
        assert deals(services, "T1") == ["Week Co"]
        purge_at(services, NOW + 7 * DAY)
        assert deals(services, "T1") == []
    finally:
        services.db.dispose()


def test_one_workspace_mode_uninstall_and_purge(running, slack, fake):
    services = running.services
    services.now = lambda: NOW
    make_deal(services.db, name="Solo Co")
    slack.uninstall()  # Slack revokes SLACK_BOT_TOKEN and says so
    settled(lambda: uninstalled_at(services, "T1") == NOW)
    purge_at(services, NOW + 29 * DAY)
    assert deals(services, "T1") == ["Solo Co"]
    purge_at(services, NOW + 30 * DAY)
    assert deals(services, "T1") == []
    [check] = fake.calls_to("auth.test")[-1:]
    assert check.response == {"ok": False, "error": "token_revoked"}


def uninstalled_with(running, slack, deal_name: str):
    """The one workspace, with a deal, told at NOW that the app was uninstalled (marked)."""
    services = running.services
    services.now = lambda: NOW
    make_deal(services.db, name=deal_name)
    slack.app_uninstalled()
    settled(lambda: uninstalled_at(services, "T1") == NOW)
    return services


def test_one_workspace_mode_a_token_that_works_again_keeps_the_data(running, slack, fake):
    """Reinstalled, and restarted with the new SLACK_BOT_TOKEN: the purge sees it works."""
    services = uninstalled_with(running, slack, "Back Co")
    purge_at(services, NOW + 31 * DAY)
    assert deals(services, "T1") == ["Back Co"] and uninstalled_at(services, "T1") is None


def test_one_workspace_mode_the_purge_waits_while_slack_cannot_say(running, slack, fake):
    services = uninstalled_with(running, slack, "Wait Co")
    fake.set_error("auth.test", "fatal_error")
    purge_at(services, NOW + 31 * DAY)
    assert deals(services, "T1") == ["Wait Co"] and uninstalled_at(services, "T1") == NOW
    fake.clear_error("auth.test")
    fake.revoke("T1")
    purge_at(services, NOW + 31 * DAY + timedelta(hours=1))
    assert deals(services, "T1") == []


def test_the_purge_is_scheduled(running):
    scheduler: Scheduler = running.services.scheduler
    scheduler.start()
    try:
        assert scheduler._aps.get_job("purge") is not None
    finally:
        scheduler.shutdown()  # a catch-up job in flight ends before the database goes
