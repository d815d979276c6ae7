"""Run the app: Socket Mode, or HTTP mode on waitress (a production WSGI server).

HTTP routes: ``POST /slack/events`` (every Slack request), ``GET /healthz``
(200 when the database answers, 503 otherwise). SIGTERM/SIGINT stop cleanly.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.services import Services

log = logging.getLogger("salespath")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(app: App, services: Services) -> Callable:
    slack = SlackRequestHandler(app)

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = services.db.ping()
            body = json.dumps({"ok": ok, "database": "up" if ok else "down"}).encode()
            status = "200 OK" if ok else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        status = "405 Method Not Allowed" if path == EVENTS_PATH else "404 Not Found"
        start_response(status, [("Content-Type", "text/plain")])
        return [status.encode()]

    return route


class HttpServer:
    """waitress in-process; ``port=0`` picks a free port (tests)."""

    def __init__(
        self, app: App, services: Services, *, host: str = "0.0.0.0", port: int = 3000
    ) -> None:
        self.server = create_server(
            wsgi_app(app, services), host=host, port=port, threads=8, ident="salespath"
        )
        self.port: int = self.server.effective_port  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self.server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def run(app: App, services: Services) -> None:
    """Block until SIGTERM/SIGINT, then shut down cleanly."""
    settings = services.settings
    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    scheduler = services.scheduler  # digests and reminders (handlers.digest builds it)
    if scheduler is not None:
        scheduler.start()

    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(
            app, settings.slack_app_token.get_secret_value(), web_client=app.client
        )
        handler.connect()
        log.info("Salespath connected in Socket Mode")
        stop.wait()
        handler.close()
    else:
        http = HttpServer(app, services, port=settings.port).start()
        log.info(
            "Salespath listening on :%s (POST %s, GET %s)", http.port, EVENTS_PATH, HEALTH_PATH
        )
        stop.wait()
        http.stop()
    if scheduler is not None:
        scheduler.shutdown()
    services.db.dispose()
    log.info("stopped")
