"""The press-summary editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from ..forms import BaseForm

#: Long enough for a full release text, short enough to keep a page of the PDF readable.
MAX_SUMMARY_LENGTH = 20_000


class PressSummaryForm(BaseForm):
    """The press text of an event or series in one language; ``stamp`` guards against lost updates."""

    body = TextAreaField(
        _l("Press text"),
        validators=[Length(max=MAX_SUMMARY_LENGTH, message=_l("Keep the text under %(max)d characters."))],
        render_kw={"rows": 14},
    )
    stamp = HiddenField()
