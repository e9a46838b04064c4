"""The domain model, one module per area (see DESIGN §2)."""

from .events import AgendaItem, AgendaKind, Event, EventKind, EventStatus, Series
from .feeds import EventComponent, FeedGeneration, FeedValidator
from .idempotency import IdempotentRequest
from .invitations import AnswerChannel, AuditEntry, Invitation, InvitationStatus
from .mailbox import MailboxClaim, MailboxMessage, MailboxMethod, MailboxOutcome
from .outbox import OutboxMessage
from .pages import CachedPage
from .people import Person, Venue
from .photos import EventPhoto, PhotoFile, PhotoSize
from .publications import ReleasePublication, ReleasePublicationPhoto, publication_key
from .reports import Report
from .tokens import ApiToken
from .units import Unit
from .users import Role, User

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "AnswerChannel",
    "ApiToken",
    "AuditEntry",
    "CachedPage",
    "Event",
    "EventComponent",
    "EventKind",
    "EventPhoto",
    "EventStatus",
    "FeedGeneration",
    "FeedValidator",
    "IdempotentRequest",
    "Invitation",
    "InvitationStatus",
    "MailboxClaim",
    "MailboxMessage",
    "MailboxMethod",
    "MailboxOutcome",
    "OutboxMessage",
    "Person",
    "PhotoFile",
    "PhotoSize",
    "ReleasePublication",
    "ReleasePublicationPhoto",
    "Report",
    "Role",
    "Series",
    "Unit",
    "User",
    "Venue",
    "publication_key",
]
