"""Run the app: Socket Mode, or HTTP mode — one process on waitress (role ``all``), or
``WORKERS`` processes on gunicorn (role ``web``) — and/or the scheduled jobs (roles ``all``
and ``worker``).

HTTP routes: ``POST /slack/events`` (every Slack request), ``GET /healthz``
(200 when the database answers, 503 otherwise); with OAuth also ``GET /slack/install`` and
``GET /slack/oauth_redirect`` (Bolt's install flow). SIGTERM/SIGINT stop cleanly.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from bot.app import create_app
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("salespath")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
ROLES = ("all", "web", "worker")  # see bot/__main__.py
WEB_THREADS = 8  # threads per web process (as waitress's in one process)


def oauth_paths(app: App) -> set[str]:
    """The install and redirect paths when the app is installed through OAuth."""
    flow = app.oauth_flow
    return {flow.install_path, flow.redirect_uri_path} if flow is not None else set()


def wsgi_app(app: App, services: Services) -> Callable:
    slack = SlackRequestHandler(app)
    install = oauth_paths(app)

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        if path in install and method == "GET":
            return slack(environ, start_response)  # Bolt's OAuth flow
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


def _busy(channel: object) -> bool:
    """A connection still working on a request or sending its answer."""
    return isinstance(channel, HTTPChannel) and bool(channel.requests or channel.total_outbufs_len)


class HttpServer:
    """waitress in-process; ``port=0`` picks a free port (tests).

    ``stop()`` is graceful: no new connections, requests in flight get up to
    ``grace`` seconds to answer.
    """

    grace = 10.0

    def __init__(
        self, app: App, services: Services, *, host: str = "0.0.0.0", port: int = 3000
    ) -> None:
        self.server = create_server(
            wsgi_app(app, services), host=host, port=port, threads=8, ident="salespath"
        )
        self.port: int = self.server.effective_port  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._closing = threading.Lock()
        self._closed = False

    def serve_forever(self) -> None:
        """Run waitress's loop until ``stop()``; closing happens on this thread.

        Closing the sockets from another thread while this one sits in
        ``select()`` fails with EBADF, so ``stop()`` only sets a flag and
        wakes the loop through waitress's trigger.
        """
        server, adj = self.server, self.server.adj
        while not self._stopping.is_set():
            server.asyncore.loop(
                timeout=adj.asyncore_loop_timeout,
                map=server._map,  # type: ignore[attr-defined]
                use_poll=adj.asyncore_use_poll,
                count=1,
            )
        # Stop accepting, let requests in flight send their answers, then close.
        channels = server._map  # type: ignore[attr-defined]
        wasyncore.dispatcher.close(server)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(_busy(c) for c in list(channels.values())):
            server.asyncore.loop(timeout=0.05, map=channels, count=1)
        server.task_dispatcher.shutdown(timeout=1)
        with self._closing:
            for channel in list(channels.values()):
                channel.close()
            self._closed = True

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is None:
            self.server.close()
            return
        with self._closing:  # wake select() now, unless the loop already closed it
            if not self._closed:
                self.server.pull_trigger()
        self._thread.join(timeout=self.grace + 5)


class WebProcesses(BaseApplication):
    """gunicorn, embedded: ``settings.workers`` processes (threaded workers), each building
    its own app — database engine, Slack client — after the fork, and none running jobs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"0.0.0.0:{s.port}",
            "workers": s.workers,
            "worker_class": "gthread",
            "threads": WEB_THREADS,
            "timeout": 30,
            "graceful_timeout": int(HttpServer.grace),
            "proc_name": "salespath-web",
            "errorlog": "-",
            "loglevel": s.log_level.lower(),
            "control_socket_disable": True,  # gunicorn ≥ 25.1: no runtime control socket
        }
        for key, value in options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Callable:
        services = Services.from_settings(self.settings)
        app = create_app(self.settings, services=services)
        services.scheduler = None  # web processes serve; the workers run the jobs
        return wsgi_app(app, services)


def run(app: App, services: Services, *, role: str = "all") -> None:
    """Serve and/or run the jobs, per ``role``; block until SIGTERM/SIGINT, then shut down
    cleanly."""
    settings = services.settings
    if role == "web" and not settings.socket_mode:
        services.db.dispose()  # the gunicorn master keeps no connection: workers make theirs
        log.info("Salespath web: %s process(es) on :%s", settings.workers, settings.port)
        WebProcesses(settings).run()  # exits the process when gunicorn stops
        return
    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    scheduler = services.scheduler if role in ("all", "worker") else None
    if scheduler is None:
        services.scheduler = None  # no jobs in this process: a worker process runs them
    else:
        scheduler.start()  # digests and reminders (built by bot.app.create_app)
    if role == "worker":
        log.info("Salespath worker: running the scheduled jobs")
        stop.wait()
    elif settings.socket_mode:
        _socket_mode(app, settings, stop)
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


def _socket_mode(app: App, settings: Settings, stop: threading.Event) -> None:
    # imported here: only Socket Mode needs its websocket client loaded
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(
        app, settings.slack_app_token.get_secret_value(), web_client=app.client
    )
    handler.connect()
    log.info("Salespath connected in Socket Mode")
    stop.wait()
    handler.close()
