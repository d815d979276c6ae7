"""What each channel shows: the local Slack's message history.

``FakeSlack`` records every Web API call (``calls``, ``messages()``) for tests to assert on;
this module keeps the *result* of those calls, the way a Slack client shows a channel:
``chat.update`` edits a message in place, ``delete_original`` removes it, an ephemeral message
is seen only by the user it was for, a file shared with ``files.completeUploadExternal`` is a
message with a ``files`` list. The playground renders this; tests may read it too.

Messages are kept in Slack's own shape (``type``, ``user``, ``text``, ``blocks``, ``ts``,
``files``...), so whatever renders them renders what Slack would have stored. The class holds
no lock: ``FakeSlack`` calls it with its own lock held.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

__all__ = ["Conversations", "Posted"]

Json = dict[str, Any]


@dataclass
class Posted:
    """One message in a channel; ``visible_to`` is set for an ephemeral message."""

    channel: str
    message: Json
    visible_to: str | None = None

    @property
    def ts(self) -> str:
        return str(self.message.get("ts", ""))

    @property
    def ephemeral(self) -> bool:
        return self.visible_to is not None


class Conversations:
    """Per-channel message lists, oldest first."""

    def __init__(self) -> None:
        self._channels: dict[str, list[Posted]] = {}

    def add(self, channel: str, message: Json, *, visible_to: str | None = None) -> Posted:
        """Append ``message`` (it must carry a ``ts``) to ``channel``."""
        posted = Posted(channel, copy.deepcopy(message), visible_to)
        self._channels.setdefault(channel, []).append(posted)
        return posted

    def find(self, channel: str | None, ts: str | None) -> Posted | None:
        """The message ``ts`` in ``channel`` (``None`` when unknown)."""
        for posted in self._channels.get(channel or "", []):
            if posted.ts == ts:
                return posted
        return None

    def replace(self, channel: str | None, ts: str | None, content: Json) -> bool:
        """Give message ``ts`` new text/blocks/attachments (``chat.update``, replace_original)."""
        posted = self.find(channel, ts)
        if posted is None:
            return False
        for key in ("text", "blocks", "attachments"):
            posted.message.pop(key, None)
            if content.get(key) is not None:
                posted.message[key] = copy.deepcopy(content[key])
        return True

    def delete(self, channel: str | None, ts: str | None) -> bool:
        """Remove message ``ts`` (``chat.delete``, delete_original)."""
        posted = self.find(channel, ts)
        if posted is not None:
            self._channels[posted.channel].remove(posted)
        return posted is not None

    def visible(self, channel: str, user_id: str | None = None) -> list[Posted]:
        """What ``user_id`` sees in ``channel``: every public message and their ephemerals."""
        return [
            copy.deepcopy(p)
            for p in self._channels.get(channel, [])
            if p.visible_to is None or p.visible_to == user_id
        ]

    def clear(self) -> None:
        self._channels.clear()
