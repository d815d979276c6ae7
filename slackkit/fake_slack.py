"""A fake Slack Web API on loopback: our Slack in tests.

It answers ``POST /api/<method>`` like Slack (form or JSON bodies, Bearer or ``token`` auth,
real response shapes and error codes), records every call, issues trigger ids that expire
after 3 seconds and response_urls that accept 5 posts, keeps modal stacks and Home tabs,
takes file uploads, and can be told to fail (429 + Retry-After, 5xx, or an error code), to
rate-limit a method like Slack does (``rate_limit``: e.g. 1 message a second per channel), or
to accept a call and answer it late (``answer_late``: the client times out, the post is in).

Messages keep their ``metadata``; ``conversations.history`` returns it with
``include_all_metadata`` (and caps ``limit`` at ``history_limit``, as Slack does for apps
outside the Marketplace). Files uploaded without a channel stay unshared, and a message can
show one through an image block's ``slack_file`` once the upload is complete (and
``file_processing`` seconds have passed, as Slack processes files asynchronously).

Besides the call log, it keeps what each channel shows (``conversations``: edits, deletions,
ephemerals and shared files applied), whose each open modal is, and serves uploaded files at
``url_private``: the browser playground (``slackkit.playground``) is this same fake with a
page on top, so tests and the playground exercise one Slack.
"""

from __future__ import annotations

import contextlib
import copy
import email.parser
import email.policy
import itertools
import json
import mimetypes
import secrets
import string
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_name

from .conversations import Conversations
from .forms import STATEFUL_TYPES
from .oauth import Grant, OAuthApp, access_answer

__all__ = ["Call", "FakeSlack", "Team", "User", "all_text", "block_problems", "blocks_too_long"]

APP_ID = "A1"
JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata", "unfurls"})
APP_TOKEN_METHODS = frozenset({"apps.connections.open", "apps.event.authorizations.list"})
CLIENT_ID, CLIENT_SECRET = "1000000001.2000000002", "fake-client-secret"  # the app's, for OAuth
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "response_url")
INTERACTIVE_TYPES = STATEFUL_TYPES | {"button", "overflow", "workflow_button"}
#: Slack refuses a message whose blocks hold more text than this (``msg_blocks_too_long``);
#: it is not documented as a number, about 12,000 characters in practice: counted here as the
#: characters of every text in the blocks.
MESSAGE_BLOCKS_TEXT_LIMIT = 12_000
STATUS_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}

Json = dict[str, Any]
Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Call:
    """One request the fake received (Web API method, ``response_url`` or ``upload``)."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    team_id: str
    at: float
    failed: bool = False
    response: Json | None = None


@dataclass
class Team:
    """A workspace the fake knows, with its bot token (and its Enterprise Grid, if any)."""

    id: str
    token: str
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    name: str = ""
    domain: str = ""
    enterprise_id: str | None = None
    enterprise_name: str | None = None


@dataclass
class User:
    """A workspace member, answered by ``users.info``."""

    id: str
    team_id: str = "T1"
    tz: str = "Asia/Jakarta"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    name: str = ""
    real_name: str = ""
    title: str = ""
    deleted: bool = False  # a deactivated member: users.info still answers, with deleted true

    def to_api(self, *, include_locale: bool = False) -> Json:
        """The ``user`` object of ``users.info``."""
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        profile = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "email": f"{self.name}@example.com",
            "title": self.title,
            "team": self.team_id,
        }
        user = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": _tz_label(self.tz, now),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        if include_locale:
            user["locale"] = self.locale
        return user


def _tz_label(tz: str, now: datetime) -> str:
    try:
        return get_timezone_name(now, locale="en_US")
    except (LookupError, ValueError):  # the zone unknown to Babel: the abbreviation will do
        return now.tzname() or tz


@dataclass
class _Trigger:
    issued: float
    user_id: str | None
    view_id: str | None
    used: bool = False


@dataclass
class _ResponseUrl:
    team_id: str
    channel_id: str | None
    user_id: str | None
    issued: float
    uses: int = 0
    message_ts: str | None = None  # the message an action came from (replace/delete_original)


@dataclass
class _Failure:
    status: int
    retry_after: int
    times: int
    error: str | None


@dataclass
class _Delay:
    seconds: float
    times: int | None


@dataclass
class _Upload:
    file_id: str
    filename: str
    length: int
    alt_text: str = ""
    data: bytes | None = None
    complete: Json | None = None
    completed_at: float | None = None
    team_id: str = ""
    user: str = ""  # a person's upload (a modal's file_input): served to the bot token only


@dataclass
class _Limit:
    every: float  # seconds between two calls allowed
    per: str  # "channel" or "team"


@dataclass
class _Late:
    delay: float
    times: int


_live: weakref.WeakSet[FakeSlack] = weakref.WeakSet()


def fake_for_socket_url(url: str) -> FakeSlack | None:
    """The running fake whose ``socket_url`` is ``url`` (lets the socket stub issue triggers)."""
    return next((f for f in list(_live) if f.socket_url == url), None)


class FakeSlack:
    """Slack's Web API, trigger ids, response_urls and uploads, on 127.0.0.1."""

    trigger_ttl: float = 3.0
    response_url_ttl: float = 30 * 60
    response_url_uses: int = 5
    max_view_stack: int = 3

    def __init__(
        self,
        *,
        token: str = "xoxb-test",
        team_id: str = "T1",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_token: str = "xapp-test",
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        self.team_id = team_id
        self.token = token
        self.app_tokens: set[str] = {app_token}
        self.socket_url = "ws://127.0.0.1:9/link"
        self.bot_channels: set[str] = {"C1"}
        self.channel_names: dict[str, str] = {"C1": "general"}
        self.validate_blocks = True
        self.calls: list[Call] = []
        self.teams: dict[str, Team] = {}
        self.users: dict[str, User] = {}
        self._token_teams: dict[str, list[str]] = {}
        self._revoked: set[str] = set()
        self.oauth = OAuthApp(client_id, client_secret)
        self._cond = threading.Condition(threading.RLock())
        self._ids = itertools.count(1)
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._failures: dict[str, _Failure] = {}
        self._errors: dict[str, str] = {}
        self._delays: dict[str, _Delay] = {}
        self.shared_channels: set[str] = set()  # Slack Connect: shared with another organisation
        self.rejected_acks: list[Json] = []  # command acks Slack would refuse (see after_command)
        self._messages: list[Json] = []
        self.conversations = Conversations()
        self.revision = 0  # bumped on every change: the playground's page waits on it
        self._views: dict[str, Json] = {}
        self._view_sources: dict[str, Json] = {}
        self._open_views: list[str] = []
        self._view_owners: dict[str, str | None] = {}
        self._home: dict[str, Json] = {}
        self._uploads: dict[str, _Upload] = {}
        self._limits: dict[str, _Limit] = {}
        self._last_allowed: dict[tuple[str, str], float] = {}
        self._late: dict[str, _Late] = {}
        self.history_limit = 999  # conversations.history's cap (15 outside the Marketplace)
        self.file_processing = 0.0  # seconds after an upload before slack_file may show it
        self._last_ts = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.add_team(team_id, token, bot_user_id=bot_user_id, bot_id=bot_id)
        self.add_user(bot_user_id, team_id=team_id, name="salespath", real_name="Salespath")
        self.users[bot_user_id].is_bot = True
        self.add_user("U1", team_id=team_id, name="rep.one", real_name="Rep One")
        self.add_user("U2", team_id=team_id, name="rep.two", real_name="Rep Two")
        self.add_user("UADMIN", team_id=team_id, name="admin", real_name="Ada Admin", is_admin=True)

    # --- lifecycle -----------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeSlack:
        """Bind ``port`` (0: a free one) on 127.0.0.1 and serve in a background thread."""
        if self._server is None:
            self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
            self._server.daemon_threads = True
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
            _live.add(self)
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None
        _live.discard(self)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running: call start() or use it in a with block")
        return self._server.server_address[1]

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """Pass to ``WebClient(base_url=...)``."""
        return f"{self.root_url}/api/"

    # --- setup ---------------------------------------------------------------------------

    def add_team(
        self,
        team_id: str,
        token: str,
        *,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> Team:
        """Register a workspace's bot token (the same token may serve several teams)."""
        team = Team(team_id, token, bot_user_id, bot_id, f"Team {team_id}", f"{team_id.lower()}-ws")
        team.enterprise_id, team.enterprise_name = enterprise_id, enterprise_name
        with self._cond:
            self.teams[team_id] = team
            owners = self._token_teams.setdefault(token, [])
            if team_id not in owners:
                owners.append(team_id)
        return team

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str = "T1",
        tz: str = "Asia/Jakarta",
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        name: str | None = None,
        real_name: str | None = None,
    ) -> User:
        """Add (or replace) a member; ``users.info`` will answer for it."""
        user = User(user_id, team_id, tz, locale, is_admin, is_owner)
        user.name, user.real_name = name or "", real_name or ""
        return self.put_user(user)

    def put_user(self, user: User) -> User:
        """Add (or replace) ``user`` as given; a blank name or real name is made up from its id."""
        ZoneInfo(user.tz)  # fail here, not inside a request, on a bad zone
        user.name = user.name or user.id.lower()
        user.real_name = user.real_name or f"User {user.id}"
        with self._cond:
            self.users[user.id] = user
        return user

    def set_deleted(self, user_id: str, deleted: bool = True, *, team_id: str = "T1") -> User:
        """Deactivate (or reactivate) a member, as a workspace admin does; ``users.info``
        then says ``deleted``. The app hears of it through ``user_change``
        (``SlackClient.user_change``)."""
        with self._cond:
            user = self.users.get(user_id) or User(user_id, team_id, name=user_id.lower())
            user.deleted = deleted
            self.users[user_id] = user
        return user

    def approve_install(
        self,
        authorize_url: str,
        *,
        team_id: str,
        user_id: str = "U1",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> str:
        """The installer approves the app on Slack's authorize page (the test plays the
        browser): the code the app trades with ``oauth.v2.access`` (``slackkit.oauth``)."""
        with self._cond:
            if user_id not in self.users:
                self.add_user(user_id, team_id=team_id)
            return self.oauth.approve(
                authorize_url,
                team_id=team_id,
                user_id=user_id,
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name,
            )

    def revoke(self, team_id: str) -> list[str]:
        """The workspace uninstalled the app: its bot tokens stop working (``token_revoked``).
        The tokens revoked."""
        with self._cond:
            gone = [tok for tok, teams in self._token_teams.items() if team_id in teams]
            for tok in gone:
                self._token_teams[tok].remove(team_id)
                if not self._token_teams[tok]:
                    del self._token_teams[tok]
                    self._revoked.add(tok)
            return gone

    def join_channel(self, channel_id: str, name: str | None = None) -> None:
        """Make the bot a member of ``channel_id``."""
        with self._cond:
            self.bot_channels.add(channel_id)
            self.channel_names.setdefault(channel_id, name or channel_id.lower())

    def team(self, team_id: str | None = None) -> Team:
        """A registered team, or a stand-in with a derived domain for an unknown id."""
        team_id = team_id or self.team_id
        known = self.teams.get(team_id)
        return known or Team(team_id, "", name=f"Team {team_id}", domain=f"{team_id.lower()}-ws")

    # --- trigger ids and response_urls ----------------------------------------------------

    def new_trigger_id(self, *, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger id valid for ``trigger_ttl`` seconds (3, like Slack), usable once."""
        trigger_id = f"{next(self._ids)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        with self._cond:
            self._triggers[trigger_id] = _Trigger(time.monotonic(), user_id, view_id)
        return trigger_id

    def new_response_url(
        self,
        *,
        team_id: str | None = None,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A response_url on this fake: 5 posts within 30 minutes, like Slack. With
        ``message_ts`` (an action on that message), replace_original and delete_original
        change that message in ``conversations``."""
        key = f"{next(self._ids)}{secrets.token_hex(8)}"
        with self._cond:
            self._response_urls[key] = _ResponseUrl(
                team_id or self.team_id, channel_id, user_id, time.monotonic(), 0, message_ts
            )
        return f"{self.root_url}/response/{key}"

    # --- failure injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """The next ``times`` calls to ``method`` answer ``status`` (429: with Retry-After)."""
        with self._cond:
            self._failures[method] = _Failure(status, retry_after, times, error)

    def set_error(self, method: str, error: str | None) -> None:
        """``method`` answers ``{"ok": false, "error": error}`` until cleared (``None``)."""
        with self._cond:
            if error is None:
                self._errors.pop(method, None)
            else:
                self._errors[method] = error

    def clear_error(self, method: str) -> None:
        self.set_error(method, None)

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        """The next ``times`` calls to ``method`` (every call when ``None``) wait ``seconds``
        before Slack answers them (a slow Slack); ``seconds=0`` stops it. ``"response_url"``
        slows posts to response_urls."""
        with self._cond:
            if seconds <= 0:
                self._delays.pop(method, None)
            else:
                self._delays[method] = _Delay(seconds, times)

    def _take_delay(self, method: str) -> float:
        with self._cond:
            delay = self._delays.get(method)
            if delay is None:
                return 0.0
            if delay.times is not None:
                delay.times -= 1
                if delay.times <= 0:
                    del self._delays[method]
            return delay.seconds

    def share_channel(self, channel_id: str) -> None:
        """Make ``channel_id`` a Slack Connect channel (``is_ext_shared``: shared with
        another organisation)."""
        with self._cond:
            self.shared_channels.add(channel_id)

    def stop_failing(self, method: str) -> None:
        """Drop a failure armed with ``fail_next`` and an error set with ``set_error``."""
        with self._cond:
            self._failures.pop(method, None)
            self._errors.pop(method, None)

    def rate_limit(self, method: str, every: float | None, *, per: str = "channel") -> None:
        """Allow one call to ``method`` every ``every`` seconds per channel (``per="channel"``,
        like chat.postMessage's 1 message a second) or per workspace (``per="team"``, like
        conversations.history's 1 a minute for apps outside the Marketplace); a call too soon
        answers 429 with the seconds left in Retry-After. ``None`` lifts the limit."""
        with self._cond:
            if every is None:
                self._limits.pop(method, None)
            else:
                self._limits[method] = _Limit(float(every), per)

    def answer_late(self, method: str, delay: float, *, times: int = 1) -> None:
        """The next ``times`` calls to ``method`` are carried out at once (a message is
        posted) but answered only after ``delay`` seconds — by then the client has given up."""
        with self._cond:
            self._late[method] = _Late(float(delay), times)

    # --- inspection -----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def last(self, method: str, *, timeout: float = 2.0) -> Call:
        """The latest call to ``method``, waiting up to ``timeout`` s for a first one (apps
        often call Slack just after their ack)."""
        try:
            return self.wait_for(method, timeout=timeout)[-1]
        except AssertionError:
            raise AssertionError(f"no call to {method}; calls: {self._methods_seen()}") from None

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls to ``method``; return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} call(s) to {method}, got {len(found)}; "
                        f"calls: {self._methods_seen()}"
                    )
                self._cond.wait(left)

    def clear(self) -> None:
        """Forget recorded calls and messages (state like views and users stays)."""
        with self._cond:
            self.calls.clear()
            self._messages.clear()
            self.conversations.clear()
            self.changed()

    def responses(self) -> list[Json]:
        """Bodies posted to response_urls, in order."""
        return [c.params for c in self.calls_to("response_url") if not c.failed]

    def messages(self, channel: str | None = None) -> list[Json]:
        """Messages posted (postMessage, postEphemeral, response_url), normalised, in order."""
        with self._cond:
            found = list(self._messages)
        return [m for m in found if channel is None or m["channel"] == channel]

    def home_view(self, user_id: str) -> Json | None:
        """The Home tab last published for ``user_id``."""
        with self._cond:
            view = self._home.get(user_id)
            return copy.deepcopy(view) if view else None

    def open_views(self, user_id: str | None = None) -> list[Json]:
        """Modals currently open (only ``user_id``'s when given), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(self._views[v])
                for v in self._open_views
                if user_id is None or self._view_owners.get(v) == user_id
            ]

    def uploaded_file(self, file_id: str) -> tuple[str, bytes] | None:
        """``(filename, bytes)`` of a completed upload, or ``None``."""
        with self._cond:
            upload = self._uploads.get(file_id)
            if upload is None or upload.data is None:
                return None
            return upload.filename, upload.data

    def add_user_file(
        self, user_id: str, filename: str, data: bytes, *, team_id: str = "T1"
    ) -> Json:
        """A file a person uploaded through a modal's ``file_input``: ``files.info`` answers
        for it, and its ``url_private_download`` serves the bytes to the workspace's bot
        token. Returns the file object Slack puts in the element's state."""
        with self._cond:
            file_id = f"F{next(self._ids):08d}"
            upload = _Upload(file_id, filename, len(data), data=data, team_id=team_id)
            upload.user, upload.completed_at = user_id, time.monotonic()
            self._uploads[file_id] = upload
            return self._file_object(upload)

    def _file_object(self, upload: _Upload) -> Json:
        extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        return {
            "id": upload.file_id,
            "name": upload.filename,
            "title": upload.filename,
            "filetype": extension,
            "mimetype": mimetypes.guess_type(upload.filename)[0] or "application/octet-stream",
            "size": len(upload.data or b""),
            "user": upload.user,
            "url_private": f"{self.root_url}/files/{upload.file_id}",
            "url_private_download": f"{self.root_url}/files/{upload.file_id}/download",
        }

    def uploaded_files(self) -> list[tuple[str, str, bytes | None, Json | None]]:
        """``(file_id, filename, bytes, completeUploadExternal params)`` per upload URL."""
        with self._cond:
            return [(u.file_id, u.filename, u.data, u.complete) for u in self._uploads.values()]

    def find_view(self, view: Mapping[str, Any]) -> Json:
        """The view as Slack holds it (id, hash, ...) for a view dict the app sent.

        Matches by ``id``, ``view_id`` or by content (latest first); a view the fake never
        saw is materialised without being registered.
        """
        with self._cond:
            for key in (view.get("id"), view.get("view_id")):
                if key in self._views:
                    return copy.deepcopy(self._views[key])
            ordered = self._open_views[::-1] + [v for v in reversed(self._views)]
            for view_id in ordered:
                if self._view_sources.get(view_id) == view:
                    return copy.deepcopy(self._views[view_id])
        team = self.team()
        return self._materialize(dict(view), team, f"V{next(self._ids):08d}", None, None)

    def after_view_submission(self, view_id: str, ack: Any) -> None:
        """Apply the app's answer to a view_submission to the modal stack, like Slack."""
        action = ack.get("response_action") if isinstance(ack, dict) else None
        with self._cond:
            stored = self._views.get(view_id)
            if stored is None or action == "errors":
                return
            if action == "update" and isinstance(ack.get("view"), dict):
                self._replace_view(view_id, ack["view"])
            elif action == "push" and isinstance(ack.get("view"), dict):
                team = self.team(stored.get("team_id"))
                owner = self._view_owners.get(view_id)
                self._add_view(ack["view"], team, stored["root_view_id"], view_id, owner)
            elif action == "clear":
                self._close(stored["root_view_id"], whole_stack=True)
            else:
                self._close(view_id)
            self.changed()

    def close_view(self, view_id: str, *, whole_stack: bool = False) -> None:
        """The user closed a modal (``view_closed``); ``whole_stack`` closes the views under it."""
        with self._cond:
            self._close(view_id, whole_stack=whole_stack)
            self.changed()

    def after_command(self, channel_id: str, user_id: str, command: str, ack: Any) -> None:
        """Show the app's answer to a slash command like Slack: an ephemeral reply for the
        user, or (``response_type: in_channel``) the command and the reply for everyone."""
        if not isinstance(ack, dict) or not (ack.get("text") or ack.get("blocks")):
            return
        blocks = ack.get("blocks")
        refused = blocks is not None and (block_problems(blocks) or blocks_too_long(blocks))
        if self.validate_blocks and refused:
            with self._cond:  # Slack shows the user an error instead of the answer
                self.rejected_acks.append(ack)
                self.changed()
            return
        with self._cond:
            visible_to = None if ack.get("response_type") == "in_channel" else user_id
            if visible_to is None:
                self.add_message(channel_id, user_id, command)
            team = self.team(self.users[user_id].team_id if user_id in self.users else None)
            message = self._bot_message(ack, team, self._new_ts())
            self.conversations.add(channel_id, message, visible_to=visible_to)
            self.changed()

    def add_message(
        self, channel_id: str, user_id: str, text: str, *, visible_to: str | None = None
    ) -> Json:
        """A message from a person (typed in the playground, or a note from Slackbot) lands
        in the channel; ``visible_to`` makes it ephemeral. ``text`` is as Slack stores it."""
        with self._cond:
            message = {"type": "message", "user": user_id, "text": text, "ts": self._new_ts()}
            self.conversations.add(channel_id, message, visible_to=visible_to)
            self.changed()
            return message

    def changed(self) -> None:
        """Something visible changed: bump ``revision`` and wake whoever waits on it."""
        with self._cond:
            self.revision += 1
            self._cond.notify_all()

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until ``revision`` passes ``since`` (or ``timeout``); return it."""
        with self._cond:
            self._cond.wait_for(lambda: self.revision > since, timeout=timeout)
            return self.revision

    # --- request handling -----------------------------------------------------------------

    def _methods_seen(self) -> list[str]:
        return [c.method for c in self.calls]

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self.changed()

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            failure = self._failures.get(method)
            if failure is None:
                return None
            failure.times -= 1
            if failure.times <= 0:
                del self._failures[method]
            return failure

    def _failure_reply(self, failure: _Failure) -> Reply:
        if failure.status == 429:
            body = {"ok": False, "error": failure.error or "ratelimited"}
            headers = {"Retry-After": str(failure.retry_after)}
            return _json(body, status=429, headers=headers)
        if failure.status >= 500:
            text = failure.error or STATUS_TEXT.get(failure.status, "Server Error")
            return failure.status, {"Content-Type": "text/plain"}, text.encode()
        return _json({"ok": False, "error": failure.error or "fatal_error"}, status=failure.status)

    def _team_for(self, token: str | None, params: Mapping[str, Any]) -> str:
        teams = self._token_teams.get(token or "", [])
        if len(teams) == 1:
            return teams[0]
        if not teams:
            return self.team_id
        hints = [params.get("team_id")]
        for key in ("user", "user_id", "users", "channel"):
            value = str(params.get(key) or "").split(",")[0]
            user = self.users.get(value[1:] if value.startswith("D") else value)
            hints.append(user.team_id if user else None)
        return next((h for h in hints if h in teams), teams[0])

    def handle_api(self, method: str, params: Json, headers: dict[str, str]) -> Reply:
        """Answer one Web API call (used by the HTTP handler)."""
        if method == "oauth.v2.access":  # client credentials, not a token
            return self._oauth_access(params, headers)
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        token = token or params.pop("token", None)
        params.pop("token", None)
        with self._cond:
            team_id = self._team_for(token, params)
        call = Call(method, params, headers, team_id, time.time())
        pause = self._take_delay(method)
        if pause:
            time.sleep(pause)  # outside the lock: other calls go on meanwhile
        failure = self._take_failure(method) or self._over_limit(method, params, team_id)
        if failure is not None:
            call.failed = True
            self._record(call)
            return self._failure_reply(failure)
        body = self._answer(method, token, call)
        call.response = body
        self._record(call)
        late = self._take_late(method)
        if late:
            time.sleep(late)  # this request's own thread: the work is done, the answer waits
        return _json(body)

    def _over_limit(self, method: str, params: Json, team_id: str) -> _Failure | None:
        """A 429 when ``method`` is called again sooner than its rate limit allows."""
        with self._cond:
            limit = self._limits.get(method)
            if limit is None:
                return None
            key = (method, str(params.get("channel") or "") if limit.per == "channel" else team_id)
            now = time.monotonic()
            last = self._last_allowed.get(key)
            if last is not None and now - last < limit.every:
                wait = limit.every - (now - last)
                return _Failure(429, max(1, int(-(-wait // 1))), 1, None)
            self._last_allowed[key] = now
            return None

    def _take_late(self, method: str) -> float:
        with self._cond:
            late = self._late.get(method)
            if late is None:
                return 0.0
            late.times -= 1
            if late.times <= 0:
                del self._late[method]
            return late.delay

    def _answer(self, method: str, token: str | None, call: Call) -> Json:
        with self._cond:
            error = self._errors.get(method)
        if error:
            return {"ok": False, "error": error}
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token in self._revoked:
            return {"ok": False, "error": "token_revoked"}
        if token in self.app_tokens:
            if method not in APP_TOKEN_METHODS:
                return {"ok": False, "error": "not_allowed_token_type"}
        elif token not in self._token_teams:
            return {"ok": False, "error": "invalid_auth"}
        elif method in APP_TOKEN_METHODS:
            return {"ok": False, "error": "not_allowed_token_type"}
        handler = self._handlers().get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        with self._cond:
            return handler(call.params, self.team(call.team_id))

    def _handlers(self) -> dict[str, Callable[[Json, Team], Json]]:
        return {
            "api.test": lambda p, t: {"ok": True, "args": p},
            "auth.test": self._auth_test,
            "apps.connections.open": lambda p, t: {"ok": True, "url": self.socket_url},
            "team.info": self._team_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.join": self._conversations_join,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._permalink,
            "chat.scheduleMessage": self._schedule_message,
            "reactions.add": lambda p, t: {"ok": True},
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._files_info,
            "users.lookupByEmail": self._lookup_by_email,
        }

    def _oauth_access(self, params: Json, headers: dict[str, str]) -> Reply:
        """``oauth.v2.access``: trade an approved install's code for a new bot token, which
        from then on speaks for that workspace."""
        with self._cond:
            redeemed = self.oauth.redeem(params, headers)
            team_id = redeemed.team_id if isinstance(redeemed, Grant) else self.team_id
        call = Call("oauth.v2.access", params, headers, team_id, time.time())
        failure = self._take_failure(call.method)
        if failure is not None:
            call.failed = True
            self._record(call)
            return self._failure_reply(failure)
        with self._cond:
            body = redeemed if isinstance(redeemed, dict) else self._install(redeemed)
        call.response = body
        self._record(call)
        return _json(body)

    def _install(self, grant: Grant) -> Json:
        n = next(self._ids)
        token = f"xoxb-{grant.team_id}-{n}-{secrets.token_hex(12)}"
        team = self.add_team(
            grant.team_id,
            token,
            bot_user_id=f"UB{grant.team_id}",
            bot_id=f"BB{grant.team_id}",
            enterprise_id=grant.enterprise_id,
            enterprise_name=grant.enterprise_name,
        )
        if team.bot_user_id not in self.users:
            self.add_user(team.bot_user_id, team_id=team.id, name="salespath")
            self.users[team.bot_user_id].is_bot = True
        return access_answer(
            grant, app_id=APP_ID, token=token, bot_user_id=team.bot_user_id, team_name=team.name
        )

    # --- Web API methods (called with the lock held) --------------------------------------

    def _auth_test(self, p: Json, team: Team) -> Json:
        answer = {
            "ok": True,
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "salespath",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }
        if team.enterprise_id:
            answer["enterprise_id"] = team.enterprise_id
        return answer

    def _team_info(self, p: Json, team: Team) -> Json:
        info = {"id": team.id, "name": team.name, "domain": team.domain, "email_domain": ""}
        return {"ok": True, "team": info}

    def _users_info(self, p: Json, team: Team) -> Json:
        user = self.users.get(str(p.get("user") or ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.to_api(include_locale=_truthy(p.get("include_locale")))}

    def _lookup_by_email(self, p: Json, team: Team) -> Json:
        email = str(p.get("email") or "").strip().lower()
        for user in self.users.values():
            found = user.to_api()
            if user.team_id == team.id and found["profile"]["email"].lower() == email:
                return {"ok": True, "user": found}
        return {"ok": False, "error": "users_not_found"}

    def _users_list(self, p: Json, team: Team) -> Json:
        members = [
            u.to_api(include_locale=_truthy(p.get("include_locale"))) for u in self.users.values()
        ]
        members = [m for m in members if m["team_id"] == team.id]
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_open(self, p: Json, team: Team) -> Json:
        if p.get("channel"):
            return {"ok": True, "channel": {"id": p["channel"]}}
        users = [u for u in str(p.get("users") or "").split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if any(u not in self.users for u in users):
            return {"ok": False, "error": "user_not_found"}
        channel_id = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(users))[:10]
        channel: Json = {"id": channel_id}
        if _truthy(p.get("return_im")):
            channel.update({"is_im": len(users) == 1, "user": users[0], "is_open": True})
        return {"ok": True, "channel": channel, "no_op": False, "already_open": False}

    def _channel_info(self, channel_id: str) -> Json | None:
        if channel_id.startswith("D"):
            return {"id": channel_id, "is_im": True, "user": channel_id[1:], "is_open": True}
        if channel_id[:1] not in {"C", "G"}:
            return None
        return {
            "id": channel_id,
            "name": self.channel_names.get(channel_id, channel_id.lower()),
            "is_channel": channel_id.startswith("C"),
            "is_group": False,
            "is_im": False,
            "is_private": channel_id.startswith("G"),
            "is_archived": False,
            "is_member": channel_id in self.bot_channels,
            "is_ext_shared": channel_id in self.shared_channels,
            "is_shared": channel_id in self.shared_channels,
        }

    def _conversations_info(self, p: Json, team: Team) -> Json:
        info = self._channel_info(str(p.get("channel") or ""))
        if info is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": info}

    def _conversations_join(self, p: Json, team: Team) -> Json:
        info = self._channel_info(str(p.get("channel") or ""))
        if info is None or info["is_im"]:
            return {"ok": False, "error": "channel_not_found"}
        self.join_channel(info["id"])
        return {"ok": True, "channel": self._channel_info(info["id"])}

    def _conversations_members(self, p: Json, team: Team) -> Json:
        if self._channel_info(str(p.get("channel") or "")) is None:
            return {"ok": False, "error": "channel_not_found"}
        members = [u.id for u in self.users.values() if u.team_id == team.id]
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_history(self, p: Json, team: Team) -> Json:
        """A channel's messages, newest first, between ``oldest`` and ``latest`` (exclusive
        unless ``inclusive``), ``limit`` at a time (capped at ``history_limit``) with a cursor;
        ``metadata`` only with ``include_all_metadata``. Ephemeral messages are not history."""
        channel = str(p.get("channel") or "")
        if self._channel_info(channel) is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel[:1] in {"C", "G"} and channel not in self.bot_channels:
            return {"ok": False, "error": "not_in_channel"}
        try:
            oldest = float(p.get("oldest") or 0)
            latest = float(p.get("latest") or "inf")
            limit = max(1, min(int(p.get("limit") or 100), self.history_limit))
            offset = int(str(p.get("cursor") or "0").removeprefix("bmV4dF90czo"))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        inclusive = _truthy(p.get("inclusive"))

        def within(ts: float) -> bool:
            return (oldest <= ts <= latest) if inclusive else (oldest < ts < latest)

        found = [
            posted.message
            for posted in reversed(self.conversations.visible(channel))
            if within(float(posted.ts or 0))
        ]
        page = found[offset : offset + limit]
        if not _truthy(p.get("include_all_metadata")):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = offset + limit < len(found)
        cursor = f"bmV4dF90czo{offset + limit}" if more else ""
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _target_channel(self, raw: Any) -> tuple[str | None, str | None]:
        """(channel id, error) for a chat.* ``channel`` argument."""
        channel = str(raw or "")
        if not channel:
            return None, "channel_not_found"
        if channel[:1] in {"U", "W"}:
            return "D" + channel, None
        if channel.startswith("D"):
            return channel, None
        if channel[:1] in {"C", "G"}:
            if channel not in self.bot_channels:
                return None, "not_in_channel"
            return channel, None
        return None, "channel_not_found"

    def _content_error(self, p: Json, *, limit: int = 50) -> Json | None:
        if not (p.get("text") or p.get("blocks") or p.get("attachments")):
            return {"ok": False, "error": "no_text"}
        if self.validate_blocks and p.get("blocks") is not None:
            problems = block_problems(p["blocks"], limit=limit) or self._file_problems(p["blocks"])
            if problems:
                meta = {"messages": problems}
                return {"ok": False, "error": "invalid_blocks", "response_metadata": meta}
            if blocks_too_long(p["blocks"]):
                return {"ok": False, "error": "msg_blocks_too_long"}
        return None

    def _checked_post(self, p: Json) -> tuple[str, Json | None]:
        """``chat.postMessage``/``chat.update``: the channel to write in, or the error answer
        for a channel the bot can't write in or for content Slack refuses."""
        channel, error = self._target_channel(p.get("channel"))
        if error or channel is None:
            return "", {"ok": False, "error": error}
        return channel, self._content_error(p)

    def _file_problems(self, blocks: Any) -> list[str]:
        """Image blocks showing an uploaded file (``slack_file``): the file must exist, be
        completed, and be processed (``file_processing`` seconds after its upload)."""
        problems = []
        for i, block in enumerate(blocks if isinstance(blocks, list) else []):
            if not isinstance(block, dict) or block.get("type") != "image":
                continue
            slack_file = block.get("slack_file")
            if bool(block.get("image_url")) == bool(slack_file):
                problems.append(
                    f"[ERROR] must provide exactly one of image_url or slack_file "
                    f"[json-pointer:/blocks/{i}]"
                )
                continue
            if not slack_file or slack_file.get("url"):
                continue
            upload = self._uploads.get(str(slack_file.get("id") or ""))
            ready = (
                upload is not None
                and upload.completed_at is not None
                and time.monotonic() - upload.completed_at >= self.file_processing
            )
            if not ready:
                problems.append(f"[ERROR] invalid slack file [json-pointer:/blocks/{i}/slack_file]")
        return problems

    def _new_ts(self) -> str:
        now = max(time.time(), self._last_ts + 0.000001)
        self._last_ts = now
        return f"{now:.6f}"

    def _bot_message(self, p: Json, team: Team, ts: str) -> Json:
        message = {
            "type": "message",
            "subtype": "bot_message",
            "text": p.get("text") or "",
            "user": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": APP_ID,
            "team": team.id,
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if p.get(key) is not None:
                message[key] = p[key]
        return message

    def _remember(self, method: str, channel: str | None, p: Json, **extra: Any) -> None:
        entry = {
            "method": method,
            "channel": channel,
            "text": p.get("text") or "",
            "blocks": p.get("blocks") or [],
            "ephemeral": False,
            **extra,
            "params": p,
        }
        self._messages.append(entry)

    def _post_message(self, p: Json, team: Team) -> Json:
        channel, refused = self._checked_post(p)
        if refused:
            return refused
        ts = self._new_ts()
        message = self._bot_message(p, team, ts)
        self._remember("chat.postMessage", channel, p, ts=ts, thread_ts=p.get("thread_ts"))
        self.conversations.add(channel, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _post_ephemeral(self, p: Json, team: Team) -> Json:
        channel, error = self._target_channel(p.get("channel"))
        if error:
            return {"ok": False, "error": error}
        if not p.get("user"):
            return {"ok": False, "error": "user_not_found"}
        problem = self._content_error(p)
        if problem:
            return problem
        ts = self._new_ts()
        self._remember("chat.postEphemeral", channel, p, ephemeral=True, user=p["user"], ts=ts)
        shown = self._bot_message(p, team, ts)
        self.conversations.add(channel, shown, visible_to=str(p["user"]))
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, p: Json, team: Team) -> Json:
        if not p.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        channel, refused = self._checked_post(p)
        if refused:
            return refused
        message = self._bot_message(p, team, str(p["ts"]))
        self.conversations.replace(channel, str(p["ts"]), message)
        return {
            "ok": True,
            "channel": channel,
            "ts": p["ts"],
            "text": message["text"],
            "message": message,
        }

    def _chat_delete(self, p: Json, team: Team) -> Json:
        if not p.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        self.conversations.delete(str(p.get("channel") or ""), str(p["ts"]))
        return {"ok": True, "channel": p.get("channel"), "ts": p["ts"]}

    def _permalink(self, p: Json, team: Team) -> Json:
        ts = str(p.get("message_ts") or "").replace(".", "")
        url = f"https://{team.domain}.slack.com/archives/{p.get('channel')}/p{ts}"
        return {"ok": True, "channel": p.get("channel"), "permalink": url}

    def _schedule_message(self, p: Json, team: Team) -> Json:
        channel, error = self._target_channel(p.get("channel"))
        if error:
            return {"ok": False, "error": error}
        try:
            post_at = int(p.get("post_at") or 0)
        except (TypeError, ValueError):
            return {"ok": False, "error": "invalid_time"}
        if post_at <= time.time():
            return {"ok": False, "error": "time_in_past"}
        problem = self._content_error(p)
        if problem:
            return problem
        sid = f"Q{next(self._ids):08d}"
        return {"ok": True, "channel": channel, "scheduled_message_id": sid, "post_at": post_at}

    # --- views ----------------------------------------------------------------------------

    def _check_trigger(self, trigger_id: Any) -> tuple[_Trigger | None, str | None]:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            return None, "invalid_trigger_id"
        if trigger.used:
            return None, "exchanged_trigger_id"
        if time.monotonic() - trigger.issued > self.trigger_ttl:
            return None, "expired_trigger_id"
        return trigger, None

    def _use_trigger(self, p: Json) -> tuple[_Trigger | None, Json]:
        """``views.open``/``views.push``: the call's trigger, now used up, or (``None``) the
        error answer for a bad trigger or a bad view (the trigger then stays unused)."""
        trigger, error = self._check_trigger(p.get("trigger_id"))
        if error or trigger is None:
            return None, {"ok": False, "error": error}
        problem = self._view_error(p.get("view"))
        if problem:
            return None, problem
        trigger.used = True
        return trigger, {}

    def _view_error(self, view: Any, *, kind: str = "modal") -> Json | None:
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if not self.validate_blocks:
            return None
        problems = view_problems(view, kind=kind)
        if problems:
            meta = {"messages": problems}
            return {"ok": False, "error": "invalid_arguments", "response_metadata": meta}
        return None

    def _materialize(
        self, view: Json, team: Team, view_id: str, root: str | None, previous: str | None
    ) -> Json:
        shaped = copy.deepcopy(view)
        _fill_ids(shaped.get("blocks") or [])
        stored: Json = {
            "id": view_id,
            "team_id": team.id,
            "type": shaped.get("type", "modal"),
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": None,
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        stored.update({k: v for k, v in shaped.items() if k not in {"id", "hash", "state"}})
        return stored

    def _add_view(
        self, view: Json, team: Team, root: str | None, previous: str | None, owner: str | None
    ) -> Json:
        view_id = f"V{next(self._ids):08d}"
        stored = self._materialize(view, team, view_id, root, previous)
        self._views[view_id] = stored
        self._view_sources[view_id] = copy.deepcopy(view)
        self._view_owners[view_id] = owner
        self._open_views.append(view_id)
        return stored

    def _replace_view(self, view_id: str, view: Json) -> Json:
        old = self._views[view_id]
        team = self.team(old["team_id"])
        stored = self._materialize(
            view, team, view_id, old["root_view_id"], old["previous_view_id"]
        )
        if not view.get("external_id"):
            stored["external_id"] = old.get("external_id", "")
        self._views[view_id] = stored
        self._view_sources[view_id] = copy.deepcopy(view)
        return stored

    def _close(self, view_id: str, *, whole_stack: bool = False) -> None:
        root = self._views.get(view_id, {}).get("root_view_id", view_id)
        self._open_views = [
            v
            for v in self._open_views
            if v != view_id and not (whole_stack and self._views[v]["root_view_id"] == root)
        ]

    def _views_open(self, p: Json, team: Team) -> Json:
        trigger, refused = self._use_trigger(p)
        if trigger is None:
            return refused
        view = self._add_view(p["view"], team, None, None, trigger.user_id)
        return {"ok": True, "view": copy.deepcopy(view)}

    def _views_push(self, p: Json, team: Team) -> Json:
        trigger, refused = self._use_trigger(p)
        if trigger is None:
            return refused
        below = trigger.view_id if trigger.view_id in self._open_views else None
        if below is None and self._open_views:
            below = self._open_views[-1]
        if below is None:
            view = self._add_view(p["view"], team, None, None, trigger.user_id)
            return {"ok": True, "view": copy.deepcopy(view)}
        root = self._views[below]["root_view_id"]
        depth = sum(1 for v in self._open_views if self._views[v]["root_view_id"] == root)
        if depth >= self.max_view_stack:
            return {"ok": False, "error": "push_limit_reached"}
        view = self._add_view(p["view"], team, root, below, trigger.user_id)
        return {"ok": True, "view": copy.deepcopy(view)}

    def _views_update(self, p: Json, team: Team) -> Json:
        view_id = p.get("view_id")
        if not view_id and p.get("external_id"):
            view_id = next(
                (
                    v
                    for v in reversed(self._open_views)
                    if self._views[v].get("external_id") == p["external_id"]
                ),
                None,
            )
        elif not view_id:
            return {"ok": False, "error": "invalid_arguments"}
        if view_id not in self._open_views:
            return {"ok": False, "error": "not_found"}
        if p.get("hash") and p["hash"] != self._views[view_id]["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        problem = self._view_error(p.get("view"))
        if problem:
            return problem
        return {"ok": True, "view": copy.deepcopy(self._replace_view(view_id, p["view"]))}

    def _views_publish(self, p: Json, team: Team) -> Json:
        user_id = str(p.get("user_id") or "")
        if user_id not in self.users:
            return {"ok": False, "error": "user_not_found"}
        problem = self._view_error(p.get("view"), kind="home")
        if problem:
            return problem
        old = self._home.get(user_id)
        if old and p.get("hash") and p["hash"] != old["hash"]:
            return {"ok": False, "error": "hash_conflict"}
        view_id = old["id"] if old else f"V{next(self._ids):08d}"
        stored = self._materialize(p["view"], team, view_id, None, None)
        self._home[user_id] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    # --- files ----------------------------------------------------------------------------

    def _upload_url(self, p: Json, team: Team) -> Json:
        filename = p.get("filename")
        try:
            length = int(p.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        alt_text = str(p.get("alt_txt") or p.get("alt_text") or "")
        self._uploads[file_id] = _Upload(file_id, str(filename), length, alt_text)
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, p: Json, team: Team) -> Json:
        files = p.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        channel = p.get("channel_id")
        if channel:
            _, error = self._target_channel(channel)
            if error:
                return {"ok": False, "error": error}
        uploads = [self._uploads.get(str(f.get("id"))) for f in files]
        if any(u is None or u.data is None for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        done = []
        for entry, upload in zip(files, uploads, strict=True):
            assert upload is not None and upload.data is not None
            upload.complete = p
            upload.completed_at = time.monotonic()
            upload.team_id = team.id
            done.append(
                {
                    "id": upload.file_id,
                    "name": upload.filename,
                    "title": entry.get("title") or upload.filename,
                    "size": len(upload.data),
                    "mimetype": mimetypes.guess_type(upload.filename)[0] or "",
                    "alt_txt": upload.alt_text,
                    "user": team.bot_user_id,
                    "permalink": f"https://{team.domain}.slack.com/files/{upload.file_id}",
                    "url_private": f"{self.root_url}/files/{upload.file_id}",
                    "channels": [channel] if channel else [],
                }
            )
        if channel:
            self._share_files(str(channel), p, team, done)
        return {"ok": True, "files": done}

    def _share_files(self, channel: str, p: Json, team: Team, files: list[Json]) -> None:
        """Files completed into a channel show there as a message from the app."""
        target, _ = self._target_channel(channel)
        comment = {"text": p.get("initial_comment") or ""}
        message = {**self._bot_message(comment, team, self._new_ts()), "files": files}
        self.conversations.add(target or channel, message)

    def handle_upload(self, file_id: str, data: bytes, headers: dict[str, str]) -> Reply:
        """Bytes posted to an upload_url."""
        with self._cond:
            upload = self._uploads.get(file_id)
        call = Call("upload", {"file_id": file_id, "size": len(data)}, headers, "", time.time())
        failure = self._take_failure("upload")
        if failure is not None:
            call.failed = True
            self._record(call)
            return self._failure_reply(failure)
        self._record(call)
        if upload is None:
            return 404, {"Content-Type": "text/plain"}, b"file_not_found"
        with self._cond:
            upload.data = _file_part(data, headers.get("content-type", ""))
        return 200, {"Content-Type": "text/plain"}, f"OK - {len(upload.data)}".encode()

    def _files_info(self, p: Json, team: Team) -> Json:
        upload = self._uploads.get(str(p.get("file") or ""))
        if upload is None or upload.data is None or upload.team_id not in ("", team.id):
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self._file_object(upload)}

    def serve_file(self, path: str, headers: Mapping[str, str] | None = None) -> Reply:
        """An uploaded file's bytes at its ``url_private`` (so an image shows in a browser);
        a person's upload only to its workspace's bot token (``Authorization: Bearer``)."""
        file_id = path.split("/", 1)[0]
        found = self.uploaded_file(file_id)
        if found is None:
            return 404, {"Content-Type": "text/plain"}, b"file_not_found"
        with self._cond:
            upload = self._uploads[file_id]
            token = self.team(upload.team_id).token if upload.user else None
        auth = {k.lower(): v for k, v in (headers or {}).items()}.get("authorization", "")
        if token is not None and auth != f"Bearer {token}":
            return 403, {"Content-Type": "text/plain"}, b"not_authed"
        if upload.user:
            call = Call("file_download", {"file_id": file_id}, dict(headers or {}), "", time.time())
            self._record(call)
        filename, data = found
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return 200, {"Content-Type": kind, "Cache-Control": "max-age=3600"}, data

    def route_other(self, verb: str, path: str, query: str, body: bytes) -> Reply:
        """Requests outside Slack's own paths: none here (the playground serves its page)."""
        return 404, {"Content-Type": "text/plain"}, b"not found"

    # --- response_url ---------------------------------------------------------------------

    def handle_response_url(self, key: str, body: Json, headers: dict[str, str]) -> Reply:
        """A post to a response_url: recorded, then answered like Slack."""
        with self._cond:
            target = self._response_urls.get(key)
        team_id = target.team_id if target else ""
        call = Call("response_url", body, headers, team_id, time.time())
        pause = self._take_delay("response_url")
        if pause:
            time.sleep(pause)
        failure = self._take_failure("response_url")
        if failure is not None:
            call.failed = True
            self._record(call)
            return self._failure_reply(failure)
        status, text = self._response_url_status(target, body)
        with self._cond:
            if status == 200 and target is not None:
                target.uses += 1
                ephemeral = body.get("response_type") != "in_channel"
                extra = {
                    key: body[key]
                    for key in ("replace_original", "delete_original", "response_type")
                    if key in body
                }
                extra["user"] = target.user_id
                self._remember(
                    "response_url", target.channel_id, body, ephemeral=ephemeral, **extra
                )
                self._show_response(target, body)
            self._record(call)
        return status, {"Content-Type": "text/html"}, text.encode()

    def _show_response(self, target: _ResponseUrl, body: Json) -> None:
        """Apply a response_url post to ``conversations`` like Slack: after an action on a
        message it replaces that message unless ``replace_original`` is false (Slack's
        default), ``delete_original`` removes it; otherwise it is a new message, ephemeral
        unless ``response_type`` is in_channel."""
        channel, source = target.channel_id, target.message_ts
        if channel is None:
            return
        if _truthy(body.get("delete_original")):
            self.conversations.delete(channel, source)
            return
        team = self.team(target.team_id)
        replace = source is not None and body.get("replace_original") not in (False, "false")
        if replace and self.conversations.replace(channel, source, body):
            return
        visible_to = None if body.get("response_type") == "in_channel" else target.user_id
        message = self._bot_message(body, team, self._new_ts())
        self.conversations.add(channel, message, visible_to=visible_to)

    def _response_url_status(self, target: _ResponseUrl | None, body: Json) -> tuple[int, str]:
        if target is None or time.monotonic() - target.issued > self.response_url_ttl:
            return 404, "expired_url"
        if target.uses >= self.response_url_uses:
            return 404, "used_url"
        if body.get("delete_original"):
            return 200, "ok"
        if not (body.get("text") or body.get("blocks") or body.get("attachments")):
            return 400, "no_text"
        blocks = body.get("blocks")
        if self.validate_blocks and blocks is not None and block_problems(blocks, limit=50):
            return 400, "invalid_blocks"
        if self.validate_blocks and blocks is not None and blocks_too_long(blocks):
            return 400, "msg_blocks_too_long"
        return 200, "ok"


# --- HTTP plumbing ------------------------------------------------------------------------


def _json(body: Json, *, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    out = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return status, out, json.dumps(body).encode()


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}


def _decode_json_params(params: Json) -> Json:
    for key in JSON_PARAMS & params.keys():
        value = params[key]
        if isinstance(value, str) and value[:1] in {"[", "{"}:
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def parse_params(query: str, content_type: str, body: bytes) -> Json:
    """Web API arguments from the query string and a form, JSON or multipart body."""
    params: Json = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        loaded = json.loads(body.decode("utf-8"))
        if isinstance(loaded, dict):
            params.update(loaded)
    elif kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True) or b""
                is_file = part.get_filename() is not None
                params[str(name)] = payload if is_file else payload.decode("utf-8")
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return _decode_json_params(params)


def _file_part(data: bytes, content_type: str) -> bytes:
    if not content_type.lower().startswith("multipart/form-data"):
        return data
    params = parse_params("", content_type, data)
    return next((v for v in params.values() if isinstance(v, bytes)), data)


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSlack/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, reply: Reply) -> None:
            status, headers, body = reply
            # A client may hang up first (a browser tab closed on a long poll): nothing to do.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def _route(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            url = urlsplit(self.path)
            kind, _, rest = url.path.lstrip("/").partition("/")
            content_type = headers.get("content-type", "")
            if kind == "api" and rest:
                try:
                    params = parse_params(url.query, content_type, body)
                except ValueError:
                    self._reply(_json({"ok": False, "error": "invalid_json"}))
                    return
                self._reply(fake.handle_api(rest, params, headers))
            elif kind == "response" and rest and self.command == "POST":
                try:
                    payload = parse_params("", content_type or "application/json", body)
                except ValueError:
                    self._reply((400, {"Content-Type": "text/html"}, b"invalid_payload"))
                    return
                if isinstance(payload.get("payload"), str):
                    payload = json.loads(payload["payload"])
                self._reply(fake.handle_response_url(rest, payload, headers))
            elif kind == "upload" and rest and self.command == "POST":
                self._reply(fake.handle_upload(rest, body, headers))
            elif kind == "files" and rest and self.command == "GET":
                self._reply(fake.serve_file(rest, headers))
            else:
                self._reply(fake.route_other(self.command, url.path, url.query, body))

        do_GET = _route  # noqa: N815
        do_POST = _route  # noqa: N815

    return Handler


# --- Block Kit: ids, limits, text ---------------------------------------------------------


def _short_id() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(5))


def _fill_ids(blocks: Iterable[Json]) -> None:
    """Give blocks and interactive elements the ids Slack generates when the app omits them."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", _short_id())
        elements = [block.get("element"), block.get("accessory"), *(block.get("elements") or [])]
        for element in elements:
            if isinstance(element, dict) and element.get("type") in INTERACTIVE_TYPES:
                element.setdefault("action_id", _short_id())


def _text_of(obj: Any) -> str | None:
    return obj.get("text") if isinstance(obj, dict) and isinstance(obj.get("text"), str) else None


def block_problems(blocks: Any, *, limit: int = 50, where: str = "/blocks") -> list[str]:
    """Slack's Block Kit limits that apps trip over; ``[]`` when the blocks are fine."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{where}]"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{where}]")
    seen: set[str] = set()

    def too_long(text: str | None, most: int, at: str, *, least: int = 1) -> None:
        if text is None:
            return
        if len(text) > most:
            problems.append(f"[ERROR] must be less than {most + 1} characters [json-pointer:{at}]")
        elif len(text) < least:
            problems.append(f"[ERROR] must be more than {least - 1} characters [json-pointer:{at}]")

    for i, block in enumerate(blocks):
        at = f"{where}/{i}"
        if not isinstance(block, dict) or not block.get("type"):
            problems.append(f"[ERROR] missing required field: type [json-pointer:{at}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                problems.append(f"[ERROR] duplicate block_id {block_id!r} [json-pointer:{at}]")
            seen.add(block_id)
            too_long(block_id, 255, f"{at}/block_id", least=0)
        kind = block["type"]
        if kind == "section":
            text = block.get("text")
            if text is None and not block.get("fields"):
                problems.append(f"[ERROR] must provide text or fields [json-pointer:{at}]")
            too_long(_text_of(text), 3000, f"{at}/text/text")
            fields = block.get("fields") or []
            if len(fields) > 10:
                problems.append(f"[ERROR] no more than 10 items allowed [json-pointer:{at}/fields]")
            for j, f in enumerate(fields):
                too_long(_text_of(f), 2000, f"{at}/fields/{j}/text")
        elif kind == "header":
            too_long(_text_of(block.get("text")), 150, f"{at}/text/text")
        elif kind == "context":
            if len(block.get("elements") or []) > 10:
                problems.append(f"[ERROR] no more than 10 items allowed [json-pointer:{at}]")
        elif kind == "actions":
            if len(block.get("elements") or []) > 25:
                problems.append(f"[ERROR] no more than 25 items allowed [json-pointer:{at}]")
        elif kind == "input" and not isinstance(block.get("label"), dict):
            problems.append(f"[ERROR] missing required field: label [json-pointer:{at}]")
        elements = [block.get("accessory"), block.get("element"), *(block.get("elements") or [])]
        for j, element in enumerate(e for e in elements if isinstance(e, dict)):
            eat = f"{at}/elements/{j}"
            if element.get("type") == "button":
                too_long(_text_of(element.get("text")), 75, f"{eat}/text/text")
                too_long(element.get("value"), 2000, f"{eat}/value", least=0)
            if isinstance(element.get("action_id"), str):
                too_long(element["action_id"], 255, f"{eat}/action_id", least=0)
            options = element.get("options") or []
            if len(options) > 100:
                problems.append(f"[ERROR] no more than 100 items allowed [json-pointer:{eat}]")
            for k, option in enumerate(options):
                too_long(_text_of(option.get("text")), 75, f"{eat}/options/{k}/text/text")
                too_long(option.get("value"), 150, f"{eat}/options/{k}/value", least=0)
    return problems


def blocks_too_long(blocks: Any) -> bool:
    """More text in a message's blocks than Slack takes (``msg_blocks_too_long``)."""
    return sum(len(text) for text in _texts(blocks)) > MESSAGE_BLOCKS_TEXT_LIMIT


def view_problems(view: Json, *, kind: str = "modal") -> list[str]:
    """What Slack refuses in a modal or Home tab (``views.*`` answer invalid_arguments)."""
    problems: list[str] = []
    if view.get("type") != kind:
        problems.append(f"[ERROR] type must be {kind!r} [json-pointer:/view/type]")
    problems += block_problems(view.get("blocks", []), limit=100, where="/view/blocks")
    if kind == "modal":
        for key in ("title", "submit", "close"):
            text = _text_of(view.get(key))
            if key == "title" and text is None:
                problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
            if text is not None and not 0 < len(text) <= 24:
                problems.append(f"[ERROR] must be 1-24 characters [json-pointer:/view/{key}/text]")
        has_input = any(
            b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict)
        )
        if has_input and not view.get("submit"):
            problems.append("[ERROR] submit is required with input blocks [json-pointer:/view]")
    if len(view.get("private_metadata") or "") > 3000:
        problems.append(
            "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"
        )
    if len(view.get("callback_id") or "") > 255:
        problems.append("[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]")
    return problems


def all_text(payload: Any) -> str:
    """Every human-readable text in a message, view or Call (text, blocks, attachments), joined.

    Accepts a dict payload, a ``Call``, a client ``Response`` (its JSON), a list of blocks or
    ``None`` (gives ``""``).
    """
    if isinstance(payload, Call):
        payload = payload.params
    elif hasattr(payload, "json") and not isinstance(payload, dict | list):
        payload = payload.json
    return "\n".join(_texts(payload))


def _texts(node: Any) -> Iterable[str]:
    """Every human-readable text in ``node`` (a message, view or blocks), in order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"text", "pretext", "title", "fallback", "alt_text"} and isinstance(
                value, str
            ):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
