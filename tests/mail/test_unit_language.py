"""Everything sent to a unit is in the unit's language: its emails over SMTP, their .ics, its feed, its link."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import vobject
from flask import Flask
from flask_babel import force_locale, gettext

from tests.calendar.ics_checks import check_calendar, single_event
from tracker.attendance import services
from tracker.attendance.links import answer_path, make_answer_token
from tracker.calendar.notifications import queue_calendar_messages
from tracker.extensions import db
from tracker.mail import delivery
from tracker.mail.deferred import compose_pending
from tracker.models import Event, Invitation, OutboxMessage, Unit
from tracker.vocabulary import agenda_kind_label, kind_label

TITLE = {"az": "Xocalı faciəsi qurbanlarının anım mərasimi",
         "ru": "Траурная церемония памяти жертв Ходжалинской трагедии",
         "en": "Commemoration ceremony for the victims of the Khojaly tragedy"}
SPEECH = {"az": "1992-ci ilin fevral hadisələri haqqında", "ru": "О событиях февраля 1992 года",
          "en": "On the events of February 1992"}
HALL = {"az": "Akt zalı", "ru": "Актовый зал", "en": "Assembly hall"}
HEAD = {"az": "Firudin Nəbiyev", "ru": "Фирудин Набиев", "en": "Firudin Nabiyev"}
GANJA = {"az": "Gəncə regional idarəsi", "ru": "Гянджинское региональное управление", "en": "Ganja Regional Office"}
CIT = {"az": "Vətəndaşlıq idarəsi", "ru": "Управление гражданства", "en": "Citizenship Department"}


def tr(app: Flask, language: str, message: str, **values: Any) -> str:
    """``message`` as the app's catalog for ``language`` has it."""
    with app.test_request_context(), force_locale(language):
        return gettext(message, **values)


def before(app: Flask, language: str, message: str, **values: Any) -> str:
    """The words of ``message`` in ``language`` before its first placeholder (``"%(title)s"`` …)."""
    marked = {name: "\x00" for name in values}
    return tr(app, language, message, **marked).split("\x00")[0]


def labels(app: Flask, language: str) -> dict[str, str]:
    with app.test_request_context():
        return {"kind": kind_label("ceremony", language), "speech": agenda_kind_label("speech", language)}


@pytest.fixture
def round_of_two(app, make_unit, make_person, make_venue, make_event) -> dict[str, int]:
    """A ceremony with texts in az, ru and en; Ganja reads Russian, Citizenship Azerbaijani."""
    head = make_person(HEAD["az"], rank="", position="", translations={"full_name": HEAD})
    hall = make_venue(HALL["az"], address="", translations={"name": HALL})
    event = make_event(TITLE["az"], translations={"title": TITLE}, venue_id=hall.id, presiding_id=head.id,
                       agenda=[{"kind": "speech", "title": SPEECH["az"], "translations": {"title": SPEECH},
                                "speaker_id": head.id, "duration_minutes": 10}])
    ganja = make_unit("GANJA", GANJA["az"], contact_emails=["ganja@units.example.org"], language="ru",
                      translations={"name": GANJA})
    cit = make_unit("CIT", CIT["az"], contact_emails=["cit@units.example.org"], language="az",
                    translations={"name": CIT})
    return {"event": event.id, "ru": ganja.id, "az": cit.id}


def _invite(app: Flask, ids: dict[str, int]) -> None:
    with app.app_context():
        units = [db.session.get(Unit, ids["ru"]), db.session.get(Unit, ids["az"])]
        services.invite_units(db.session.get(Event, ids["event"]), units, by_user=None)
        db.session.commit()


def _calendar_bytes(message: EmailMessage) -> bytes:
    part = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def _assert_calendar_in(app: Flask, data: bytes, language: str, *, method: str | None) -> None:
    """SUMMARY, LOCATION, DESCRIPTION labels and CATEGORIES in ``language``, each marked LANGUAGE=<language>,
    as icalendar and vobject (a second parser) read them."""
    words = labels(app, language)
    event = single_event(check_calendar(data, method=method))
    assert str(event["SUMMARY"]) == TITLE[language]
    description = str(event["DESCRIPTION"])
    assert before(app, language, "Presiding: %(person)s", person="") + HEAD[language] in description
    assert tr(app, language, "Agenda:") in description
    assert f"{words['speech']}. {SPEECH[language]} — {HEAD[language]}" in description
    assert str(event["LOCATION"]) == HALL[language]
    assert [str(category) for category in event["CATEGORIES"].cats] == [words["kind"]]
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES"):
        assert event[name].params["LANGUAGE"] == language, name

    second = vobject.readOne(data.decode("utf-8")).vevent
    assert second.summary.value == TITLE[language]
    assert second.summary.params["LANGUAGE"] == [language]
    assert second.location.value == HALL[language] and second.location.params["LANGUAGE"] == [language]
    assert tr(app, language, "Agenda:") in second.description.value
    assert second.description.params["LANGUAGE"] == [language]
    assert second.categories.value == [words["kind"]] and second.categories.params["LANGUAGE"] == [language]


def test_the_catalogs_translate_what_these_tests_compare(app):
    # Otherwise every comparison below would hold in English too.
    for language in ("az", "ru"):
        assert tr(app, language, "Agenda:") != "Agenda:"
        assert before(app, language, "Invitation: %(title)s, %(when)s", title="", when="") != "Invitation: "
        assert labels(app, language)["kind"] != labels(app, "en")["kind"]


def test_one_round_reaches_each_unit_over_smtp_in_its_own_language(app, smtp_server, round_of_two):
    server = smtp_server()
    app.config.update(SMTP_URL=server.url, MAIL_LANGUAGE="en")  # the mail language is for no unit
    _invite(app, round_of_two)
    with app.app_context():
        assert delivery.deliver_due().sent == 2
    received = {envelope[1][0]: message for envelope, message in zip(server.mailbox.envelopes,
                                                                      server.mailbox.received, strict=True)}
    assert set(received) == {"ganja@units.example.org", "cit@units.example.org"}

    for address, language, unit in (("ganja@units.example.org", "ru", GANJA), ("cit@units.example.org", "az", CIT)):
        message = received[address]
        subject = str(message["Subject"])
        assert subject.startswith(before(app, language, "Invitation: %(title)s, %(when)s", title="", when="")
                                  + TITLE[language]), subject
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert tr(app, language, "Dear colleagues of %(unit)s,", unit=unit[language]) in text
        assert tr(app, language, "Answer here (no password needed):") in text
        assert "Dear colleagues" not in text and "Answer here" not in html
        _assert_calendar_in(app, _calendar_bytes(message), language, method="REQUEST")
        attendee = single_event(check_calendar(_calendar_bytes(message), method="REQUEST"))["ATTENDEE"]
        assert attendee.params["CN"] == unit[language]


def test_the_answer_link_opens_in_the_units_language_unless_the_visitor_chose(app, client, login, round_of_two):
    _invite(app, round_of_two)
    with app.app_context():
        paths = {}
        for language in ("ru", "az"):
            invitation = db.session.execute(db.select(Invitation).where(
                Invitation.unit_id == round_of_two[language])).scalar_one()
            paths[language] = answer_path(make_answer_token(invitation))
    for language, path in paths.items():
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert f'<html lang="{language}"' in page.get_data(as_text=True)
        assert TITLE[language] in page.get_data(as_text=True)
    # The switcher's choice wins over the unit's language, and so does a signed-in user's own language.
    assert client.post("/language", data={"language": "en"}).status_code in (302, 303)
    assert '<html lang="en"' in client.get(paths["ru"]).get_data(as_text=True)
    login("organiser", language="az")
    assert '<html lang="az"' in client.get(paths["ru"]).get_data(as_text=True)


def test_the_units_feed_is_in_the_units_language(app, client, round_of_two):
    _invite(app, round_of_two)
    with app.app_context():
        tokens = {language: db.session.get(Unit, round_of_two[language]).feed_token for language in ("ru", "az")}
    for language, unit in (("ru", GANJA), ("az", CIT)):
        response = client.get(f"/feeds/{tokens[language]}.ics", headers={"Accept-Language": "en"})
        assert response.status_code == 200
        _assert_calendar_in(app, response.data, language, method=None)
        calendar = vobject.readOne(response.data.decode("utf-8"))
        assert unit[language] in calendar.contents["x-wr-calname"][0].value


def _composed(app: Flask, kind: str) -> dict[str, EmailMessage]:
    """The messages of ``kind`` by their one recipient, composed as the mail worker would."""
    from email import message_from_bytes, policy

    with app.app_context():
        compose_pending()
        db.session.commit()
        rows = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == kind)).scalars().all()
        return {row.recipients[0]: message_from_bytes(row.raw, policy=policy.default) for row in rows}


def test_reminders_updates_cancellations_and_withdrawals_are_in_each_units_language(app, round_of_two):
    _invite(app, round_of_two)
    with app.app_context():
        event = db.session.get(Event, round_of_two["event"])
        services.remind_pending_units(event, by_user=None)
        queue_calendar_messages(event, method="REQUEST", fields=["starts_at"])
        db.session.commit()
    expected = {"reminder": "Please answer by %(deadline)s: %(title)s", "update": "Updated: %(title)s"}
    for kind, subject in expected.items():
        messages = _composed(app, kind)
        for address, language in (("ganja@units.example.org", "ru"), ("cit@units.example.org", "az")):
            assert str(messages[address]["Subject"]).startswith(before(app, language, subject, deadline="",
                                                                       title="")), (kind, language)
            if kind == "update":
                assert tr(app, language, "When:") in messages[address].get_body(("plain",)).get_content()
                _assert_calendar_in(app, _calendar_bytes(messages[address]), language, method="REQUEST")

    with app.app_context():
        invitation = db.session.execute(db.select(Invitation).where(
            Invitation.unit_id == round_of_two["ru"])).scalar_one()
        services.withdraw_invitation(invitation, by_user=None)
        queue_calendar_messages(db.session.get(Event, round_of_two["event"]), method="CANCEL")
        db.session.commit()
    withdrawal = _composed(app, "withdrawal")["ganja@units.example.org"]
    assert str(withdrawal["Subject"]) == tr(app, "ru", "Invitation withdrawn: %(title)s", title=TITLE["ru"])
    _assert_calendar_in(app, _calendar_bytes(withdrawal), "ru", method="CANCEL")
    cancellation = _composed(app, "cancellation")["cit@units.example.org"]
    assert str(cancellation["Subject"]) == tr(app, "az", "Cancelled: %(title)s", title=TITLE["az"])
    _assert_calendar_in(app, _calendar_bytes(cancellation), "az", method="CANCEL")


def test_a_unit_whose_language_the_site_no_longer_offers_reads_the_primary_language(app, make_unit):
    from tracker.i18n import primary_language, unit_language

    unit = make_unit("OLD", "Old", language="de")
    with app.app_context():
        assert unit_language(db.session.get(Unit, unit.id)) == primary_language() == "az"


def test_a_long_russian_subject_keeps_every_space_when_folded(app):
    from email import message_from_bytes, policy

    from tracker.mail.compose import compose_email

    subject = f"Приглашение отозвано: {TITLE['ru']}, {TITLE['ru']}"
    message = compose_email(sender="protocol@migration.example.org", to=["ganja@units.example.org"],
                            subject=subject, text="Текст\n")
    raw = message.as_bytes(policy=policy.SMTP)
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))  # folded, not one long line
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    assert str(message["Subject"]) == subject


def test_the_organisers_name_is_in_each_units_language(app, round_of_two):
    # Sender, signature and the calendar's ORGANIZER: "Protocol Office" is English; a unit reads its own language.
    names = {"en": "Protocol Office", "az": "Protokol şöbəsi", "ru": "Протокольный отдел"}
    app.config.update(ORGANIZER_NAME=names["en"], ORGANIZER_NAME_AZ=names["az"], ORGANIZER_NAME_RU=names["ru"])
    _invite(app, round_of_two)
    with app.app_context():
        queue_calendar_messages(db.session.get(Event, round_of_two["event"]), method="REQUEST", fields=["starts_at"])
        db.session.commit()
    for kind in ("invitation", "update"):
        messages = _composed(app, kind)
        for address, language in (("ganja@units.example.org", "ru"), ("cit@units.example.org", "az")):
            message = messages[address]
            assert message["From"].addresses[0].display_name == names[language], (kind, language)
            text = message.get_body(("plain",)).get_content()
            assert names[language] in text and names["en"] not in text, (kind, language)
            organizer = single_event(check_calendar(_calendar_bytes(message), method="REQUEST"))["ORGANIZER"]
            assert organizer.params["CN"] == names[language], (kind, language)
