"""Signed answer links: one URL per invitation that opens its answer form without a password.

The URL is ``<BASE_URL>/answer/<token>``. The token is an itsdangerous signature (the app's secret key and
a salt used for nothing else) over ``{"i": invitation id, "e": event id, "u": unit id}``. It carries no
expiry of its own: the link is checked against the database each time it is opened, so it works while the
event's answers are open, stops at the answer deadline (and starts again if an organiser extends it), and
dies for good when the event is cancelled or the invitation withdrawn. Event and unit ids are part of the
signature so that a link can never be pointed at another invitation, even if an id is reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..models import EventStatus, Invitation
from ..models.types import utcnow
from ..settings import settings, site_path

#: Used for answer links only, so a signature made for anything else (CSRF, sessions) never passes.
SALT = "tracker.attendance.answer-link.v1"


class LinkProblem(StrEnum):
    """Why a link does not open the answer form."""

    INVALID = "invalid"  #: tampered, truncated, or signed by another installation
    WITHDRAWN = "withdrawn"  #: the invitation no longer exists
    CANCELLED = "cancelled"  #: the event was cancelled
    CLOSED = "closed"  #: the answer deadline has passed


@dataclass
class LinkCheck:
    """What a token leads to: the invitation, or the reason it leads nowhere."""

    invitation: Invitation | None
    problem: LinkProblem | None = None

    @property
    def usable(self) -> bool:
        """Whether the answer form may be shown and submitted."""
        return self.problem is None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings().secret_key, salt=SALT)


def make_answer_token(invitation: Invitation) -> str:
    """The signed token of ``invitation``'s answer link."""
    return str(_serializer().dumps({"i": invitation.id, "e": invitation.event_id, "u": invitation.unit_id}))


def answer_path(token: str) -> str:
    """The site-relative path of the answer page for ``token`` (no request needed)."""
    return site_path("attendance.answer_by_link", token=token)


def answer_url(invitation: Invitation) -> str:
    """The absolute answer link put in emails (``Settings.site_url``: ``BASE_URL``, else the serving address)."""
    return settings().site_url(answer_path(make_answer_token(invitation)))


def check_answer_token(token: str, *, now: datetime | None = None) -> LinkCheck:
    """Verify ``token`` and find its invitation; say why when it cannot be used."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return LinkCheck(None, LinkProblem.INVALID)
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("i", "e", "u")):
        return LinkCheck(None, LinkProblem.INVALID)
    invitation = db.session.get(Invitation, payload["i"])
    if invitation is None or invitation.event_id != payload["e"] or invitation.unit_id != payload["u"]:
        return LinkCheck(None, LinkProblem.WITHDRAWN)
    if invitation.walk_in:
        # Walk-ins were never sent a link; a token for one can only be forged.
        return LinkCheck(None, LinkProblem.INVALID)
    event = invitation.event
    if event.status == EventStatus.CANCELLED:
        return LinkCheck(invitation, LinkProblem.CANCELLED)
    if event.status != EventStatus.SCHEDULED or (now or utcnow()) >= event.answers_close_at:
        return LinkCheck(invitation, LinkProblem.CLOSED)
    return LinkCheck(invitation)
