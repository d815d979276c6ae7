"""The browser playground: the local Slack with a page on top, so anyone can try the app
without a Slack workspace.

``Playground`` *is* a ``FakeSlack`` (same Web API, same state, same port): the app talks to it
only over HTTP, as to Slack (its Web API base URL points here, and it receives signed
requests on its ``/slack/events``). On the same port, bound to 127.0.0.1 only, it serves:

* ``GET /`` and ``/static/…``: one static page (HTML, CSS and a small hand-written script;
  no build step) that looks like Slack's client;
* ``GET /pg/config``: people, channels, the app's commands and shortcuts from manifest.yml;
* ``GET /pg/state``: what the chosen user sees now (sidebar counts, the open channel or Home
  tab as HTML drawn by ``slackkit.render``, their top modal), as a long poll that returns
  when something changes (``FakeSlack.revision``) — live without WebSockets or a framework;
* ``POST /pg/<gesture>``: "this user did that", handed to ``slackkit.gestures`` which sends
  the app the signed request Slack would send. Every request names the user acting.

Usage (the app's events URL may be set after ``start()``, once the app is served against
this Web API)::

    playground = Playground(signing_secret=secret, manifest_path="manifest.yml",
                            on_run_jobs=run_jobs).start()
    ...  # build the app with slack_api_url=playground.base_url, serve it
    playground.events_url = "http://127.0.0.1:3000/slack/events"
    print(playground.url)
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .blockkit import Canvas
from .client import SlackClient
from .fake_slack import FakeSlack, Reply, User
from .gestures import SLACKBOT, Gestures
from .manifest import AppSurface, read_manifest
from .mrkdwn import Names
from .render import Look, render_home, render_messages, render_modal

__all__ = ["DEMO_CHANNELS", "DEMO_USERS", "Playground"]

log = logging.getLogger("slackkit.playground")
Json = dict[str, Any]
STATIC = Path(__file__).with_name("static")
POLL_SECONDS = 20.0

DEMO_USERS: tuple[User, ...] = (
    User("U1", name="rina", real_name="Rina Wijaya", title="Account executive"),
    User("U2", name="budi", real_name="Budi Santoso", title="Account executive"),
    User("UADMIN", name="maya", real_name="Maya Putri", title="Sales manager", is_admin=True),
    User("U3", name="dewi", real_name="Dewi Lestari", title="Account executive"),
)
DEMO_CHANNELS: Mapping[str, str] = {"C1": "sales", "C2": "sales-managers"}


class Playground(FakeSlack):
    """The local Slack, with a Slack-like page at ``url`` (127.0.0.1 only)."""

    def __init__(
        self,
        *,
        signing_secret: str,
        events_url: str = "",
        users: Sequence[User] = DEMO_USERS,
        channels: Mapping[str, str] = DEMO_CHANNELS,
        team_id: str = "T1",
        team_name: str = "Salespath Demo",
        token: str = "xoxb-playground",
        on_run_jobs: Callable[[], object] | None = None,
        manifest_path: str | Path | None = None,
        port: int = 0,
    ) -> None:
        super().__init__(token=token, team_id=team_id)
        self.teams[team_id].name = team_name
        self.people = [self.put_user(replace(u, team_id=team_id)) for u in users]
        self.channel_names.clear()
        for channel_id, name in channels.items():
            self.join_channel(channel_id, name)
        self.surface = read_manifest(manifest_path) if manifest_path else AppSurface()
        self.on_run_jobs = on_run_jobs
        self.client = SlackClient(events_url, signing_secret, self, team_id=team_id)
        self.gestures = Gestures(self.client, self, self.surface)
        self._port = port

    @property
    def events_url(self) -> str:
        """Where the app takes Slack's requests (``…/slack/events``)."""
        return self.client.url

    @events_url.setter
    def events_url(self, url: str) -> None:
        self.client.url = url

    def start(self, port: int | None = None) -> Playground:
        super().start(self._port if port is None else port)
        return self

    @property
    def url(self) -> str:
        """The page, to open in a browser."""
        return self.root_url + "/"

    # --- HTTP routes ----------------------------------------------------------------------

    def route_other(self, verb: str, path: str, query: str, body: bytes) -> Reply:
        if verb == "GET":
            return self._get(path, parse_qs(query))
        if verb == "POST" and path.startswith("/pg/"):
            return self._post(path[4:], body)
        return _text(404, "not found")

    def _get(self, path: str, query: dict[str, list[str]]) -> Reply:
        if path == "/":
            return _static("index.html")
        if path.startswith("/static/"):
            return _static(path[len("/static/") :])
        if path == "/pg/config":
            return _json(self.config())
        if path == "/pg/state":
            arg = {k: v[0] for k, v in query.items()}
            since = int(arg.get("since", "-1"))
            return _json(self.state(arg.get("user", ""), arg.get("pane", ""), since))
        return _text(404, "not found")

    def _post(self, gesture: str, body: bytes) -> Reply:
        request = json.loads(body or b"{}")
        user = str(request.get("user", ""))
        if user not in {p.id for p in self.people}:
            return _json({"error": f"unknown user {user!r}"}, status=400)
        handlers: dict[str, Callable[[str, Json], Json]] = {
            "send": lambda u, r: self.gestures.send(u, str(r["channel"]), str(r["text"])),
            "action": self.gestures.act,
            "suggest": self.gestures.suggest,
            "submit": self.gestures.submit,
            "close": self.gestures.close,
            "shortcut": self.gestures.shortcut,
            "message-shortcut": self.gestures.message_shortcut,
            "open-home": self.gestures.open_home,
            "run-jobs": lambda u, r: self.run_jobs(),
            "upload": self.upload,
        }
        handler = handlers.get(gesture)
        if handler is None:
            return _text(404, "not found")
        try:
            return _json(handler(user, request))
        except LookupError as error:  # the message or view went away meanwhile
            return _json({"error": str(error)}, status=409)
        except Exception as error:  # shown to the person on the page, and logged in full
            log.exception("playground: %s failed", gesture)
            return _json({"error": f"{gesture} failed: {error}"}, status=500)

    def upload(self, user: str, request: Json) -> Json:
        """A file picked in a modal's ``file_input``: kept as the person's upload; the page
        submits the file object Slack would put in the element's state."""
        data = base64.b64decode(str(request.get("data") or ""), validate=True)
        name = str(request.get("name") or "upload")[:200]
        team_id = self.users[user].team_id
        return {"ok": True, "file": self.add_user_file(user, name, data, team_id=team_id)}

    # --- what the page shows --------------------------------------------------------------

    def config(self) -> Json:
        """Who can act, where, and what the app offers (from manifest.yml)."""
        surface = self.surface
        return {
            "team": self.team().name,
            "app": {"name": surface.name, "color": surface.color, "dm": "D{user}"},
            "people": [
                {"id": p.id, "name": p.real_name, "handle": p.name, "title": p.title}
                for p in self.people
            ],
            "channels": [{"id": c, "name": n} for c, n in self.channel_names.items()],
            "commands": [vars(c) for c in surface.commands],
            "global_shortcuts": [vars(s) for s in surface.shortcuts_of("global")],
            "message_shortcuts": [vars(s) for s in surface.shortcuts_of("message")],
            "jobs": self.on_run_jobs is not None,
        }

    def look(self, user_id: str) -> Look:
        """How the Slack client draws things for ``user_id``."""
        people = {p.id: p.real_name for p in self.people}
        names = {**people, SLACKBOT: "Slackbot", self.team().bot_user_id: self.surface.name}
        canvas = Canvas(names=Names(names, dict(self.channel_names)), people=people)
        viewer = self.users.get(user_id)
        return Look(
            canvas=canvas,
            viewer=user_id,
            tz=viewer.tz if viewer else "UTC",
            bot_user_id=self.team().bot_user_id,
            app_name=self.surface.name,
            app_color=self.surface.color,
        )

    def state(self, user_id: str, pane: str, since: int = -1) -> Json:
        """What ``user_id`` sees, once ``revision`` has moved past ``since`` (long poll)."""
        self.wait_for_change(since, POLL_SECONDS)
        with self._cond:  # one consistent snapshot while Web API calls keep coming
            look = self.look(user_id)
            dm = "D" + user_id
            counts = {c: len(self.conversations.visible(c, user_id)) for c in self.channel_names}
            counts[dm] = len(self.conversations.visible(dm, user_id))
            modals = self.open_views(user_id=user_id)
            top = modals[-1] if modals else None
            return {
                "revision": self.revision,
                "user": user_id,
                "counts": counts,
                "pane": self._pane(pane or next(iter(self.channel_names), dm), look),
                "modal": top
                and {"view_id": top["id"], "hash": top["hash"], "html": render_modal(top, look)},
            }

    def _pane(self, pane: str, look: Look) -> Json:
        if pane == "home":
            return {"id": "home", "html": render_home(self.home_view(look.viewer), look)}
        history = self.conversations.visible(pane, look.viewer)
        return {"id": pane, "messages": render_messages(history, look)}

    def run_jobs(self) -> Json:
        """The page's clock button: the app's scheduled jobs, now."""
        if self.on_run_jobs is None:
            return {"error": "no scheduled jobs to run here"}
        note = self.on_run_jobs()
        return {"ok": True, "note": note if isinstance(note, str) else ""}


def _json(body: Json, *, status: int = 200) -> Reply:
    headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
    return status, headers, json.dumps(body).encode()


def _text(status: int, text: str) -> Reply:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _static(name: str) -> Reply:
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        return _text(404, "not found")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Content-Type": f"{kind}; charset=utf-8", "Cache-Control": "no-cache"}
    return 200, headers, path.read_bytes()
