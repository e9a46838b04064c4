"""Text is stored the same on SQLite and PostgreSQL: NUL characters, which PostgreSQL refuses, are dropped."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import Person


def test_nul_characters_are_dropped_from_text_and_translations(app):
    with app.app_context():
        person = Person(full_name="Firudin\x00 Nabiyev", rank="major-\x00general", position="Head")
        person.set_translation("full_name", "az", "Firudin\x00 Nəbiyev")
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    with app.app_context():
        stored = db.session.get(Person, person_id)
        assert stored.full_name == "Firudin Nabiyev"
        assert stored.rank == "major-general"
        assert stored.text("full_name", "az") == "Firudin Nəbiyev"
