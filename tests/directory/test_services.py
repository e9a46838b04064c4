"""Directory rules called directly: the unit tree, contact addresses, translations."""

from __future__ import annotations

import pytest

from tracker.directory.services import (
    DirectoryError,
    UnitFields,
    VenueFields,
    create_unit,
    create_venue,
    normalise_emails,
    remove_unit,
    update_unit,
)
from tracker.extensions import db
from tracker.models import Unit


def test_a_cycle_through_several_levels_is_refused(app):
    with app.app_context():
        top = create_unit(UnitFields(code="TOP", name="Top"))
        middle = create_unit(UnitFields(code="MID", name="Middle", parent=top))
        bottom = create_unit(UnitFields(code="LOW", name="Bottom", parent=middle))
        with pytest.raises(DirectoryError) as caught:
            update_unit(top, UnitFields(code="TOP", name="Top", parent=bottom))
        assert caught.value.field == "parent_id"
        assert top.parent is None


def test_moving_a_unit_under_a_sibling_is_allowed(app):
    with app.app_context():
        top = create_unit(UnitFields(code="TOP", name="Top"))
        left = create_unit(UnitFields(code="L", name="Left", parent=top))
        right = create_unit(UnitFields(code="R", name="Right", parent=top))
        update_unit(right, UnitFields(code="R", name="Right", parent=left))
        assert right.parent is left


def test_codes_are_stored_in_capitals(app):
    with app.app_context():
        assert create_unit(UnitFields(code=" ganja ", name="Ganja")).code == "GANJA"


def test_emails_are_normalised_and_deduplicated():
    assert normalise_emails(["CIT@Units.example.org", "", "cit@units.example.org", "b@units.example.org"]) == [
        "CIT@units.example.org",
        "b@units.example.org",
    ]


def test_an_address_without_domain_is_refused():
    with pytest.raises(DirectoryError) as caught:
        normalise_emails(["cit@"])
    assert caught.value.field == "contact_emails"
    assert str(caught.value) == "cit@ is not an email address."


def test_remove_unit_says_whether_it_deleted(app):
    with app.app_context():
        parent = create_unit(UnitFields(code="P", name="Parent"))
        create_unit(UnitFields(code="C", name="Child", parent=parent))
        assert remove_unit(parent) is False
        assert parent.active is False
        child = db.session.execute(db.select(Unit).where(Unit.code == "C")).scalar_one()
        assert remove_unit(child) is True


def test_venue_capacity_below_one_is_refused(app):
    with app.app_context(), pytest.raises(DirectoryError):
        create_venue(VenueFields(name="Broom cupboard", capacity=0))
