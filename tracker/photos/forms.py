"""The photo upload and the caption, credit and release choice of one photo."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..forms import BaseForm, MultilingualForm, in_every_language

#: Longest caption (per language) and credit.
MAX_CAPTION = 1000
MAX_CREDIT = 200


class PhotoUploadForm(BaseForm):
    """One or more pictures at once, and the credit they all get (each may be changed afterwards)."""

    photos = MultipleFileField(
        _l("Photos"),
        render_kw={"accept": "image/jpeg,image/png,image/webp", "multiple": True},
    )
    credit = StringField(
        _l("Credit"), validators=[Optional(), Length(max=MAX_CREDIT)],
        description=_l("Who took the photos, printed under each one."),
    )


@in_every_language("caption")
class PhotoForm(MultilingualForm):
    """What the release prints with one photo; made with ``prefix=f"photo-{id}"`` so that a page holds many."""

    caption = TextAreaField(_l("Caption"), validators=[Optional(), Length(max=MAX_CAPTION)], render_kw={"rows": 2})
    credit = StringField(_l("Credit"), validators=[Optional(), Length(max=MAX_CREDIT)])
    in_release = BooleanField(_l("In the release"))
