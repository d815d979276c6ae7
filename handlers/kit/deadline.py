"""Answer Slack in time, always: the deadline runner every request goes through.

Slack waits three seconds for a request's answer (the *ack*); after that the user sees an
error even when the change lands a moment later. So the whole request — middleware
(profile, actor) and listener — gets ``DEADLINE`` seconds from its arrival. A listener that
answers by then answers Slack as usual. One that does not (a locked table, a slow Slack
call before its ack) keeps running, and the runner answers Slack for it with a stand-in:

- a slash command: "Working on it…" (ephemeral, echoing the command); the listener's answer
  follows through the command's ``response_url`` when it is ready;
- a modal submission: the modal turns into a "Saving…" view; when the listener answers, the
  view becomes the result (``Answer.privately``), or the form again with everything the user
  typed and the errors under their fields, or the next view it asked for (``views.update``);
- a type-ahead: no options (that answer can't come late); anything else: an empty ack.

Errors raised after the deadline reach the user the same way (``handlers.kit.errors``).

A request whose key (``middleware.request_key``) is still running when it comes again — a
replay within Slack's five-minute window, or Slack's own retry — is not run a second time:
it gets the first one's answer. A replay that comes after the first has finished runs again,
and its change is recognised by ``run_once`` (``storage.db``), which answers with the first
result; side effects outside the database (a DM, a channel post) are recorded the same way
before they are sent.

A request's ``trigger_id`` lives three seconds from its arrival: the Web API client's retry
handlers are wrapped (``TriggerWindow``) so that a ``views.open`` or ``views.push`` is not
retried when the retry would come after that (a 429 with ``Retry-After: 3``, say) — the
error path then tells the user to click again, instead of the app waiting for nothing.

Why here, wrapping ``App.dispatch``: Bolt runs global middleware one after the other in the
request's thread and only then waits (three seconds) for the listener's ack, so neither a
middleware nor a listener can bound the whole. ``install`` wraps the app's ``dispatch``,
which both the HTTP adapter and Socket Mode call.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.core.i18n import Translator
from handlers.ui import fields
from handlers.ui.common import working_message
from handlers.ui.forms import done_modal, saving_modal

log = logging.getLogger("salespath.deadline")

DEADLINE = 2.0  # seconds from a request's arrival to its ack; Slack gives up at 3
WORKERS = 32  # requests running at once in one process (middleware and listener)
RETRY_KEY = "retry_key"  # context: the key a re-dispatched request runs under (kit.retry)
TRIGGER_LIFE = 3.0  # seconds a trigger_id can open a modal, from the request's arrival
TRIGGER_METHODS = ("views.open", "views.push")


class Triggers:
    """When each recent request's ``trigger_id`` arrived (monotonic seconds)."""

    def __init__(self) -> None:
        self._born: dict[str, float] = {}
        self._lock = threading.Lock()

    def arrived(self, trigger_id: str | None, at: float) -> None:
        if not trigger_id:
            return
        with self._lock:
            if len(self._born) > 1000:  # forget the expired ones now and then
                self._born = {k: v for k, v in self._born.items() if at - v < 60}
            self._born.setdefault(trigger_id, at)

    def left(self, trigger_id: str, now: float) -> float | None:
        """Seconds the trigger has left (``None``: not one of ours)."""
        with self._lock:
            born = self._born.get(trigger_id)
        return None if born is None else born + TRIGGER_LIFE - now


TRIGGERS = Triggers()


def _trigger_of(request: Any) -> str | None:
    if not any(request.url.endswith("/" + m) for m in TRIGGER_METHODS):
        return None
    params = dict(request.body_params or {})
    if not params.get("trigger_id") and request.data:
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            loaded = json.loads(request.data)
            params = loaded if isinstance(loaded, dict) else params
    found = params.get("trigger_id")
    return found if isinstance(found, str) else None


def _wait(response: Any) -> float:
    """How long a retry would wait: Slack's Retry-After, else about a second of backoff."""
    if response is not None and response.status_code == 429:
        values = response.headers.get("retry-after") or response.headers.get("Retry-After")
        value = values[0] if isinstance(values, list) and values else values
        with contextlib.suppress(TypeError, ValueError):
            return float(value)
    return 1.0


class TriggerWindow(RetryHandler):
    """A retry handler that retries as ``inner`` does, except a modal call whose retry would
    come after its trigger_id has expired (Slack would refuse it anyway)."""

    def __init__(self, inner: RetryHandler) -> None:
        super().__init__(max_retry_count=inner.max_retry_count)
        self.inner = inner

    def can_retry(self, *, state, request, response=None, error=None) -> bool:
        if not self.inner.can_retry(state=state, request=request, response=response, error=error):
            return False
        trigger = _trigger_of(request)
        left = TRIGGERS.left(trigger, time.monotonic()) if trigger else None
        if left is not None and _wait(response) >= left:
            log.warning("not retrying %s: its trigger_id expires first", request.url)
            return False
        return True

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        self.inner.prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )


def payload_of(response: BoltResponse | None) -> dict:
    """The JSON of an ack (Bolt keeps a text-only ack as plain text)."""
    if response is None or not response.body:
        return {}
    try:
        body = json.loads(response.body)
    except ValueError:
        return {"text": response.body}
    return body if isinstance(body, dict) else {}


class DeadlineAck(Ack):
    """A request's ``ack``: Bolt's until the deadline; after it (``late``), what the listener
    acks is delivered where Slack still lets an app answer (see the module docstring)."""

    def __init__(self, body: dict) -> None:
        super().__init__()
        self.body = body
        self.context: BoltContext | None = None
        self.late = False  # the runner answered Slack with a stand-in
        self.settled: BoltResponse | None = None  # the error path's answer, in time
        self.answered = False  # the listener (or the error path) gave its answer
        self.done = threading.Event()  # Slack has an answer (the listener's or a stand-in)
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        with self._lock:
            first, self.answered = not self.answered, True
            if not self.late:
                response = super().__call__(*args, **kwargs)
                self.done.set()
                return response
        response = Ack()(*args, **kwargs)  # built the same way, then delivered late
        if first:
            self.deliver(payload_of(response))
        return response

    def expire(self, stand_in: Callable[[], BoltResponse]) -> BoltResponse:
        """The deadline passed: the listener's answer if it came just now, else a stand-in
        (and from now on the listener's answer is delivered late)."""
        with self._lock:
            if self.response is None and self.settled is not None:
                return self.settled  # the error path's answer, which Bolt is about to set
            if self.response is None:
                self.late = True
                self.response = stand_in()
            self.done.set()
            return self.response

    def settle(self, response: BoltResponse) -> bool:
        """The error path's answer: True when it is in time to be the ack (the caller
        returns it to Bolt, which sets it as this ack's response once its error handler
        has copied it — not before, or Bolt could send its half-made 500); False when a
        stand-in answered already and the answer was delivered late here instead (once)."""
        with self._lock:
            first, self.answered = not self.answered, True
            if not self.late:
                self.settled = response
                self.done.set()
                return True
        if first:
            self.deliver(payload_of(response))
        return False

    # --- late answers -----------------------------------------------------------------

    @property
    def translator(self) -> Translator:
        t = self.context.get("t") if self.context is not None else None
        return t if isinstance(t, Translator) else Translator(None)

    def deliver(self, payload: dict) -> None:
        """Deliver ``payload`` (an ack's JSON) after the stand-in answered Slack."""
        try:
            if self.body.get("command"):
                self._to_response_url(payload)
            elif self.body.get("type") == "view_submission":
                self._to_modal(payload)
        except (SlackApiError, OSError) as exc:
            log.warning("a late answer could not be delivered: %s", exc)

    def _to_response_url(self, payload: dict) -> None:
        url = self.body.get("response_url")
        if not url or not (payload.get("text") or payload.get("blocks")):
            return
        message = {k: v for k, v in payload.items() if k in ("text", "blocks", "attachments")}
        kind = payload.get("response_type") or "ephemeral"
        WebhookClient(url).send(response_type=kind, replace_original=False, **message)

    def _to_modal(self, payload: dict) -> None:
        view = self.body.get("view") or {}
        action, t = payload.get("response_action"), self.translator
        if action == "errors":
            shown = fields.restored(view, errors=payload.get("errors") or {})
        elif action in ("update", "push") and isinstance(payload.get("view"), dict):
            shown = payload["view"]
        else:  # closed on time it would have been: say it is done (Answer.privately adds more)
            shown = done_modal(t, title=_title(view) or t("Salespath"))
        self.update_modal(shown)

    def update_modal(self, view: dict) -> bool:
        """Replace the "Saving…" view; False when the user closed it meanwhile."""
        client = self.context.client if self.context is not None else None
        view_id = (self.body.get("view") or {}).get("id")
        if client is None or not view_id:
            return False
        try:
            client.views_update(view_id=view_id, view=view)
            return True
        except SlackApiError as exc:
            if exc.response.get("error") not in ("not_found", "hash_conflict"):
                raise
            return False


def _title(view: dict) -> str | None:
    title = view.get("title")
    return title.get("text") if isinstance(title, dict) else None


def stand_in(body: dict, t: Translator) -> BoltResponse:
    """What Slack gets when the listener has not answered by the deadline."""
    if body.get("command"):
        text = (body.get("text") or "").strip()
        msg = working_message(t, command=body["command"], text=_unescaped(text))
        return BoltResponse(status=200, body={"response_type": "ephemeral", **msg})
    if body.get("type") == "view_submission":
        view = body.get("view") or {}
        saving = saving_modal(t, title=_title(view) or t("Salespath"))
        return BoltResponse(status=200, body={"response_action": "update", "view": saving})
    if body.get("type") == "block_suggestion":
        return BoltResponse(status=200, body={"options": []})
    return BoltResponse(status=200, body="")


def _unescaped(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class DeadlineRunner:
    """``app.dispatch`` with the deadline: the request runs in a worker thread; the caller
    gets the ack by ``deadline`` seconds, the listener's or a stand-in."""

    def __init__(
        self,
        dispatch: Callable[[BoltRequest], BoltResponse],
        key_of: Callable[[dict], str | None],
        *,
        deadline: float = DEADLINE,
    ) -> None:
        self.dispatch, self.key_of, self.deadline = dispatch, key_of, deadline
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="request")
        self.running: dict[tuple, DeadlineAck] = {}
        self._lock = threading.Lock()

    def __call__(self, req: BoltRequest) -> BoltResponse:
        started = time.monotonic()
        body = req.body if isinstance(req.body, dict) else {}
        TRIGGERS.arrived(body.get("trigger_id"), started)
        ack = DeadlineAck(body)
        ack.context = req.context
        req.context["ack"] = ack
        key = self._key(req, body)
        with self._lock:
            first = self.running.get(key) if key else None
            if first is None and key:
                self.running[key] = ack
        if first is not None:  # the same request is running: its answer is the answer
            log.info("request %s came again while running: answered once", key[-1])
            first.done.wait(timeout=max(0.0, started + self.deadline + 0.5 - time.monotonic()))
            return first.response or first.settled or BoltResponse(status=200, body="")
        work = self.pool.submit(self._run, req, key, ack)
        try:
            return work.result(timeout=max(0.0, started + self.deadline - time.monotonic()))
        except FutureTimeout:
            log.warning("no answer after %.1f s: a stand-in answered Slack", self.deadline)
            return ack.expire(lambda: stand_in(body, ack.translator))

    def _key(self, req: BoltRequest, body: dict) -> tuple | None:
        key = req.context.get(RETRY_KEY) or self.key_of(body)
        return (req.context.team_id, body.get("type") or body.get("command"), key) if key else None

    def _run(self, req: BoltRequest, key: tuple | None, ack: DeadlineAck) -> BoltResponse:
        try:
            return self.dispatch(req)
        finally:
            with self._lock:
                if key is not None and self.running.get(key) is ack:
                    del self.running[key]


def install(app: App, key_of: Callable[[dict], str | None]) -> DeadlineRunner:
    """Every request of ``app`` through the deadline runner (both HTTP and Socket Mode call
    ``app.dispatch``)."""
    runner = DeadlineRunner(app.dispatch, key_of)
    app.dispatch = runner  # type: ignore[method-assign]
    handlers = app.client.retry_handlers or []  # copied into each request's client by Bolt
    app.client.retry_handlers = [
        h if isinstance(h, TriggerWindow) else TriggerWindow(h) for h in handlers
    ]
    return runner


def late_ack(context: BoltContext | None) -> DeadlineAck | None:
    """The request's ``DeadlineAck`` when a stand-in answered Slack for it."""
    ack = context.get("ack") if context is not None else None
    return ack if isinstance(ack, DeadlineAck) and ack.late else None
