"""The press-summary editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..bounds import RECORD_ID, parse_number
from ..forms import BaseForm

#: Long enough for a full release text, short enough to keep a page of the PDF readable.
MAX_SUMMARY_LENGTH = 20_000


class _ShownVersionForm(BaseForm):
    """A form posted from a page that showed one version of the press text: ``version`` is its
    ``Report.version``, empty when the page showed no text."""

    version = HiddenField()

    def validate_version(self, field: Field) -> None:
        """Empty or a positive whole number (the form was not fiddled with)."""
        if field.data and parse_number(str(field.data), RECORD_ID) is None:
            raise ValidationError(_l("The form is damaged; reload the page."))

    @property
    def expected_version(self) -> int | None:
        """The version the page showed, ``None`` when it showed no text."""
        return parse_number(self.version.data, RECORD_ID) if self.version.data else None


class PressSummaryForm(_ShownVersionForm):
    """The press text of an event or series in one language.

    ``version`` is the ``Report.version`` the editor was opened on, empty while there was no text: the
    optimistic lock that keeps one editor from overwriting another (see ``save_press_summary``).
    """

    body = TextAreaField(
        _l("Press text"),
        validators=[Length(max=MAX_SUMMARY_LENGTH, message=_l("Keep the text under %(max)d characters."))],
        render_kw={"rows": 14},
    )


class PublishForm(_ShownVersionForm):
    """Publish the press text of one language as it was shown."""


class UnpublishForm(BaseForm):
    """Take a release off the press page (the CSRF token only)."""
