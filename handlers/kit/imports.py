"""What ``/pipeline import`` asks of Slack: an uploaded CSV's bytes (``files.info``, then its
``url_private_download`` with the bot token), and the workspace's people an owner cell may
name (``users.list`` once, ``users.lookupByEmail`` for an email it did not show)."""

from __future__ import annotations

import logging
import urllib.request
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import imports as im
from bot.core.errors import InvalidInput
from bot.core.i18n import N_

log = logging.getLogger(__name__)

NOT_CSV = N_("“{name}” is not a CSV file. Export the sheet as CSV and upload that.")
NO_FILE = N_("Slack didn't give me that file. Upload it again, or paste its text.")
FILE_HOSTS = frozenset({"files.slack.com", "files-pri.slack.com"})
CSV_TYPES = frozenset({"csv", "text", "tsv"})
EMAIL_LOOKUPS = 50  # users.lookupByEmail calls for one import at most
LIST_PAGES = 20  # users.list pages of 200 people


def _allowed(url: str, client: WebClient) -> bool:
    """Only Slack's own file hosts (or the configured Slack API's, a local Slack) get the
    bot token."""
    parts, api = urlsplit(url), urlsplit(client.base_url)
    if parts.scheme == "https" and parts.hostname in FILE_HOSTS:
        return True
    return bool(parts.netloc) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)


def download_csv(client: WebClient, file_id: str) -> tuple[str, bytes]:
    """``(filename, bytes)`` of a file the user uploaded in the modal."""
    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as exc:
        log.warning("files.info %s: %s", file_id, exc.response.get("error"))
        raise InvalidInput(NO_FILE, field="file") from exc
    name = str(info.get("name") or info.get("title") or file_id)
    kind = str(info.get("filetype") or "").lower()
    if kind not in CSV_TYPES and not name.lower().endswith((".csv", ".txt", ".tsv")):
        raise InvalidInput(NOT_CSV, field="file", name=name)
    size = int(info.get("size") or 0)
    if size > im.MAX_BYTES:
        raise InvalidInput(im.TOO_BIG, field="file", size=f"{size / 1_000_000:.1f}")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not _allowed(url, client):
        raise InvalidInput(NO_FILE, field="file")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            data = answer.read(im.MAX_BYTES + 1)
    except OSError as exc:
        log.warning("download of %s failed: %s", file_id, exc)
        raise InvalidInput(NO_FILE, field="file") from exc
    return name, data


def _person(member: dict) -> im.Person | None:
    if member.get("deleted") or member.get("is_bot") or member.get("id") == "USLACKBOT":
        return None
    profile = member.get("profile") or {}
    names = (
        profile.get("display_name") or "",
        profile.get("real_name") or member.get("real_name") or "",
        member.get("name") or "",
    )
    return im.Person(str(member["id"]), tuple(n for n in names if n), profile.get("email") or "")


class Directory:
    """Owner cells → Slack user ids, for one import (``bot.core.imports.match_person``):
    the workspace's people read once, each email Slack did not list looked up once."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._people: list[im.Person] | None = None
        self._found: dict[str, str | None] = {}
        self._lookups = 0

    def people(self) -> list[im.Person]:
        if self._people is None:
            self._people, cursor = [], None
            for _ in range(LIST_PAGES):
                try:
                    page = self.client.users_list(limit=200, cursor=cursor)
                except SlackApiError as exc:  # names then can't be matched; emails still are
                    log.warning("users.list: %s", exc.response.get("error"))
                    break
                self._people += [p for m in page.get("members") or [] if (p := _person(m))]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        return self._people

    def __call__(self, text: str) -> str | None:
        if text not in self._found:
            found = im.match_person(text, self.people())
            if found is None and im.is_email(text) and self._lookups < EMAIL_LOOKUPS:
                found = self._by_email(text.strip())
            self._found[text] = found
        return self._found[text]

    def _by_email(self, email: str) -> str | None:
        self._lookups += 1
        try:
            user = self.client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail: %s", exc.response.get("error"))
            return None
        person = _person(user)
        return person.id if person else None
