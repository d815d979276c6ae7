"""Domain errors: raised by the sales domain and storage, turned into words by handlers."""

from __future__ import annotations


class DomainError(Exception):
    """A problem the user can fix. ``message`` is an English msgid (marked with ``N_``)
    with ``{placeholders}`` filled from ``params`` after translation."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    def render(self, t) -> str:  # t: bot.core.i18n.Translator
        return t(self.message, **self.params)


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad user input. ``field`` names the modal block it belongs to, when there is one."""

    def __init__(self, message: str, /, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
