"""A local stand-in for Slack's Socket Mode WebSocket endpoint.

On connect it says ``hello``; ``send_envelope`` pushes an envelope to the newest connection
and ``wait_ack`` returns the app's acknowledgement. Point the app at it through the fake:
``fake.socket_url = stub.url`` (``apps.connections.open`` hands that URL out).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .client import command_fields
from .fake_slack import APP_ID, fake_for_socket_url

__all__ = ["SocketModeStub"]

Json = dict[str, Any]
ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})


class SocketModeStub:
    """Slack's side of a Socket Mode connection, on ``ws://127.0.0.1:PORT/link``."""

    def __init__(self, *, app_id: str = APP_ID, host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self.host = host
        self.received: list[Json] = []
        self.acks: dict[str, Json] = {}
        self.connects = 0
        self._cond = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> SocketModeStub:
        """Listen on a free port in a background thread."""
        if self._server is None:
            self._server = serve(self._handle, self.host, 0, compression=None, ping_interval=None)
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._server is not None:
            self._server.shutdown()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> SocketModeStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The WebSocket URL ``apps.connections.open`` should return."""
        if self._server is None:
            raise RuntimeError("SocketModeStub is not running: call start() or use `with`")
        port = self._server.socket.getsockname()[1]
        return f"ws://{self.host}:{port}/link"

    # --- the connection ------------------------------------------------------------------

    def _handle(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request else ""
        if not path.startswith("/link"):
            connection.close(code=1008, reason="unknown path")
            return
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        connection.send(json.dumps(hello))
        with self._cond:
            self._connections.append(connection)
            self.connects += 1
            self._cond.notify_all()
        try:
            for raw in connection:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                with self._cond:
                    self.received.append(message)
                    if isinstance(message, dict) and message.get("envelope_id"):
                        self.acks[message["envelope_id"]] = message
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._cond.notify_all()

    @property
    def connected(self) -> bool:
        with self._cond:
            return bool(self._connections)

    def wait_connected(self, timeout: float = 5.0) -> None:
        """Block until a client is connected (and has been sent ``hello``)."""
        if not self._wait(lambda: bool(self._connections), timeout):
            raise AssertionError(f"no Socket Mode client connected within {timeout}s")

    def _wait(self, ready: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _current(self) -> ServerConnection:
        with self._cond:
            if not self._connections:
                raise AssertionError("no Socket Mode client is connected")
            return self._connections[-1]

    def send(self, message: Json) -> None:
        """Send any JSON message to the newest connection."""
        self._current().send(json.dumps(message))

    def send_envelope(
        self,
        type: str,
        payload: Json,
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool = True,
    ) -> str:
        """Push ``payload`` as a ``slash_commands`` / ``interactive`` / ``events_api`` envelope."""
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}")
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        self.send(envelope)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> Json:
        """The client's ack for ``envelope_id`` (``{"envelope_id", "payload"?}``)."""
        if not self._wait(lambda: envelope_id in self.acks, timeout):
            raise AssertionError(f"no ack for envelope {envelope_id} within {timeout}s")
        with self._cond:
            return self.acks[envelope_id]

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, like Slack does every few hours."""
        self.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}})

    # --- payload helpers ------------------------------------------------------------------

    def command_payload(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U1",
        team_id: str = "T1",
        channel_id: str = "C1",
    ) -> dict[str, str]:
        """A slash command payload (same fields as over HTTP). Trigger id and response_url
        come from the FakeSlack whose ``socket_url`` is this stub, when there is one."""
        return command_fields(
            command,
            text,
            fake=fake_for_socket_url(self.url),
            user_id=user_id,
            team_id=team_id,
            channel_id=channel_id,
        )
