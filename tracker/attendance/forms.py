"""Forms of the attendance pages: answer, invite, deadline, check-in, walk-in."""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..bounds import HEADCOUNT, RECORD_ID, DateWithinBounds, NumberWithinBounds, parse_number
from ..forms import BaseForm, none_choice, optional_id, options
from ..i18n import current_language
from ..models import Event, Invitation, InvitationStatus, Unit
from ..vocabulary import ANSWER_LABELS
from .services import (
    DELEGATES_LENGTH,
    NOTE_LENGTH,
    AnswerDetails,
    InviteDetails,
    InviteScope,
    answer_problems,
    missing_headcount_problem,
)

ANSWER_CHOICES = options(
    (status.value, ANSWER_LABELS[status])
    for status in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE, InvitationStatus.DECLINED)
)


def unit_name(unit: Unit) -> str:
    """The unit's name in the reader's language."""
    return unit.text("name", current_language())


class AnswerForm(BaseForm):
    """A unit's answer. ``version`` is the ``Invitation.version`` the form was rendered with."""

    status = RadioField(_l("Will your unit attend?"), choices=ANSWER_CHOICES, validators=[InputRequired()])
    headcount = IntegerField(_l("Number of people"), validators=[Optional(), NumberWithinBounds(HEADCOUNT)])
    delegates = TextAreaField(_l("Delegates (one name per line)"), validators=[Length(max=DELEGATES_LENGTH)])
    note = TextAreaField(_l("Note for the organisers"), validators=[Length(max=NOTE_LENGTH)])
    version = HiddenField(validators=[DataRequired()])

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def validate_version(self, field: Field) -> None:
        """The version is a positive whole number (the form was not fiddled with)."""
        if parse_number(str(field.data or ""), RECORD_ID) is None:
            raise ValidationError(_l("The form is damaged; reload the page."))

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the answer rules shared with :func:`~tracker.attendance.services.record_answer`."""
        if not super().validate(extra_validators):
            return False
        missing = missing_headcount_problem(self.status.data, self.headcount.data)
        if missing is not None:
            self.add_error(missing)
            return False
        problems = answer_problems(self.event, self.status.data, self.headcount.data)
        for problem in problems:
            self.add_error(problem)
        return not problems

    def details(self) -> AnswerDetails:
        """The answer as :func:`~tracker.attendance.services.record_answer` takes it (after :meth:`validate`)."""
        return AnswerDetails(status=self.status.data, headcount=self.headcount.data,
                             delegates=self.delegates.data or "", note=self.note.data or "")

    def fill_from(self, invitation: Invitation) -> None:
        """Show ``invitation``'s stored answer (and its version) in the fields."""
        self.status.data = invitation.status if invitation.answered else None
        self.headcount.data = invitation.headcount
        self.delegates.data = invitation.delegates
        self.note.data = invitation.note
        self.version.data = str(invitation.version)

    @property
    def expected_version(self) -> int:
        """The version the answer is based on."""
        version = parse_number(self.version.data, RECORD_ID)
        assert version is not None  # checked by validate_version
        return version


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multi-select: usable on a tablet and without instructions."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(BaseForm):
    """Which units to invite: all active ones, a hand-picked set, or a parent with its sub-units."""

    scope = RadioField(
        _l("Invite"),
        choices=options([
            (InviteScope.ALL.value, _l("All active units")),
            (InviteScope.SELECTED.value, _l("The units ticked below")),
            (InviteScope.BRANCH.value, _l("A unit with all its sub-units")),
        ]),
        default=InviteScope.ALL.value,
        validators=[InputRequired()],
    )
    units = MultiCheckboxField(_l("Units"), coerce=int, validate_choice=True)
    parent = SelectField(_l("Unit and its sub-units"), coerce=optional_id, validators=[Optional()])

    def __init__(self, *args: Any, candidates: Sequence[Unit], parents: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units.choices = options([(unit.id, unit_name(unit)) for unit in candidates])
        self.parent.choices = [none_choice(_l("— choose —")), *options((unit.id, unit_name(unit)) for unit in parents)]

    def validate_units(self, field: Field) -> None:
        """A hand-picked round needs at least one unit."""
        if self.scope.data == InviteScope.SELECTED and not field.data:
            raise ValidationError(_l("Tick at least one unit."))

    def validate_parent(self, field: Field) -> None:
        """A branch round needs its parent unit."""
        if self.scope.data == InviteScope.BRANCH and not field.data:
            raise ValidationError(_l("Choose the parent unit."))

    def details(self) -> InviteDetails:
        """The chosen round as :func:`~tracker.attendance.services.units_in_scope` takes it."""
        return InviteDetails(scope=self.scope.data, unit_ids=tuple(self.units.data or ()),
                             parent_id=self.parent.data or None)


class DeadlineForm(BaseForm):
    """The instant answers close, in the event's own time zone; empty means "when the event starts"."""

    deadline = DateTimeLocalField(_l("Answers accepted until"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                  validators=[Optional(), DateWithinBounds()])

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def fill_from(self, event: Event) -> None:
        """Show the current deadline as local wall-clock time."""
        self.deadline.data = (
            event.answer_deadline.astimezone(event.zone).replace(tzinfo=None) if event.answer_deadline else None
        )

    def deadline_instant(self) -> datetime | None:
        """The entered wall-clock time as an instant in the event's zone."""
        if self.deadline.data is None:
            return None
        return self.deadline.data.replace(tzinfo=ZoneInfo(self.event.timezone))


class CheckInForm(BaseForm):
    """One number field per invited unit; made per event by :func:`check_in_form`.

    Beside each number a hidden field keeps the value the page was shown with, so that saving one
    tablet's form changes only the rows typed into on it, not rows another tablet filled in meanwhile.
    """

    def rows(self) -> list[tuple[Field, Field]]:
        """``(number field, shown-value field)`` per invitation, in the order of the page."""
        return [(field, self[f"was_{name.removeprefix('came_')}"]) for name, field in self._fields.items()
                if name.startswith("came_")]

    def changed_counts(self, submitted: Container[str]) -> dict[int, int | None]:
        """``{invitation_id: people or None}`` for the rows whose number was changed on this page.

        ``submitted`` holds the names of the posted fields (``request.form``).
        """
        changed: dict[int, int | None] = {}
        for came, was in self.rows():
            if came.name not in submitted:
                continue  # a row added after the page was shown: not touched here
            shown = parse_number(str(was.data or ""), HEADCOUNT)
            if came.data != shown:
                changed[int(came.name.removeprefix("came_"))] = came.data
        return changed


def check_in_form(invitations: Sequence[Invitation], **kwargs: Any) -> CheckInForm:
    """The check-in form of an event: a field ``came_<invitation id>`` per row, labelled with the unit."""

    class EventCheckInForm(CheckInForm):
        pass

    for invitation in invitations:
        shown = "" if invitation.actual_attendance is None else str(invitation.actual_attendance)
        setattr(
            EventCheckInForm,
            f"came_{invitation.id}",
            IntegerField(unit_name(invitation.unit), validators=[Optional(), NumberWithinBounds(HEADCOUNT)],
                         default=invitation.actual_attendance),
        )
        setattr(EventCheckInForm, f"was_{invitation.id}", HiddenField(default=shown))
    return EventCheckInForm(**kwargs)


class WalkInForm(BaseForm):
    """People from a unit that was not invited."""

    unit = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    came = IntegerField(_l("People who came"),
                        validators=[InputRequired(), NumberRange(min=1, max=HEADCOUNT.high)])

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units_by_id = {unit.id: unit for unit in units}
        self.unit.choices = options([(unit.id, unit_name(unit)) for unit in units])

    def chosen_unit(self) -> Unit:
        """The unit picked in the list (after :meth:`validate`, which keeps the choice to the listed units)."""
        return self.units_by_id[self.unit.data]
