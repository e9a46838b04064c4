"""Directory rules called directly: the unit tree, contact addresses, translations."""

from __future__ import annotations

import pytest

from tracker.directory.services import (
    DirectoryError,
    PersonDetails,
    UnitDetails,
    VenueDetails,
    create_person,
    create_unit,
    create_venue,
    find_unit_by_code,
    find_units_by_codes,
    normalise_emails,
    remove_unit,
    units_page,
    update_person,
    update_unit,
)
from tracker.extensions import db
from tracker.models import Unit


def test_a_cycle_through_several_levels_is_refused(app):
    with app.app_context():
        top = create_unit(UnitDetails(code="TOP", name="Top"))
        middle = create_unit(UnitDetails(code="MID", name="Middle", parent_id=top.id))
        bottom = create_unit(UnitDetails(code="LOW", name="Bottom", parent_id=middle.id))
        with pytest.raises(DirectoryError) as caught:
            update_unit(top, UnitDetails(code="TOP", name="Top", parent_id=bottom.id))
        assert caught.value.field == "parent_id"
        assert top.parent is None


def test_moving_a_unit_under_a_sibling_is_allowed(app):
    with app.app_context():
        top = create_unit(UnitDetails(code="TOP", name="Top"))
        left = create_unit(UnitDetails(code="L", name="Left", parent_id=top.id))
        right = create_unit(UnitDetails(code="R", name="Right", parent_id=top.id))
        update_unit(right, UnitDetails(code="R", name="Right", parent_id=left.id))
        assert right.parent is left


def test_codes_are_stored_in_capitals(app):
    with app.app_context():
        assert create_unit(UnitDetails(code=" ganja ", name="Ganja")).code == "GANJA"


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
        parent = create_unit(UnitDetails(code="P", name="Parent"))
        create_unit(UnitDetails(code="C", name="Child", parent_id=parent.id))
        assert remove_unit(parent) is False
        assert parent.active is False
        child = db.session.execute(db.select(Unit).where(Unit.code == "C")).scalar_one()
        assert remove_unit(child) is True


def test_venue_capacity_below_one_is_refused(app):
    with app.app_context(), pytest.raises(DirectoryError):
        create_venue(VenueDetails(name="Broom cupboard", capacity=0))


def test_a_duplicate_code_is_refused_whatever_the_case(app):
    with app.app_context():
        create_unit(UnitDetails(code="CIT", name="Citizenship"))
        with pytest.raises(DirectoryError) as caught:
            create_unit(UnitDetails(code="cit", name="Another"))
        assert caught.value.field == "code"
        assert str(caught.value) == "Another unit already has the code CIT."


def test_a_code_with_spaces_inside_is_refused(app):
    with app.app_context(), pytest.raises(DirectoryError) as caught:
        create_unit(UnitDetails(code="C IT", name="Citizenship"))
    assert caught.value.field == "code"
    assert str(caught.value) == "Use letters, digits, “-” and “_” only."


def test_a_unit_cannot_be_its_own_parent(app):
    with app.app_context():
        unit = create_unit(UnitDetails(code="CIT", name="Citizenship"))
        with pytest.raises(DirectoryError) as caught:
            update_unit(unit, UnitDetails(code="CIT", name="Citizenship", parent_id=unit.id))
        assert caught.value.field == "parent_id"


def test_a_parent_that_does_not_exist_is_refused(app):
    with app.app_context(), pytest.raises(DirectoryError) as caught:
        create_unit(UnitDetails(code="CIT", name="Citizenship", parent_id=999))
    assert caught.value.field == "parent_id"
    assert str(caught.value) == "The chosen unit does not exist."


def test_a_bad_contact_address_is_refused_before_anything_is_added(app):
    with app.app_context():
        with pytest.raises(DirectoryError) as caught:
            create_unit(UnitDetails(code="CIT", name="Citizenship", contact_emails=["cit@"]))
        assert caught.value.field == "contact_emails"
        assert db.session.execute(db.select(Unit)).first() is None


def test_a_person_needs_a_full_name(app):
    with app.app_context(), pytest.raises(DirectoryError) as caught:
        create_person(PersonDetails(full_name="  "))
    assert caught.value.field == "full_name"


def test_a_persons_unit_is_loaded_and_must_exist(app):
    with app.app_context():
        unit = create_unit(UnitDetails(code="CIT", name="Citizenship"))
        person = create_person(PersonDetails(full_name="Parviz Musayev", unit_id=unit.id))
        assert person.unit is unit
        with pytest.raises(DirectoryError) as caught:
            update_person(person, PersonDetails(full_name="Parviz Musayev", unit_id=999))
        assert caught.value.field == "unit_id"
        assert person.unit is unit


def test_a_venue_needs_a_name(app):
    with app.app_context(), pytest.raises(DirectoryError) as caught:
        create_venue(VenueDetails(name=""))
    assert caught.value.field == "name"


def test_units_page_searches_code_and_name(app):
    with app.app_context():
        create_unit(UnitDetails(code="CIT", name="Citizenship Department"))
        create_unit(UnitDetails(code="IT", name="Information Technology"))
        assert [unit.code for unit in units_page("citizen", 1, 10).items] == ["CIT"]
        assert [unit.code for unit in units_page("", 1, 1).items] == ["CIT"]


def test_a_code_no_unit_can_have_finds_nothing(app):
    """Not even a query: a NUL byte would be refused by PostgreSQL (a server error instead of "not found")."""
    with app.app_context():
        unit = create_unit(UnitDetails(code="CIT", name="Centre"))
        assert find_unit_by_code(" cit ") is unit
        for code in ("CIT\x00", "\x00", "C IT", "ÇIT", "C" * 33, ""):
            assert find_unit_by_code(code) is None, code
        assert find_units_by_codes(["cit", "A\x00", "NONE"]) == {"cit": unit}
        assert find_units_by_codes(["\x00"]) == {}


@pytest.mark.parametrize("blank", ["", "  ", "\x00", " \x01\x7f\x00 "])
def test_a_required_text_of_control_characters_only_is_missing(app, blank):
    with app.app_context():
        for make, field_name in ((lambda: create_unit(UnitDetails(code="NEW", name=blank)), "name"),
                                 (lambda: create_person(PersonDetails(full_name=blank)), "full_name"),
                                 (lambda: create_venue(VenueDetails(name=blank)), "name")):
            with pytest.raises(DirectoryError) as caught:
                make()
            assert caught.value.field == field_name
