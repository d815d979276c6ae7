"""The load generator, run as its own process (``python -m bench.load``) so that its work
does not share the server's interpreter: ``--clients`` concurrent clients, each on one
keep-alive connection, send signed slash commands (Slack's v0 signature,
``slackkit.sign``) in an equal mix — quick add, ``/advance <exact name>``, ``/pipeline`` —
for ``--seconds``, after ``--warmup`` seconds that are not counted: req/s counts the answers
that arrived inside the window. Prints one JSON object:
requests, errors, req/s and latency percentiles (ms), over all and per command.

``spawn()`` runs it from the bench and returns that object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

from slackkit import command_fields, sign

QUICK_ADD, ADVANCE, PIPELINE = "/prospect", "/advance", "/pipeline"


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float], seconds: float) -> dict:
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
    }


def request_body(i: int, client: int, names: list[str], response_url: str) -> tuple[str, bytes]:
    """The ``i``-th command of a client: quick add, /advance <name>, /pipeline in turn."""
    kind = (QUICK_ADD, ADVANCE, PIPELINE)[i % 3]
    text = {
        QUICK_ADD: f"Load Co {client}-{i} 50jt referral",
        ADVANCE: names[(client + i) % len(names)],
        PIPELINE: "",
    }[kind]
    fields = command_fields(kind, text, user_id="U1")
    fields["response_url"] = response_url
    return kind, urlencode(fields).encode()


class Client(threading.Thread):
    def __init__(self, n: int, url: str, secret: str, names: list[str], response_url: str):
        super().__init__(daemon=True)
        self.n, self.url, self.secret, self.names = n, urlsplit(url), secret, names
        self.response_url = response_url
        self.stop = threading.Event()
        self.counting = False
        self.done: list[tuple[str, float]] = []
        self.errors: list[str] = []

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)

    def run(self) -> None:
        conn = self._connect()
        i = 0
        while not self.stop.is_set():
            kind, body = request_body(i, self.n, self.names, self.response_url)
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            headers.update(sign(self.secret, body))
            start = time.perf_counter()
            try:
                conn.request("POST", self.url.path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                self.errors.append(repr(exc))
                conn.close()
                conn = self._connect()
            elapsed = time.perf_counter() - start
            if self.counting:  # completed inside the measured window
                if status == 200:
                    self.done.append((kind, elapsed))
                elif status:
                    self.errors.append(f"HTTP {status}")
            i += 1
        conn.close()


def run(
    url: str,
    secret: str,
    *,
    clients: int,
    seconds: float,
    warmup: float,
    names: list[str],
    response_url: str,
) -> dict:
    workers = [Client(n, url, secret, names, response_url) for n in range(clients)]
    for w in workers:
        w.start()
    time.sleep(warmup)
    for w in workers:
        w.counting = True
    start = time.perf_counter()
    time.sleep(seconds)
    for w in workers:
        w.counting = False
    elapsed = time.perf_counter() - start
    for w in workers:
        w.stop.set()
    for w in workers:
        w.join(timeout=35)
    done = [d for w in workers for d in w.done]
    out = summary([t for _, t in done], elapsed)
    out["errors"] = sum(len(w.errors) for w in workers)
    out["error_sample"] = next((w.errors[0] for w in workers if w.errors), None)
    out["by_command"] = {
        kind: summary([t for k, t in done if k == kind], elapsed)
        for kind in (QUICK_ADD, ADVANCE, PIPELINE)
    }
    return out


def spawn(
    url: str,
    secret: str,
    *,
    clients: int = 16,
    seconds: float = 5.0,
    warmup: float = 1.0,
    names: list[str],
    response_url: str,
) -> dict:
    """Run the load generator in a new process and return its result."""
    cmd = [
        sys.executable,
        "-m",
        "bench.load",
        url,
        "--secret",
        secret,
        "--clients",
        str(clients),
        "--seconds",
        str(seconds),
        "--warmup",
        str(warmup),
        "--response-url",
        response_url,
        "--names",
        json.dumps(names),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + warmup + 120)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load")
    ap.add_argument("url", help="the app's /slack/events URL")
    ap.add_argument("--secret", required=True, help="the signing secret")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--names", default='["Acme Corp"]', help="JSON list of deal names")
    ap.add_argument("--response-url", required=True)
    args = ap.parse_args(argv)
    result = run(
        args.url,
        args.secret,
        clients=args.clients,
        seconds=args.seconds,
        warmup=args.warmup,
        names=json.loads(args.names),
        response_url=args.response_url,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
