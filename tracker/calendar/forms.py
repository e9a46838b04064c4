"""Forms of the calendar pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from ..forms import BaseForm
from .replies import MAX_REPLY_BYTES


class ReplyForm(BaseForm):
    """A calendar reply, uploaded as a file (.ics or .eml) or pasted as text."""

    upload = FileField(_l("Reply file (.ics or .eml)"))
    text = TextAreaField(_l("Or paste the reply"), validators=[Optional(), Length(max=MAX_REPLY_BYTES)])

    def reply_bytes(self) -> bytes:
        """The uploaded file's bytes, else the pasted text as UTF-8."""
        storage = self.upload.data
        if isinstance(storage, FileStorage) and storage.filename:
            return storage.read(MAX_REPLY_BYTES + 1)
        return (self.text.data or "").encode("utf-8")

    def validate(self, extra_validators: Any = None) -> bool:
        """Exactly one of the two inputs must be given."""
        if not super().validate(extra_validators):
            return False
        has_file = self.upload.data is not None and bool(getattr(self.upload.data, "filename", ""))
        has_text = bool((self.text.data or "").strip())
        if not has_file and not has_text:
            self.text.errors = [*self.text.errors, str(_l("Upload a reply file or paste its text."))]
            return False
        if has_file and has_text:
            self.text.errors = [*self.text.errors, str(_l("Give either a file or pasted text, not both."))]
            return False
        return True
