"""People who join and leave, and what each person wants to be told (issue 15, items 4 and 7).
Every table carries the Slack ``team_id``; a person is ``(team_id, user_id)``.

- ``inactive_member``: a member Slack deactivated (``user_change`` with ``deleted``); the
  row goes when they are reactivated. They get no DM, and their open deals are listed for
  reassignment.
- ``notify_preference``: a person's reminder days and time, quiet weekends, nudges and stale
  alerts. No row: the defaults (every day at 09:00, nudges and stale alerts on).
- ``welcome_mark``: the person got the welcome DM (sent once per person per workspace).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import false, true
from sqlmodel import Field, SQLModel

from storage.models import ts_field

ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


class InactiveMember(SQLModel, table=True):
    __tablename__ = "inactive_member"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    since: datetime = ts_field()


class NotifyPreference(SQLModel, table=True):
    __tablename__ = "notify_preference"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    days: str = Field(default=ALL_DAYS, max_length=40)  # cron day_of_week, "mon,tue,…"
    at: str = Field(default="09:00", max_length=5)  # "HH:MM", the person's own time
    quiet_weekends: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    nudges: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    stale_alerts: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    updated_at: datetime = ts_field()


class WelcomeMark(SQLModel, table=True):
    __tablename__ = "welcome_mark"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    welcomed_at: datetime = ts_field()
