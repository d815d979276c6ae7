"""What a person wants to be told, and when (issue 15, item 7): reminder days and time,
quiet weekends, nudges and stale alerts. Plain Python: the scheduling reads the days as a
cron ``day_of_week``, the Slack side shows them, storage keeps them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import DomainError, InvalidInput, field_errors
from bot.core.i18n import N_
from bot.core.slots import DAYS, parse_time

WEEKEND = ("sat", "sun")
DEFAULT_AT = "09:00"


@dataclass(frozen=True)
class Preferences:
    days: tuple[str, ...] = DAYS  # the weekdays reminders may come on
    at: str = DEFAULT_AT  # "HH:MM", the person's own time
    quiet_weekends: bool = False  # no reminder and no nudge on Saturday or Sunday
    nudges: bool = True  # a manager's "Nudge owner" DM
    stale_alerts: bool = True  # quiet deals in the daily reminder

    @property
    def reminder_days(self) -> tuple[str, ...]:
        """The days a reminder may come on, quiet weekends taken out."""
        return tuple(d for d in self.days if not (self.quiet_weekends and d in WEEKEND))

    @property
    def cron_days(self) -> str:
        return ",".join(self.reminder_days)

    def quiet_on(self, weekday: int) -> bool:
        """Whether a weekday (Monday 0) is a quiet day: no nudge either."""
        return self.quiet_weekends and DAYS[weekday] in WEEKEND


def read_preferences(
    *, days: list[str], at: str, quiet_weekends: bool, nudges: bool, stale_alerts: bool
) -> Preferences:
    """A submitted form → preferences; ``FieldErrors`` for a bad time or no day at all."""
    errors: dict[str, DomainError] = {}
    chosen = tuple(d for d in DAYS if d in set(days))
    time = None
    try:
        time = parse_time(at or "")
        if time is None:
            errors["reminder_at"] = InvalidInput(
                N_("“{text}” is not a time. Write hours and minutes, like 08:30."), text=at or ""
            )
    except InvalidInput as exc:
        errors["reminder_at"] = exc
    if not chosen:
        errors["reminder_days"] = InvalidInput(N_("Pick at least one day for your reminders."))
    elif quiet_weekends and not [d for d in chosen if d not in WEEKEND]:
        errors["reminder_days"] = InvalidInput(
            N_("With quiet weekends on, pick at least one day from Monday to Friday.")
        )
    field_errors(errors)
    return Preferences(chosen, time or DEFAULT_AT, quiet_weekends, nudges, stale_alerts)
