"""Events, series, agendas: pages for everyone signed in, editing for organisers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.access import ORGANISERS, STAFF, roles_required, signed_in
from ..bounds import FIRST_DAY, LAST_DAY, RECORD_ID, parse_month, parse_number, requested_page
from ..extensions import db
from ..forms import confirmation_page, confirmed
from ..i18n import current_language
from ..models import AgendaItem, Event, EventStatus, Series
from ..pagecache import cached_page
from ..settings import settings
from . import anniversaries, services
from .forms import (
    AgendaItemForm,
    CancelForm,
    DuplicateForm,
    EventFilterForm,
    EventForm,
    MoveForm,
    SeriesForm,
)
from .visibility import may_see, visible_statuses

bp = Blueprint("events", __name__)

#: Answer code of a form shown again because of overlap warnings (nothing saved yet).
WARNING_STATUS = 409


def _form_status(form: Any) -> int:
    """422 for a form shown again with errors, else 200."""
    return 422 if form.errors else 200


def _visible_event(event_id: int) -> Event:
    """The event loaded for its page, or 404 when missing or not for this user (drafts for non-organisers)."""
    event = services.event_for_page(event_id)
    if event is None or not may_see(current_user, event):
        abort(404)
    return event


def _agenda_item(event: Event, item_id: int) -> AgendaItem:
    """An item of ``event``'s agenda, or 404 (also for an item of another event)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _today() -> date:
    """Today in the agency's time zone."""
    return datetime.now(ZoneInfo(settings().timezone)).date()


# The start page ("/") is the home area's (tracker/home/views.py).


# --- Lists ------------------------------------------------------------------------------------------


@bp.route("/events")
@signed_in
@cached_page
def list_events() -> tuple[str, int]:
    """Upcoming or past events, filtered by series, kind, status and date range, a page at a time."""
    language = current_language()
    statuses = list(visible_statuses(current_user))
    form = EventFilterForm(formdata=request.args, series=services.all_series(), statuses=statuses,
                           language=language)
    valid = form.validate()
    pagination = services.events_page(
        current_user,
        form.filters(),
        page=requested_page(request.args),
        per_page=settings().page_size,
        zone=settings().timezone,
    )
    filtered = any(request.args.get(name) for name in ("series", "kind", "status", "date_from", "date_to"))
    return render_template("events/event_list.html", form=form, pagination=pagination,
                           filtered=filtered), 200 if valid else 422


@bp.route("/calendar")
@signed_in
@cached_page
def month() -> str:
    """A month of events (``?month=2012-02``) with links to the months before and after.

    A month that is malformed or outside the accepted years is a bad request (400) that says why.
    """
    first = parse_month(request.args.get("month", ""), _today())
    if first is None:
        abort(400, description=_("Give the month as YYYY-MM between %(first)s and %(last)s, for example 2012-02.",
                                 first=FIRST_DAY.strftime("%Y-%m"), last=LAST_DAY.strftime("%Y-%m")))
    language = current_language()
    weeks = services.month_weeks(first.year, first.month, current_user, settings().timezone)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    day_names = Locale.parse(language).days["stand-alone"]["abbreviated"]
    return render_template(
        "events/month.html",
        weeks=weeks,
        first=first,
        title=format_date(first, "LLLL y", locale=language),
        # No links to months the page would refuse.
        previous=previous if previous >= FIRST_DAY else None,
        following=following if following <= LAST_DAY else None,
        weekdays=[day_names[i] for i in range(7)],
        today=_today(),
        has_events=any(cell.events for week in weeks for cell in week if cell.in_month),
    )


# --- Series -----------------------------------------------------------------------------------------


@bp.route("/series")
@signed_in
def list_series() -> str:
    """Every series with its commemorated date and how many events it has."""
    pagination, counts = services.series_page(
        requested_page(request.args), settings().page_size, current_user
    )
    return render_template("events/series_list.html", pagination=pagination, counts=counts)


@bp.route("/series/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def create_series() -> tuple[str, int] | Response:
    """Add a series."""
    form = SeriesForm(data=_anniversary_prefill())
    if (series := form.apply(lambda: services.create_series(form.details()))) is not None:
        flash(_("Series created. Add its events next."), "success")
        return redirect(url_for("events.series_detail", series_id=series.id))
    return render_template("events/series_form.html", form=form, series=None), _form_status(form)


def _anniversary_prefill() -> dict[str, Any] | None:
    """Form values for "Plan it" on the anniversaries page (``?from=<series id>&anniversary=<number>``): the
    last series of the date, its ordinal renumbered. Anything unusable gives the empty form."""
    source = parse_number(request.args.get("from"), RECORD_ID)
    number = parse_number(request.args.get("anniversary"), anniversaries.ANNIVERSARY)
    series = db.session.get(Series, source) if source else None
    if series is None or number is None or series.commemorated_on is None:
        return None
    return SeriesForm.for_anniversary(series, number)


@bp.route("/series/anniversaries")
@roles_required(*STAFF)
def coming_anniversaries() -> str:
    """The round anniversaries of the next ten years of every commemorated date, and whether each is planned."""
    coming = anniversaries.coming_anniversaries(current_user, settings())
    return render_template("events/anniversaries.html", anniversaries=coming,
                           years_ahead=anniversaries.YEARS_AHEAD)


@bp.route("/series/<int:series_id>")
@signed_in
@cached_page
def series_detail(series_id: int) -> str:
    """A series with its events in order, each with the anniversary it marks."""
    series = db.get_or_404(Series, series_id)
    pagination = services.series_events(series, current_user, requested_page(request.args), settings().page_size)
    return render_template("events/series_detail.html", series=series, pagination=pagination)


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_series(series_id: int) -> tuple[str, int] | Response:
    """Change a series."""
    series = db.get_or_404(Series, series_id)
    form = SeriesForm(data=SeriesForm.initial(series))
    if form.apply(lambda: services.update_series(series, form.details())) is not None:
        flash(_("Series saved."), "success")
        return redirect(url_for("events.series_detail", series_id=series.id))
    return render_template("events/series_form.html", form=form, series=series), _form_status(form)


# --- Events -----------------------------------------------------------------------------------------


def _event_form(event: Event | None = None, **kwargs: Any) -> EventForm:
    """The event form with its choices loaded; filled from ``event`` when editing."""
    if event is not None:
        kwargs.setdefault("data", EventForm.initial(event))
    return EventForm(
        series=services.all_series(),
        venues=services.all_venues(),
        people=services.all_people(),
        language=current_language(),
        default_timezone=event.timezone if event else settings().timezone,
        **kwargs,
    )


def _render_event_form(form: EventForm, event: Event | None, clashes: list[services.Clash] | None = None,
                       ) -> tuple[str, int]:
    status = WARNING_STATUS if clashes else _form_status(form)
    return render_template("events/event_form.html", form=form, event=event, clashes=clashes or []), status


@bp.route("/events/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def create_event() -> tuple[str, int] | Response:
    """Add an event; overlaps in the venue or of the presiding official are shown before saving."""
    series_id = parse_number(request.args.get("series_id"), RECORD_ID) or None
    form = _event_form(data={"series_id": series_id})

    def save() -> Event | list[services.Clash]:
        details = form.details()
        clashes = services.event_clashes(details)
        if clashes and not form.confirm_overlaps.data:
            return clashes  # shown with WARNING_STATUS; nothing is saved
        return services.create_event(details, current_user)

    outcome = form.apply(save)
    if isinstance(outcome, Event):
        flash(_("Event created. Add its agenda next."), "success")
        return redirect(url_for("events.detail", event_id=outcome.id))
    return _render_event_form(form, None, outcome)


@bp.route("/events/<int:event_id>")
@signed_in
@cached_page
def detail(event_id: int) -> str:
    """The event as a programme: when and where, presiding official, agenda with times and speakers."""
    event = _visible_event(event_id)
    return render_template("events/detail.html", event=event, schedule=services.run_of_show(event))


@bp.route("/events/<int:event_id>/run-of-show")
@signed_in
def run_of_show(event_id: int) -> str:
    """A printable run-of-show for the staff at the ceremony."""
    event = _visible_event(event_id)
    return render_template("events/run_of_show.html", event=event, schedule=services.run_of_show(event))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_event(event_id: int) -> tuple[str, int] | Response:
    """Change an event; calendar-visible changes raise its SEQUENCE and notify the invited units."""
    event = services.event_for_page(event_id) or abort(404)
    form = _event_form(event)

    def save() -> set[str] | list[services.Clash]:
        details = form.details()
        clashes = services.event_clashes(details, event)
        if clashes and not form.confirm_overlaps.data:
            return clashes  # shown with WARNING_STATUS; nothing is saved
        return services.update_event(event, details)

    outcome = form.apply(save)
    if isinstance(outcome, set):
        if outcome & services.CALENDAR_FIELDS:
            flash(_("Event saved. Invited units will be sent the change."), "success")
        else:
            flash(_("Event saved."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return _render_event_form(form, event, outcome)


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def cancel_event(event_id: int) -> tuple[str, int] | Response:
    """Ask for confirmation, then cancel the event; invited units are sent a cancellation."""
    event = db.get_or_404(Event, event_id)
    form = CancelForm()
    if form.validate_on_submit() and confirmed():
        if services.cancel_event(event):
            flash(_("The event is cancelled. Invited units will be told."), "success")
        else:
            flash(_("The event was already cancelled."), "info")
        return redirect(url_for("events.detail", event_id=event.id))
    page, _status = confirmation_page(
        template="events/cancel.html", event=event,
        title=_("Cancel “%(title)s”?", title=event.text("title", current_language())),
        consequence=_("Every invited unit will be sent a cancellation, and the event disappears from their "
                      "calendars. This cannot be undone from here."),
        yes=_("Yes, cancel the event"), back=url_for("events.detail", event_id=event.id))
    return page, _form_status(form)


@bp.route("/events/<int:event_id>/duplicate", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def duplicate_event(event_id: int) -> tuple[str, int] | Response:
    """Copy an event with its agenda to a new date, as a draft (next year's anniversary)."""
    event = services.event_for_page(event_id) or abort(404)
    start = event.local_start.date()
    try:
        next_year = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        next_year = start.replace(year=start.year + 1, day=28)
    form = DuplicateForm(data={"starts_on": next_year})
    if (copy_ := form.apply(lambda: services.duplicate_event(event, form.starts_on.data, current_user))) is not None:
        flash(_("Copied as a draft with its agenda. Check the title and details, then schedule it."), "success")
        return redirect(url_for("events.edit_event", event_id=copy_.id))
    return render_template("events/duplicate.html", event=event, form=form), _form_status(form)


# --- Agenda -----------------------------------------------------------------------------------------


def _agenda_form(**kwargs: Any) -> AgendaItemForm:
    return AgendaItemForm(people=services.all_people(), language=current_language(), **kwargs)


def _speaker_clashes(event: Event, form: AgendaItemForm) -> list[services.Clash]:
    """Other events the chosen speaker is in at the same time (a new person cannot be elsewhere)."""
    if form.confirm_overlaps.data or not form.speaker_id.data or event.status == EventStatus.CANCELLED:
        return []
    return services.find_clashes(event, venue_id=None, people_ids={form.speaker_id.data},
                                 exclude_event_id=event.id)


@bp.route("/events/<int:event_id>/agenda", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def agenda(event_id: int) -> tuple[str, int] | Response:
    """The agenda editor: items in order with their times; a form adds an item at the end."""
    event = services.event_for_page(event_id) or abort(404)
    form = _agenda_form()

    def save() -> AgendaItem | list[services.Clash]:
        return _speaker_clashes(event, form) or services.add_agenda_item(event, form.details())

    outcome = form.apply(save)
    if isinstance(outcome, AgendaItem):
        flash(_("Item added to the agenda."), "success")
        return redirect(url_for("events.agenda", event_id=event.id, _anchor=f"item-{outcome.id}"))
    clashes = outcome or []
    status = WARNING_STATUS if clashes else _form_status(form)
    return render_template("events/agenda.html", event=event, form=form, clashes=clashes,
                           schedule=services.run_of_show(event)), status


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_agenda_item(event_id: int, item_id: int) -> tuple[str, int] | Response:
    """Change one agenda item."""
    event = services.event_for_page(event_id) or abort(404)
    item = _agenda_item(event, item_id)
    form = _agenda_form(data=AgendaItemForm.initial(item))

    def save() -> AgendaItem | list[services.Clash]:
        clashes = _speaker_clashes(event, form) if form.speaker_id.data != item.speaker_id else []
        return clashes or services.update_agenda_item(item, form.details())

    outcome = form.apply(save)
    if isinstance(outcome, AgendaItem):
        flash(_("Agenda item saved."), "success")
        return redirect(url_for("events.agenda", event_id=event.id, _anchor=f"item-{item.id}"))
    clashes = outcome or []
    status = WARNING_STATUS if clashes else _form_status(form)
    return render_template("events/agenda_item_form.html", event=event, item=item, form=form,
                           clashes=clashes), status


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_agenda_item(event_id: int, item_id: int) -> Response | tuple[str, int]:
    """Remove an item, once confirmed; the ones after it move up."""
    event = services.event_for_page(event_id) or abort(404)
    item = _agenda_item(event, item_id)
    if not confirmed():
        return confirmation_page(
            title=_("Remove “%(item)s” from the agenda?", item=item.text("title", current_language())),
            consequence=_("The item is deleted from the agenda of “%(event)s”; the items after it move up.",
                          event=event.text("title", current_language())),
            yes=_("Yes, remove"), back=url_for("events.agenda", event_id=event.id, _anchor=f"item-{item.id}"))
    services.remove_agenda_item(item)
    flash(_("Item removed from the agenda."), "success")
    return redirect(url_for("events.agenda", event_id=event.id))


@bp.route("/events/<int:event_id>/agenda/<int:item_id>/move", methods=["POST"])
@roles_required(*ORGANISERS)
def move_agenda_item(event_id: int, item_id: int) -> Response:
    """Move an item one place up or down (``direction=up|down``)."""
    event = services.event_for_page(event_id) or abort(404)
    item = _agenda_item(event, item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_agenda_item(item, -1 if form.direction.data == "up" else 1)
    return redirect(url_for("events.agenda", event_id=event.id, _anchor=f"item-{item.id}"))
