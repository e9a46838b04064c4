"""Units, people and venues: the organisers' reference lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response

from ..auth.access import ORGANISERS, roles_required
from ..bounds import requested_page
from ..extensions import db
from ..forms import MultilingualForm, confirmation_page, confirmed
from ..i18n import current_language
from ..models import Person, Unit, Venue
from ..settings import settings
from . import services
from .forms import PersonForm, UnitForm, VenueForm, unit_choices
from .services import DirectoryError

bp = Blueprint("directory", __name__)


def _list_page(template: str, list_page: Callable[[str, int, int], Pagination]) -> str:
    """Render a list page: the page of rows ``list_page`` finds for the ``q`` and ``page`` arguments."""
    query = request.args.get("q", "").strip()
    pagination = list_page(query, requested_page(request.args), settings().page_size)
    return render_template(template, pagination=pagination, query=query)


def _form_page(template: str, form: MultilingualForm, **context: Any) -> tuple[str, int]:
    """Render a form page: 422 when it shows validation errors."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


# --- units ---------------------------------------------------------------------------------------------


@bp.route("/units")
@roles_required(*ORGANISERS)
def list_units() -> str:
    """Units with their parent and sub-units, a page at a time."""
    return _list_page("directory/units.html", services.units_page)


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_unit() -> str | Response | tuple[str, int]:
    """Add a unit."""
    form = UnitForm()
    form.parent_id.choices = unit_choices(services.all_units(), current_language())
    if (unit := form.apply(lambda: services.create_unit(form.details()))) is not None:
        flash(_("Unit %(code)s added.", code=unit.code), "success")
        return redirect(url_for("directory.list_units"))
    return _form_page("directory/unit_form.html", form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_unit(unit_id: int) -> str | Response | tuple[str, int]:
    """Change a unit: names, parent, contact emails, active flag."""
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = unit_choices(services.all_units(), current_language(), exclude=unit)
    if request.method == "GET":
        form.load(unit)
    if form.apply(lambda: services.update_unit(unit, form.details())) is not None:
        flash(_("Unit %(code)s saved.", code=unit.code), "success")
        return redirect(url_for("directory.list_units"))
    return _form_page(
        "directory/unit_form.html", form, unit=unit, deletable=not services.unit_is_referenced(unit)
    )


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_unit(unit_id: int) -> Response | tuple[str, int]:
    """Delete a unit nothing refers to; deactivate one with invitations, accounts, people or sub-units.
    Once confirmed."""
    unit = db.get_or_404(Unit, unit_id)
    code = unit.code
    if not confirmed():
        name = unit.text("name", current_language())
        back = url_for("directory.edit_unit", unit_id=unit.id)
        if services.unit_is_referenced(unit):
            return confirmation_page(
                title=_("Deactivate the unit %(unit)s?", unit=name),
                consequence=_("It will no longer be invited; its invitations, accounts and history are kept."),
                yes=_("Yes, deactivate"), back=back)
        return confirmation_page(title=_("Delete the unit %(unit)s?", unit=name),
                                 consequence=_("This cannot be undone."), yes=_("Yes, delete"), back=back)
    if services.remove_unit(unit):
        flash(_("Unit %(code)s deleted.", code=code), "success")
    else:
        flash(
            _("Unit %(code)s has invitations, accounts, people or sub-units, so it was deactivated instead of "
              "deleted; its history is kept.", code=code),
            "warning",
        )
    return redirect(url_for("directory.list_units"))


# --- people --------------------------------------------------------------------------------------------


@bp.route("/people")
@roles_required(*ORGANISERS)
def list_people() -> str:
    """Speakers and officials, a page at a time."""
    return _list_page("directory/people.html", services.people_page)


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_person() -> str | Response | tuple[str, int]:
    """Add a speaker or official."""
    form = PersonForm()
    form.unit_id.choices = unit_choices(services.all_units(), current_language())
    if (person := form.apply(lambda: services.create_person(form.details()))) is not None:
        flash(_("%(name)s added.", name=person.text("full_name", current_language())), "success")
        return redirect(url_for("directory.list_people"))
    return _form_page("directory/person_form.html", form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_person(person_id: int) -> str | Response | tuple[str, int]:
    """Change a person's name, rank, position or unit."""
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person)
    form.unit_id.choices = unit_choices(services.all_units(), current_language())
    if request.method == "GET":
        form.show_texts(person)
    if form.apply(lambda: services.update_person(person, form.details())) is not None:
        flash(_("%(name)s saved.", name=person.text("full_name", current_language())), "success")
        return redirect(url_for("directory.list_people"))
    return _form_page("directory/person_form.html", form, person=person)


@bp.route("/people/<int:person_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_person(person_id: int) -> Response | tuple[str, int]:
    """Delete a person no agenda or event mentions, once confirmed."""
    person = db.get_or_404(Person, person_id)
    name = person.text("full_name", current_language())
    if not confirmed():
        return confirmation_page(title=_("Delete %(name)s?", name=name), consequence=_("This cannot be undone."),
                                 yes=_("Yes, delete"), back=url_for("directory.edit_person", person_id=person.id))
    try:
        services.delete_person(person)
    except DirectoryError as error:
        flash(error.translated(), "error")
        return redirect(url_for("directory.edit_person", person_id=person_id))
    flash(_("%(name)s deleted.", name=name), "success")
    return redirect(url_for("directory.list_people"))


# --- venues --------------------------------------------------------------------------------------------


@bp.route("/venues")
@roles_required(*ORGANISERS)
def list_venues() -> str:
    """Halls and rooms, a page at a time."""
    return _list_page("directory/venues.html", services.venues_page)


@bp.route("/venues/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_venue() -> str | Response | tuple[str, int]:
    """Add a venue."""
    form = VenueForm()
    if (venue := form.apply(lambda: services.create_venue(form.details()))) is not None:
        flash(_("%(name)s added.", name=venue.text("name", current_language())), "success")
        return redirect(url_for("directory.list_venues"))
    return _form_page("directory/venue_form.html", form, venue=None)


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_venue(venue_id: int) -> str | Response | tuple[str, int]:
    """Change a venue's name, address or capacity."""
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    if request.method == "GET":
        form.show_texts(venue)
    if form.apply(lambda: services.update_venue(venue, form.details())) is not None:
        flash(_("%(name)s saved.", name=venue.text("name", current_language())), "success")
        return redirect(url_for("directory.list_venues"))
    return _form_page("directory/venue_form.html", form, venue=venue)


@bp.route("/venues/<int:venue_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_venue(venue_id: int) -> Response | tuple[str, int]:
    """Delete a venue no event takes place in, once confirmed."""
    venue = db.get_or_404(Venue, venue_id)
    name = venue.text("name", current_language())
    if not confirmed():
        return confirmation_page(title=_("Delete %(name)s?", name=name), consequence=_("This cannot be undone."),
                                 yes=_("Yes, delete"), back=url_for("directory.edit_venue", venue_id=venue.id))
    try:
        services.delete_venue(venue)
    except DirectoryError as error:
        flash(error.translated(), "error")
        return redirect(url_for("directory.edit_venue", venue_id=venue_id))
    flash(_("%(name)s deleted.", name=name), "success")
    return redirect(url_for("directory.list_venues"))
