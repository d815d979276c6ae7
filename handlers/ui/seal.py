"""Sealed values: what the app hands Slack to get back later (a modal's ``private_metadata``,
a Retry button's value) carries an HMAC tag, so the app only ever reads back what it wrote.

``seal(text)`` → ``"<tag>.<text>"``; ``unseal(sealed)`` → the text, or ``None`` when the tag
does not match. The key is derived from the app's signing secret (``use_secret``, called once
by ``handlers.kit`` at start-up), so every copy of the app reads what any other wrote; until
then a random per-process key is used (builders called outside an app, in unit tests).

Why hand-written: it is ``hmac.new`` and a ``compare_digest`` — a library would add nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading

TAG_CHARS = 22  # 16 bytes of HMAC-SHA256, base64url without padding
_CONTEXT = b"salespath sealed values v1"
_lock = threading.Lock()
_keys: list[bytes] = [os.urandom(32)]  # newest first: sealed with [0], read with any


def use_secret(secret: str) -> None:
    """Seal with a key derived from ``secret`` (the signing secret) from now on."""
    key = hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest()
    with _lock:
        if key in _keys:
            _keys.remove(key)
        _keys.insert(0, key)


def _tag(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def seal(text: str) -> str:
    with _lock:
        key = _keys[0]
    return f"{_tag(key, text)}.{text}"


def unseal(sealed: str) -> str | None:
    """The text ``seal`` was given, or ``None`` when ``sealed`` is not a value of ours."""
    tag, dot, text = sealed.partition(".")
    if not dot or len(tag) != TAG_CHARS:
        return None
    with _lock:
        keys = list(_keys)
    if any(hmac.compare_digest(_tag(key, text), tag) for key in keys):
        return text
    return None
