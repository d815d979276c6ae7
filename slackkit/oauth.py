"""Slack's OAuth v2 install as the local Slack plays it.

On real Slack an installer opens the app's authorize URL (``/oauth/v2/authorize?client_id=…
&scope=…&state=…``), approves, and is sent to the app's redirect URL with ``code`` and
``state``; the app then trades the code for a bot token with ``oauth.v2.access``. Here the
test plays the browser: ``FakeSlack.approve_install(authorize_url, team_id=…)`` stands for the
approval and returns the code; ``oauth.v2.access`` answers the way Slack does (client
credentials by HTTP Basic auth or form fields, one use per code, ten minutes to use it,
the redirect URL checked) with a new bot token that the fake then accepts for that
workspace, the bot user, the team, and the enterprise fields of an Enterprise Grid
workspace. The class holds no lock: ``FakeSlack`` calls it with its own lock held.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Grant", "OAuthApp"]

Json = dict[str, Any]


@dataclass
class Grant:
    """An approved install, waiting for the app to trade its code."""

    team_id: str
    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str | None
    issued: float
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    used: bool = False


class OAuthApp:
    """The app's credentials and the codes issued to it."""

    code_ttl: float = 600.0  # Slack: a code expires after ten minutes

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.grants: dict[str, Grant] = {}

    def approve(
        self,
        authorize_url: str,
        *,
        team_id: str,
        user_id: str,
        enterprise_id: str | None,
        enterprise_name: str | None,
    ) -> str:
        """The installer approves: a one-time code for the app (``ValueError`` for an
        authorize URL Slack would refuse to show)."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        if query.get("client_id") != self.client_id:
            raise ValueError(f"invalid client_id in {authorize_url!r}")
        scopes = tuple(s for s in unquote(query.get("scope", "")).split(",") if s)
        if not scopes:
            raise ValueError(f"no bot scope asked in {authorize_url!r}")
        code = f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self.grants[code] = Grant(
            team_id,
            user_id,
            scopes,
            query.get("redirect_uri"),
            time.monotonic(),
            enterprise_id,
            enterprise_name,
        )
        return code

    def credentials(self, params: Json, headers: dict[str, str]) -> tuple[str, str]:
        """``client_id`` and ``client_secret``: HTTP Basic auth, else the form fields."""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                pair = base64.b64decode(auth[6:].strip()).decode()
            except (binascii.Error, UnicodeDecodeError):
                return "", ""
            client_id, _, secret = pair.partition(":")
            return client_id, secret
        return str(params.get("client_id") or ""), str(params.get("client_secret") or "")

    def redeem(self, params: Json, headers: dict[str, str]) -> Grant | Json:
        """The grant behind ``code``, used up; or Slack's error answer."""
        client_id, secret = self.credentials(params, headers)
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        grant = self.grants.get(str(params.get("code") or ""))
        if grant is None or grant.used or time.monotonic() - grant.issued > self.code_ttl:
            return {"ok": False, "error": "invalid_code"}
        if grant.redirect_uri and params.get("redirect_uri") != grant.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        grant.used = True
        return grant


def access_answer(
    grant: Grant, *, app_id: str, token: str, bot_user_id: str, team_name: str
) -> Json:
    """``oauth.v2.access``'s answer for a bot install (no user scopes asked)."""
    enterprise = (
        {"id": grant.enterprise_id, "name": grant.enterprise_name or grant.enterprise_id}
        if grant.enterprise_id
        else None
    )
    return {
        "ok": True,
        "access_token": token,
        "token_type": "bot",
        "scope": ",".join(grant.scopes),
        "bot_user_id": bot_user_id,
        "app_id": app_id,
        "team": {"id": grant.team_id, "name": team_name},
        "enterprise": enterprise,
        "authed_user": {"id": grant.user_id},
        "is_enterprise_install": False,
    }
