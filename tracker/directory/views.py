"""Units, people and venues: the organisers' reference lists."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from ..auth.access import ORGANISERS, roles_required
from ..bounds import requested_page
from ..extensions import db
from ..i18n import current_language
from ..models import Person, Unit, Venue
from . import services
from .forms import PersonForm, TranslatedForm, UnitForm, VenueForm, unit_choices
from .services import DirectoryError, PersonFields, UnitFields, VenueFields

bp = Blueprint("directory", __name__)


def _page(select: Any) -> Any:
    """One page of ``select``: two queries (rows and count), whatever the page size."""
    return db.paginate(
        select,
        page=requested_page(request.args),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )


def _search(select: Any, *columns: Any) -> tuple[Any, str]:
    """Narrow ``select`` to rows whose ``columns`` contain the ``q`` argument (case-insensitive)."""
    query = request.args.get("q", "").strip()
    if query:
        pattern = f"%{query}%"
        select = select.where(or_(*(column.ilike(pattern) for column in columns)))
    return select, query


def _form_page(template: str, form: TranslatedForm, **context: Any) -> tuple[str, int]:
    """Render a form page: 422 when it shows validation errors."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _all_units() -> list[Unit]:
    return list(db.session.execute(db.select(Unit).order_by(Unit.name)).scalars())


def _chosen_unit(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id is not None else None


# --- units ---------------------------------------------------------------------------------------------


def _unit_fields(form: UnitForm) -> UnitFields:
    return UnitFields(
        code=form.code.data or "",
        name=form.name.data or "",
        parent=_chosen_unit(form.parent_id.data),
        contact_emails=form.emails(),
        active=bool(form.active.data),
        translations=form.translations(),
    )


@bp.route("/units")
@roles_required(*ORGANISERS)
def list_units() -> str:
    """Units with their parent and sub-units, a page at a time."""
    select = (
        db.select(Unit)
        .options(joinedload(Unit.parent), selectinload(Unit.children))
        .order_by(Unit.name, Unit.id)
    )
    select, query = _search(select, Unit.code, Unit.name)
    return render_template("directory/units.html", pagination=_page(select), query=query)


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_unit() -> str | Response | tuple[str, int]:
    """Add a unit."""
    form = UnitForm()
    form.parent_id.choices = unit_choices(_all_units(), current_language())
    if form.validate_on_submit():
        try:
            unit = services.create_unit(_unit_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Unit %(code)s added.", code=unit.code), "success")
            return redirect(url_for("directory.list_units"))
    return _form_page("directory/unit_form.html", form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_unit(unit_id: int) -> str | Response | tuple[str, int]:
    """Change a unit: names, parent, contact emails, active flag."""
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = unit_choices(_all_units(), current_language(), exclude=unit)
    if request.method == "GET":
        form.load(unit)
    if form.validate_on_submit():
        try:
            services.update_unit(unit, _unit_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("Unit %(code)s saved.", code=unit.code), "success")
            return redirect(url_for("directory.list_units"))
    return _form_page(
        "directory/unit_form.html", form, unit=unit, deletable=not services.unit_is_referenced(unit)
    )


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_unit(unit_id: int) -> Response:
    """Delete a unit nothing refers to; deactivate one with invitations, accounts, people or sub-units."""
    unit = db.get_or_404(Unit, unit_id)
    code = unit.code
    if services.remove_unit(unit):
        flash(_("Unit %(code)s deleted.", code=code), "success")
    else:
        flash(
            _("Unit %(code)s has invitations, accounts, people or sub-units, so it was deactivated instead of "
              "deleted; its history is kept.", code=code),
            "warning",
        )
    db.session.commit()
    return redirect(url_for("directory.list_units"))


# --- people --------------------------------------------------------------------------------------------


def _person_fields(form: PersonForm) -> PersonFields:
    return PersonFields(
        full_name=form.full_name.data or "",
        rank=form.rank.data or "",
        position=form.position.data or "",
        unit=_chosen_unit(form.unit_id.data),
        translations=form.translations(),
    )


@bp.route("/people")
@roles_required(*ORGANISERS)
def list_people() -> str:
    """Speakers and officials, a page at a time."""
    select = db.select(Person).options(joinedload(Person.unit)).order_by(Person.full_name, Person.id)
    select, query = _search(select, Person.full_name, Person.rank, Person.position)
    return render_template("directory/people.html", pagination=_page(select), query=query)


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_person() -> str | Response | tuple[str, int]:
    """Add a speaker or official."""
    form = PersonForm()
    form.unit_id.choices = unit_choices(_all_units(), current_language())
    if form.validate_on_submit():
        try:
            person = services.create_person(_person_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=person.full_name), "success")
            return redirect(url_for("directory.list_people"))
    return _form_page("directory/person_form.html", form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_person(person_id: int) -> str | Response | tuple[str, int]:
    """Change a person's name, rank, position or unit."""
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person)
    form.unit_id.choices = unit_choices(_all_units(), current_language())
    if request.method == "GET":
        form.load_translations(person)
    if form.validate_on_submit():
        try:
            services.update_person(person, _person_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=person.full_name), "success")
            return redirect(url_for("directory.list_people"))
    return _form_page("directory/person_form.html", form, person=person)


@bp.route("/people/<int:person_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_person(person_id: int) -> Response:
    """Delete a person no agenda or event mentions."""
    person = db.get_or_404(Person, person_id)
    name = person.full_name
    try:
        services.delete_person(person)
    except DirectoryError as error:
        db.session.rollback()
        flash(error.translated(), "error")
        return redirect(url_for("directory.edit_person", person_id=person_id))
    db.session.commit()
    flash(_("%(name)s deleted.", name=name), "success")
    return redirect(url_for("directory.list_people"))


# --- venues --------------------------------------------------------------------------------------------


def _venue_fields(form: VenueForm) -> VenueFields:
    return VenueFields(
        name=form.name.data or "",
        address=form.address.data or "",
        capacity=form.capacity.data,
        translations=form.translations(),
    )


@bp.route("/venues")
@roles_required(*ORGANISERS)
def list_venues() -> str:
    """Halls and rooms, a page at a time."""
    select = db.select(Venue).order_by(Venue.name, Venue.id)
    select, query = _search(select, Venue.name, Venue.address)
    return render_template("directory/venues.html", pagination=_page(select), query=query)


@bp.route("/venues/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_venue() -> str | Response | tuple[str, int]:
    """Add a venue."""
    form = VenueForm()
    if form.validate_on_submit():
        try:
            venue = services.create_venue(_venue_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=venue.name), "success")
            return redirect(url_for("directory.list_venues"))
    return _form_page("directory/venue_form.html", form, venue=None)


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_venue(venue_id: int) -> str | Response | tuple[str, int]:
    """Change a venue's name, address or capacity."""
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    if request.method == "GET":
        form.load_translations(venue)
    if form.validate_on_submit():
        try:
            services.update_venue(venue, _venue_fields(form))
        except DirectoryError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=venue.name), "success")
            return redirect(url_for("directory.list_venues"))
    return _form_page("directory/venue_form.html", form, venue=venue)


@bp.route("/venues/<int:venue_id>/delete", methods=["POST"])
@roles_required(*ORGANISERS)
def delete_venue(venue_id: int) -> Response:
    """Delete a venue no event takes place in."""
    venue = db.get_or_404(Venue, venue_id)
    name = venue.name
    try:
        services.delete_venue(venue)
    except DirectoryError as error:
        db.session.rollback()
        flash(error.translated(), "error")
        return redirect(url_for("directory.edit_venue", venue_id=venue_id))
    db.session.commit()
    flash(_("%(name)s deleted.", name=name), "success")
    return redirect(url_for("directory.list_venues"))
