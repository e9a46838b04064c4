"""Building email messages (pure: no request, no database)."""

from __future__ import annotations

from collections.abc import Sequence
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate


def compose_email(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    calendar: bytes | None = None,
    calendar_method: str = "REQUEST",
    reply_to: str | None = None,
) -> EmailMessage:
    """A message with a text body, an optional HTML alternative, and an optional iCalendar invitation.

    With ``calendar`` the shape is what Outlook and Gmail need to show Accept/Decline:
    ``multipart/mixed`` ⟶ ``multipart/alternative`` (text, HTML, ``text/calendar; method=…``) plus the
    same file attached as ``invite.ics``.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    set_subject(message, subject)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    if calendar is not None:
        if html is None:
            message.make_alternative()
        message.add_alternative(
            calendar, maintype="text", subtype="calendar", params={"method": calendar_method, "charset": "UTF-8"}
        )
        message.make_mixed()
        message.add_attachment(
            calendar, maintype="application", subtype="ics", filename="invite.ics"
        )
    return message


def set_subject(message: EmailMessage, subject: str) -> None:
    """Set the Subject; a non-ASCII one as encoded words that keep every space.

    Python 3.11's own folding puts the space between two words outside the encoded words when it breaks a long
    subject, and readers drop whitespace between encoded words (RFC 2047 §6.2): a Russian subject arrived as
    "памятижертв". :class:`email.header.Header` keeps each space inside an encoded word; the folded value is
    stored as it is (``set_raw``), so the message's policy does not fold it again.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def mailbox(name: str, email: str) -> str:
    """``Name <email>`` with the name encoded as needed."""
    return str(Address(display_name=name, addr_spec=email))
