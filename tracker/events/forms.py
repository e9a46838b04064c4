"""Forms of the events area: series, events, agenda items, duplication, cancellation and list filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..bounds import AGENDA_DURATION, DateWithinBounds, NumberWithinBounds
from ..directory.services import PersonDetails
from ..forms import BaseForm, MultilingualForm, in_every_language, none_choice, optional_id, options, texts_data
from ..i18n import primary_language, site_languages, translation_languages
from ..models import AgendaItem, AgendaKind, Event, EventKind, EventStatus, Person, Series, Venue
from ..timemath import local_instant
from ..vocabulary import AGENDA_KIND_LABELS, EVENT_KIND_LABELS, EVENT_STATUS_LABELS, language_name
from .anniversaries import next_series_texts, series_anniversary
from .services import (
    AGENDA_NOTES_LENGTH,
    DESCRIPTION_LENGTH,
    AgendaItemDetails,
    EventDetails,
    EventFilters,
    SeriesDetails,
    agenda_item_problems,
    daily_hours_problems,
    event_problems,
    series_problems,
)


@cache
def timezone_choices() -> list[SelectChoice]:
    """Every IANA zone name, sorted; computed once per process."""
    regions = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/",
               "Pacific/")
    return options((name, name) for name in sorted(available_timezones()) if name.startswith(regions) or name == "UTC")


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- Series -----------------------------------------------------------------------------------------


@in_every_language("title", "description")
class SeriesForm(MultilingualForm):
    """Create or edit a series."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_LENGTH)])
    commemorated_on = DateField(_l("Commemorated date"), validators=[Optional(), DateWithinBounds()])

    @staticmethod
    def initial(series: Series) -> dict[str, Any]:
        """Form values showing ``series``."""
        return {
            "commemorated_on": series.commemorated_on,
            **texts_data(series, "title", "description"),
        }

    @staticmethod
    def for_anniversary(series: Series, number: int) -> dict[str, Any]:
        """Form values for the series of the ``number``-th anniversary of ``series``' date, from ``series`` (the
        last one of that date): its texts with the ordinal renumbered (:func:`.anniversaries.next_series_texts`)."""
        primary, others = primary_language(), translation_languages()
        texts = next_series_texts(series, number, (primary, *others), series_anniversary(series))
        data: dict[str, Any] = {"commemorated_on": series.commemorated_on}
        for name, per_language in texts.items():
            data[name] = per_language.get(primary, "")
            data.update({f"{name}_{code}": per_language.get(code, "") for code in others})
        return data

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the series' rules (:func:`~tracker.events.services.series_problems`)."""
        if not super().validate(extra_validators):
            return False
        for problem in series_problems(self.details()):
            self.add_error(problem)
        return not self.errors

    def details(self) -> SeriesDetails:
        """The validated input as service arguments."""
        return SeriesDetails(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            commemorated_on=self.commemorated_on.data,
            translations=self.translations(),
        )


# --- Events -----------------------------------------------------------------------------------------


@in_every_language("title", "description")
class EventForm(MultilingualForm):
    """Create or edit an event; dates and times are local to the chosen time zone."""

    series_id = SelectField(_l("Series"), coerce=optional_id)
    kind = SelectField(_l("Kind"), default=EventKind.CEREMONY.value)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_LENGTH)])
    venue_id = SelectField(_l("Venue"), coerce=optional_id)
    starts_on = DateField(_l("Start date"), validators=[InputRequired(), DateWithinBounds()])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[InputRequired(), DateWithinBounds()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    timezone = SelectField(_l("Time zone"))
    all_day = BooleanField(_l("All day (no times)"))
    daily_opens = TimeField(_l("Opens daily at"), validators=[Optional()])
    daily_closes = TimeField(_l("Closes daily at"), validators=[Optional()])
    status = SelectField(_l("Status"), default=EventStatus.DRAFT.value)
    presiding_id = SelectField(_l("Presiding"), coerce=optional_id)
    languages = MultiCheckboxField(_l("Languages of materials"))
    deadline_on = DateField(_l("Answers accepted until (date)"), validators=[Optional(), DateWithinBounds()])
    deadline_time = TimeField(_l("Answers accepted until (time)"), validators=[Optional()])
    public = BooleanField(_l("List in the public calendar feed"))
    #: Set by the "Save anyway" button after the organiser has seen the overlap warnings.
    confirm_overlaps = BooleanField(_l("Save anyway"))

    def __init__(self, *args: Any, series: list[Series], venues: list[Venue], people: list[Person],
                 language: str, default_timezone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.series_id.choices = [none_choice(), *options((s.id, s.text("title", language)) for s in series)]
        self.venue_id.choices = [none_choice(), *options((v.id, v.text("name", language)) for v in venues)]
        self.presiding_id.choices = [none_choice(),
                                     *options((p.id, person_choice_label(p, language)) for p in people)]
        self.kind.choices = options((k.value, EVENT_KIND_LABELS[k]) for k in EventKind)
        self.status.choices = options((s.value, EVENT_STATUS_LABELS[s]) for s in EventStatus)
        self.languages.choices = options((code, language_name(code)) for code in site_languages())
        zones = timezone_choices()
        if default_timezone not in {choice.value for choice in zones}:
            # An event may keep a zone outside the usual list (an alias such as "Etc/GMT-4").
            zones = options([(default_timezone, default_timezone)]) + zones
        self.timezone.choices = zones
        if not self.timezone.data:
            self.timezone.data = default_timezone
        self._details: EventDetails | None = None

    @staticmethod
    def initial(event: Event) -> dict[str, Any]:
        """Form values showing ``event`` in its own time zone."""
        zone = event.zone
        start, end = event.local_start, event.local_end
        if event.all_day:
            end = end - timedelta(days=1)  # the form shows the last day, the record keeps the exclusive end
        deadline = event.answer_deadline.astimezone(zone) if event.answer_deadline else None
        return {
            "series_id": event.series_id,
            "kind": event.kind,
            "venue_id": event.venue_id,
            "starts_on": start.date(),
            "start_time": None if event.all_day else start.time(),
            "ends_on": end.date(),
            "end_time": None if event.all_day else end.time(),
            "timezone": event.timezone,
            "all_day": event.all_day,
            "daily_opens": event.daily_opens,
            "daily_closes": event.daily_closes,
            "status": event.status,
            "presiding_id": event.presiding_id,
            "languages": list(event.languages or []),
            "deadline_on": deadline.date() if deadline else None,
            "deadline_time": deadline.time() if deadline else None,
            "public": event.public,
            **texts_data(event, "title", "description"),
        }

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the event's rules (:func:`~tracker.events.services.event_problems`).

        Every problem is shown beside its field. What only the form can get wrong (a missing time, a
        deadline time without its date) is checked here; the rest is the service's rule.
        """
        self._details = None
        if not super().validate(extra_validators):
            return False
        zone = self.timezone.data
        opens, closes = self.daily_opens.data, self.daily_closes.data
        starts_at = ends_at = None
        if self.all_day.data:
            starts_at = local_instant(self.starts_on.data, time(0), zone)
            ends_at = local_instant(self.ends_on.data + timedelta(days=1), time(0), zone)
        else:
            # With daily hours the first day opens and the last day closes at those hours unless told otherwise.
            start_time = self.start_time.data or opens
            end_time = self.end_time.data or closes
            if start_time is None:
                self.start_time.errors.append(_l("Give a start time, or tick “All day”."))
            else:
                starts_at = local_instant(self.starts_on.data, start_time, zone)
            if end_time is None:
                self.end_time.errors.append(_l("Give an end time, or tick “All day”."))
            else:
                ends_at = local_instant(self.ends_on.data, end_time, zone)
        deadline = None
        if self.deadline_time.data and not self.deadline_on.data:
            self.deadline_on.errors.append(_l("Give the date as well as the time."))
        elif self.deadline_on.data:
            deadline = local_instant(self.deadline_on.data, self.deadline_time.data or time(23, 59), zone)

        if starts_at is None or ends_at is None:
            # No span to check yet: the daily hours can still be judged on the dates given.
            problems = daily_hours_problems(all_day=bool(self.all_day.data), opens=opens, closes=closes,
                                            first_day=self.starts_on.data, last_day=self.ends_on.data)
        else:
            self._details = self._collect(starts_at, ends_at, deadline)
            problems = event_problems(self._details)
        for problem in problems:
            self.add_error(problem)
        return not self.errors

    def _collect(self, starts_at: datetime, ends_at: datetime, deadline: datetime | None) -> EventDetails:
        """The input as service arguments, with the instants worked out by :meth:`validate`."""
        return EventDetails(
            title=self.title.data.strip(),
            kind=self.kind.data,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=self.timezone.data,
            all_day=bool(self.all_day.data),
            daily_opens=self.daily_opens.data,
            daily_closes=self.daily_closes.data,
            series_id=self.series_id.data,
            venue_id=self.venue_id.data,
            presiding_id=self.presiding_id.data,
            description=(self.description.data or "").strip(),
            status=self.status.data,
            languages=[code for code in site_languages() if code in (self.languages.data or [])],
            answer_deadline=deadline,
            public=bool(self.public.data),
            translations=self.translations(),
        )

    def details(self) -> EventDetails:
        """The validated input as service arguments (call after :meth:`validate` said yes)."""
        assert self._details is not None, "details() of an event form that did not validate"
        return self._details


def person_choice_label(person: Person, language: str) -> str:
    """How a person appears in a select: name, then position."""
    position = person.text("position", language)
    name = person.text("full_name", language)
    return f"{name} — {position}" if position else name


class DuplicateForm(BaseForm):
    """Copy an event to a new start date."""

    starts_on = DateField(_l("New start date"), validators=[InputRequired(), DateWithinBounds()])


class CancelForm(BaseForm):
    """Confirm the cancellation of an event (CSRF only)."""


# --- Agenda -----------------------------------------------------------------------------------------


@in_every_language("title")
class AgendaItemForm(MultilingualForm):
    """One agenda item; the speaker is chosen from people or added on the spot."""

    kind = SelectField(_l("Kind"), default=AgendaKind.SPEECH.value)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    speaker_id = SelectField(_l("Speaker"), coerce=optional_id)
    new_speaker_name = StringField(_l("Full name"), validators=[Length(max=200)])
    new_speaker_rank = StringField(_l("Rank"), validators=[Length(max=200)])
    new_speaker_position = StringField(_l("Position"), validators=[Length(max=300)])
    planned_start = TimeField(_l("Planned start"), validators=[Optional()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[Optional(), NumberWithinBounds(AGENDA_DURATION)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=AGENDA_NOTES_LENGTH)])
    #: Set by the "Save anyway" button after the organiser has seen the overlap warnings.
    confirm_overlaps = BooleanField(_l("Save anyway"))

    def __init__(self, *args: Any, people: list[Person], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, AGENDA_KIND_LABELS[k]) for k in AgendaKind)
        self.speaker_id.choices = [none_choice(), *options((p.id, person_choice_label(p, language)) for p in people)]

    @staticmethod
    def initial(item: AgendaItem) -> dict[str, Any]:
        """Form values showing ``item``."""
        return {
            "kind": item.kind,
            "speaker_id": item.speaker_id,
            "planned_start": item.planned_start,
            "duration_minutes": item.duration_minutes,
            "notes": item.notes,
            **texts_data(item, "title"),
        }

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the item's rules (:func:`~tracker.events.services.agenda_item_problems`)."""
        if not super().validate(extra_validators):
            return False
        for problem in agenda_item_problems(self.details()):
            self.add_error(problem)
        return not self.errors

    def new_person(self) -> PersonDetails | None:
        """The person to add on the spot, if any of their fields was filled in."""
        name, rank, position = (
            (field.data or "").strip()
            for field in (self.new_speaker_name, self.new_speaker_rank, self.new_speaker_position)
        )
        if not (name or rank or position):
            return None
        return PersonDetails(full_name=name, rank=rank, position=position)

    def details(self) -> AgendaItemDetails:
        """The validated input as service arguments (a new speaker is added by the service)."""
        return AgendaItemDetails(
            kind=self.kind.data,
            title=self.title.data.strip(),
            speaker_id=self.speaker_id.data,
            planned_start=self.planned_start.data,
            duration_minutes=self.duration_minutes.data,
            notes=(self.notes.data or "").strip(),
            translations=self.translations(),
            new_speaker=self.new_person(),
        )


class MoveForm(BaseForm):
    """Move an agenda item one place up or down."""

    direction = SelectField(choices=options([("up", "up"), ("down", "down")]), validators=[DataRequired()])


# --- Filters ----------------------------------------------------------------------------------------


class EventFilterForm(BaseForm):
    """Filters of the events list, read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    when = SelectField(
        _l("When"),
        choices=options([("upcoming", _l("Upcoming")), ("past", _l("Past")), ("all", _l("All"))]),
        default="upcoming",
    )
    series = SelectField(_l("Series"), coerce=optional_id)
    kind = SelectField(_l("Kind"), default="")
    status = SelectField(_l("Status"), default="")
    date_from = DateField(_l("From"), validators=[Optional(), DateWithinBounds()])
    date_to = DateField(_l("To"), validators=[Optional(), DateWithinBounds()])

    def __init__(self, *args: Any, series: list[Series], statuses: list[str], language: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = none_choice(_l("Any"))
        self.series.choices = [any_choice, *options((s.id, s.text("title", language)) for s in series)]
        self.kind.choices = [any_choice, *options((k.value, EVENT_KIND_LABELS[k]) for k in EventKind)]
        self.status.choices = [any_choice, *options((s, EVENT_STATUS_LABELS[EventStatus(s)]) for s in statuses)]

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then: the range does not run backwards."""
        if not super().validate(extra_validators):
            return False
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors.append(_l("The end of the range must not be before its start."))
            return False
        return True

    def filters(self) -> EventFilters:
        """The filters to apply; fields with errors are left out."""

        def valid(field: Any) -> Any:
            return None if field.errors else field.data

        return EventFilters(
            when=valid(self.when) or "upcoming",
            series_id=valid(self.series) or None,
            kind=valid(self.kind) or None,
            status=valid(self.status) or None,
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
        )

