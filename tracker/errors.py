"""The error that services raise when a rule says no."""

from __future__ import annotations


class RuleError(ValueError):
    """An action cannot be done as asked; the message says why.

    ``message`` is an English msgid marked with ``N_`` and ``params`` fill its ``%(name)s`` placeholders.
    ``str(error)`` is English (commands and logs have no reader's language); pages show :meth:`translated`.
    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None, **params: object) -> None:
        self.message = message
        self.field = field
        self.params = params
        super().__init__(message % params if params else message)

    def translated(self) -> str:
        """The message in the reader's language (needs an app context)."""
        from flask_babel import gettext

        return gettext(self.message, **self.params)
