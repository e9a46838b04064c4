"""A calendar-reply email nests its MIME parts at most MAX_MIME_DEPTH deep; deeper is refused, never a crash."""

from __future__ import annotations

import email
import email.policy
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.bounds import MAX_MIME_DEPTH
from tracker.calendar.replies import mime_depth
from tracker.extensions import db
from tracker.models import Event, Invitation

REASON = "nests its parts more than 20 levels deep"


def _reply(uid: str) -> bytes:
    return (b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            b"UID:" + uid.encode() + b"\r\nSEQUENCE:0\r\nDTSTAMP:20120220T101500Z\r\n"
            b"ATTENDEE;PARTSTAT=ACCEPTED:mailto:cit@units.example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def nested_email(levels: int, calendar: bytes = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") -> bytes:
    """An email whose calendar part sits inside ``levels`` multiparts, each inside the one before."""
    body = b"Content-Type: text/calendar; method=REPLY\r\n\r\n" + calendar
    for level in range(levels):
        boundary = b"level-%d" % level
        body = (b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n\r\n--" + boundary + b"\r\n"
                + body + b"\r\n--" + boundary + b"--\r\n")
    return b"From: cit@units.example.org\r\nSubject: Accepted\r\nMIME-Version: 1.0\r\n" + body


def _uid(app, event_id: int) -> str:
    with app.app_context():
        return db.session.get(Event, event_id).uid


def test_an_email_with_1500_nested_multiparts_is_refused_with_a_reason(app, client, login, upcoming):
    login("organiser")
    event_id, _unit_id, invitation_id = upcoming()
    data = nested_email(1500, _reply(_uid(app, event_id)))
    for response in (
        client.post("/events/replies", data={"upload": (io.BytesIO(data), "reply.eml")},
                    content_type="multipart/form-data"),
        client.post("/events/replies", data={"text": data.decode()}),
    ):
        assert response.status_code == 422
        assert REASON in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).status == "pending"


def test_a_reply_nested_to_the_limit_is_still_recorded(app, client, login, upcoming):
    login("organiser")
    event_id, _unit_id, invitation_id = upcoming()
    data = nested_email(MAX_MIME_DEPTH, _reply(_uid(app, event_id)))
    assert mime_depth(data) == MAX_MIME_DEPTH
    response = client.post("/events/replies", data={"upload": (io.BytesIO(data), "reply.eml")},
                           content_type="multipart/form-data")
    assert response.headers["Location"] == "/events/replies"
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).status == "accepted"


def _parsed_depth(message: email.message.Message) -> int:
    """How deep Python's parser nested the parts (a multipart or an embedded message is one level)."""
    if message.is_multipart():
        return 1 + max((_parsed_depth(part) for part in message.get_payload()), default=0)
    return 0


def _tree(depth: int) -> st.SearchStrategy:
    """A MIME tree: leaves are text parts, inner nodes multiparts, digests (whose parts are messages without
    saying so) or an embedded message."""
    leaf = st.just(("text", None))
    if depth == 0:
        return leaf
    inner = st.one_of(
        st.tuples(st.just("multipart"), st.lists(_tree(depth - 1), min_size=1, max_size=3)),
        st.tuples(st.just("digest"), st.lists(_tree(depth - 1), min_size=1, max_size=2)),
        st.tuples(st.just("message"), _tree(depth - 1).map(lambda child: [child])),
    )
    return st.one_of(leaf, inner)


def _render(node: tuple, counter: list[int]) -> bytes:
    kind, children = node
    if kind == "text":
        return b"Content-Type: text/plain\r\n\r\n--not-a-boundary\r\nhello\r\n"
    if kind == "message":
        return b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n" + _render(children[0], counter)
    counter[0] += 1
    boundary = b"b%d" % counter[0]
    # A digest's part without headers is a message: a blank line, then the message's own headers.
    prefix = b"\r\nSubject: inner\r\n" if kind == "digest" else b""
    parts = b"".join(b"--" + boundary + b"\r\n" + prefix + _render(child, counter) + b"\r\n" for child in children)
    return (b"Content-Type: multipart/" + (b"digest" if kind == "digest" else b"mixed") + b"; boundary=\""
            + boundary + b"\"\r\n\r\npreamble\r\n" + parts + b"--" + boundary + b"--\r\nepilogue\r\n")


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tree(6))
def test_the_depth_scan_agrees_with_pythons_parser(tree):
    """The scan that runs before parsing never counts fewer levels than the parser then recurses into."""
    data = b"From: a@example.org\r\n" + _render(tree, [0])
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert mime_depth(data) == _parsed_depth(parsed)
