"""After the close (seed 000: Maintaining — Get, Keep, Grow, Win back), and undoing a move.
Plain Python, no Slack.

* **Keep, then Grow.** A won deal is checked on ``KEEP_CHECK_AFTER`` after the win: the
  owner is asked whether Keep is safe (the customer stays and trusts us). Yes → a Grow deal
  (upsell or cross-sell) may start, linked to the won one; not yet → asked again
  ``KEEP_CHECK_AGAIN`` later. Grow only once Keep is secure.
* **Win back.** A lost deal may get a date to try again; on that date its owner is reminded
  and may re-open it from the reminder.
* **Undo.** A move made by mistake can be undone for ``UNDO_WINDOW``: a compensating move
  back, which stage conversion ignores (with the move it undoes).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.errors import InvalidInput
from bot.core.i18n import N_

KEEP_CHECK_AFTER = timedelta(weeks=4)
KEEP_CHECK_AGAIN = timedelta(weeks=2)
UNDO_WINDOW = timedelta(minutes=10)
WIN_BACK_MAX = timedelta(days=2 * 366)
WIN_BACK_DEFAULT = timedelta(days=90)  # the date the win-back form starts with


def keep_check_day(won_on: date) -> date:
    return won_on + KEEP_CHECK_AFTER


def check_win_back(day: date | None, today: date) -> date:
    """A win-back date: after today, within two years."""
    if day is None:
        raise InvalidInput(N_("Pick the date to try again."), field="win_back_on")
    if day <= today:
        raise InvalidInput(
            N_("{day} is not in the future. Pick a date after today."),
            field="win_back_on",
            day=day.isoformat(),
        )
    if day > today + WIN_BACK_MAX:
        raise InvalidInput(N_("Pick a date within two years."), field="win_back_on")
    return day


def grow_name(name: str) -> str:
    """The name a Grow deal starts with (the rep may change it in the form)."""
    return f"{name} (Grow)"[:200]
