"""The app installed through OAuth (many workspaces), and the installer's browser.

A test marked ``@oauth_app`` gets the real app as ``running`` (and the ``slack`` client to it)
served with ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET`` and no bot token, against the local
Slack. ``Browser.install`` plays the person who installs it:
``GET /slack/install`` (Bolt's page with the *Add to Slack* link, and the state cookie), the
approval on Slack's side (``FakeSlack.approve_install``, which returns the code), then
``GET /slack/oauth_redirect?code=…&state=…`` with the cookie, as Slack's redirect would.
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from bot.settings import Settings
from slackkit import FakeSlack
from tests.conftest import SIGNING_SECRET


def oauth_settings(fake: FakeSlack, db_url: str, **kw: object) -> Settings:
    return Settings(
        _env_file=None,
        slack_client_id=fake.oauth.client_id,
        slack_client_secret=fake.oauth.client_secret,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
        database_url=db_url,
        **kw,
    )


# ``running`` served on ``oauth_settings`` (``tests.conftest.running`` takes the builder).
oauth_app = pytest.mark.parametrize("running", [oauth_settings], indirect=True, ids=["oauth"])


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    text: str


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the test looks at each hop itself
        return None


class Browser:
    """The installer's browser, on the app's base URL; keeps the state cookie (Bolt marks
    it ``Secure``, which a browser still sends to ``localhost``)."""

    def __init__(self, base: str, fake: FakeSlack) -> None:
        self.base, self.fake = base, fake
        self.cookie: str | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())

    def get(self, path: str) -> Page:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with self._opener.open(request, timeout=30) as reply:
                status, got, body = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            status, got, body = error.code, error.headers, error.read()
        set_cookie = got.get("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return Page(status, dict(got.items()), body.decode("utf-8", errors="replace"))

    def authorize_url(self) -> str:
        """``GET /slack/install``: the *Add to Slack* link on Bolt's install page."""
        page = self.get("/slack/install")
        assert page.status == 200, page
        found = re.search(r'<a href="([^"]+)"', page.text)
        assert found, page.text
        return html.unescape(found.group(1))

    def install(
        self,
        *,
        team_id: str,
        user_id: str = "U9",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> Page:
        """The whole install: the app's page, Slack's approval, the redirect back."""
        url = self.authorize_url()
        code = self.fake.approve_install(
            url,
            team_id=team_id,
            user_id=user_id,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
        )
        state = parse_qs(urlsplit(url).query)["state"][0]
        return self.get("/slack/oauth_redirect?" + urlencode({"code": code, "state": state}))


def bearer(call) -> str:
    """The token a recorded Web API call was made with."""
    return call.headers.get("authorization", "").removeprefix("Bearer ")


def settled(check, timeout: float = 20.0) -> None:
    """Wait until ``check()`` holds: Bolt acks an event first and runs its listener after."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
