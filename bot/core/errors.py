"""Domain errors: raised by the sales domain and storage, turned into words by handlers."""

from __future__ import annotations

from datetime import date

from bot.core.i18n import Msg as Msg  # an error's parameter, translated when shown
from bot.core.i18n import MsgList, Number


def _shown(t, value: object) -> object:
    """A parameter as the reader sees it: a ``Msg`` (or each of a ``MsgList``) translated,
    a date in their words."""
    if isinstance(value, Msg | MsgList | Number):
        return t.shown(value)
    if isinstance(value, date):
        return t.day(value)
    return value


class DomainError(Exception):
    """A problem the user can fix. ``message`` is an English msgid (marked with ``N_``)
    with ``{placeholders}`` filled from ``params`` after translation."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def render(self, t) -> str:  # t: bot.core.i18n.Translator
        return t(self.message, **{k: _shown(t, v) for k, v in self.params.items()})


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad user input. ``field`` names the domain field it belongs to (``"value"``), when there
    is one: a modal shows the error under that field's input."""

    def __init__(self, message: str, /, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


class FieldErrors(DomainError):
    """Several fields of one form are wrong: ``errors`` maps each domain field name (e.g.
    ``"value"``) to its problem. The form's ui module maps field names to its block ids."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message, **first.params)
        self.errors = errors


def field_errors(errors: dict[str, DomainError]) -> None:
    """Raise ``FieldErrors`` when there are any."""
    if errors:
        raise FieldErrors(errors)


class Reasons(InvalidInput):
    """Several problems with one field, shown together (each translated, in order)."""

    def __init__(self, reasons: list[DomainError], /, field: str | None = None) -> None:
        super().__init__(reasons[0].message, field=field, **reasons[0].params)
        self.reasons = reasons

    def render(self, t) -> str:
        return " ".join(r.render(t) for r in self.reasons)


class WithUsage(DomainError):
    """A problem answered with the command's usage below it (the user's words were not a
    form the command knows)."""

    def __init__(self, inner: DomainError) -> None:
        super().__init__(inner.message, **inner.params)
        self.inner = inner

    def render(self, t) -> str:
        return self.inner.render(t)
