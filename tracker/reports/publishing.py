"""Publishing press releases: drafts, frozen published versions, withdrawal and history (issue 15).

A release (the press text of an event or a series, in one language) is a draft until press staff publish it.
Publishing copies what the public page prints — title, kicker, dateline, lead (date, place, who presided) and
the press text of that language — into a new :class:`ReleasePublication` row: a frozen version with who, when
and its number, and the event's photos chosen for the release as that language's release shows them (order,
lead, caption, credit line: :class:`ReleasePublicationPhoto`). A later edit of the press text, of the event's
title, date or place, or of the release's photos makes the release "changed since published" until it is
published again; the public page shows and serves only the frozen photos. Deleting a photo is the one change
that reaches the public page at once (a takedown: its frozen rows go with it). Unpublishing marks the live
version withdrawn; no version is ever deleted. Nothing about invitations, answers or attendance is copied. See
docs/press.md.

The public page shows a live version only while its subject is fit for the press: an event scheduled or held
(:data:`PRESS_STATUSES`), a series with at least one such event. A release whose event is cancelled or set
back to draft is hidden (its rows stay live, so it returns when the event does), and press staff can still
take it down.

These functions change objects and flush; they never commit (the view's response does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import joinedload

from ..events.visibility import PRESS_STATUSES
from ..extensions import db
from ..i18n import primary_language
from ..models import (
    Event,
    EventPhoto,
    ReleasePublication,
    ReleasePublicationPhoto,
    Report,
    Role,
    Series,
    User,
    publication_key,
)
from ..models.types import utcnow
from ..photos import services as photo_services
from ..settings import Settings
from .phrases import REPORT_LANGUAGES
from .services import event_release, press_summary, release_event_count, release_photos, series_release

#: Who may publish and unpublish releases: press staff and administrators (organisers write and preview).
PUBLISHERS = (Role.ADMIN, Role.PRESS)

#: How many versions the editor lists (the newest); it says how many older ones there are.
HISTORY_LIMIT = 20

#: The statuses of :data:`PRESS_STATUSES` as plain strings (bound as text by every SQL driver).
_PRESS_STATUS_VALUES = tuple(status.value for status in PRESS_STATUSES)


class PublishState(StrEnum):
    """Where the release of a subject in one language stands."""

    #: Not on the public page: never published, or withdrawn.
    DRAFT = "draft"
    #: On the public page exactly as it would be published now.
    PUBLISHED = "published"
    #: On the public page, but the text or the facts changed since: publish again to show the changes.
    CHANGED = "changed"


class PublishRefused(Exception):
    """Publishing (or unpublishing) is not possible; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StalePublish(Exception):
    """The press text was saved again after the page that asked to publish it was opened."""


NOT_ALLOWED = _l("Only press staff and administrators may publish releases.")
EMPTY_BODY = _l("There is no press text in this language to publish: write it and save it first.")
NOT_REPORTABLE = _l("Only releases of scheduled or held events can be published.")
EMPTY_SERIES = _l("This series has no scheduled or held event: there is nothing to publish about it yet.")
NO_TITLE = _l("The title has not been written in this language: add it to the event or series before publishing.")
NOT_PUBLISHED = _l("This release is not on the press page.")


@dataclass(frozen=True)
class FrozenPhoto:
    """A photo as a published version keeps it; its place is its index in :attr:`FrozenRelease.photos` (the lead
    first)."""

    photo_id: int
    caption: str
    credit: str


@dataclass(frozen=True)
class FrozenRelease:
    """What a published version keeps: the public page's whole content."""

    title: str
    kicker: str
    dateline: str
    lead: str
    body: str
    first_day: date | None
    photos: tuple[FrozenPhoto, ...] = ()


@dataclass(frozen=True)
class PublishStatus:
    """The state of a release in one language, its live version (if any) and its latest version."""

    state: PublishState
    live: ReleasePublication | None
    latest: ReleasePublication | None


class Outcome(StrEnum):
    """What :func:`publish` did."""

    PUBLISHED = "published"
    UNCHANGED = "unchanged"


def may_publish(user: User) -> bool:
    """Whether ``user`` may publish and unpublish releases."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*PUBLISHERS)


def subject_key(subject: Event | Series) -> str:
    """The stable public key of ``subject``'s release (see :func:`tracker.models.publication_key`)."""
    return publication_key("event" if isinstance(subject, Event) else "series", subject.id)


def _check_language(language: str) -> None:
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"unknown report language {language!r}")


def frozen_release(subject: Event | Series, language: str, report: Report | None, settings: Settings,
                   now: datetime | None = None) -> FrozenRelease:
    """What publishing ``subject`` in ``language`` now would freeze; the body is that language's own text, the
    photos those the release carries (an event's chosen ones, the lead first) captioned as it captions them."""
    photos: tuple[FrozenPhoto, ...] = ()
    if isinstance(subject, Event):
        chosen = photo_services.release_order(photo_services.event_photos(subject))
        # No size: nothing is read of the files and no photo is left out, so the list pairs with ``chosen``.
        pictures = release_photos(subject, language, settings, None, loaded=(chosen, {}), link=lambda photo: "")
        photos = tuple(FrozenPhoto(photo.id, picture.caption, picture.credit)
                       for photo, picture in zip(chosen, pictures, strict=True))
        release = event_release(subject, language, settings, now, photos=pictures)
    else:
        release = series_release(subject, language, settings, now)
    return FrozenRelease(
        title=release.headline,
        kicker=release.kicker,
        dateline=release.dateline,
        lead=release.lead,
        body=report.body.strip() if report is not None else "",
        first_day=release.first_day,
        photos=photos,
    )


def _frozen_of(row: ReleasePublication) -> FrozenRelease:
    """What ``row`` froze. A photo deleted since is gone from both sides (its frozen row with it), so deleting
    one leaves the release as published."""
    photos = tuple(FrozenPhoto(photo.photo_id, photo.caption, photo.credit) for photo in row.photos)
    return FrozenRelease(row.title, row.kicker, row.dateline, row.lead, row.body, row.first_day, photos)


def has_title(subject: Event | Series, language: str) -> bool:
    """Whether ``subject``'s title is written in ``language`` (the plain column counts as the primary
    language's title for records without per-language texts)."""
    stored = subject.texts("title")
    if stored:
        return bool(stored.get(language))
    return language == primary_language() and bool((subject.title or "").strip())


@dataclass(frozen=True)
class History:
    """The newest published versions of a release in one language (at most :data:`HISTORY_LIMIT`) and how many
    versions there are in all."""

    versions: list[ReleasePublication]
    total: int

    @property
    def older(self) -> int:
        """How many older versions are not listed."""
        return self.total - len(self.versions)


def history(subject: Event | Series, language: str, limit: int = HISTORY_LIMIT) -> History:
    """The ``limit`` newest published versions of ``subject``'s release in ``language``, newest first, and the
    number of versions (version numbers run 1, 2, … without gaps: the newest one's number is the count)."""
    query = (
        db.select(ReleasePublication)
        .where(ReleasePublication.key == subject_key(subject), ReleasePublication.language == language)
        .options(joinedload(ReleasePublication.published_by), joinedload(ReleasePublication.withdrawn_by))
        .order_by(ReleasePublication.number.desc())
        .limit(limit)
    )
    versions = list(db.session.execute(query).scalars())
    return History(versions, versions[0].number if versions else 0)


def latest_version(subject: Event | Series, language: str) -> ReleasePublication | None:
    """The newest published version of ``subject``'s release in ``language`` (withdrawn or not)."""
    query = (
        db.select(ReleasePublication)
        .where(ReleasePublication.key == subject_key(subject), ReleasePublication.language == language)
        .order_by(ReleasePublication.number.desc())
        .limit(1)
    )
    return db.session.execute(query).scalar_one_or_none()


def _lock_subject(subject: Event | Series) -> str | None:
    """Lock ``subject``'s row until the end of the transaction (``FOR UPDATE`` on PostgreSQL; SQLite has one
    writer at a time anyway), so that publishing and unpublishing one release take turns and each reads what
    the other committed. Returns the event's status as stored now (``None`` for a series)."""
    if isinstance(subject, Event):
        status = db.session.execute(
            db.select(Event.status).where(Event.id == subject.id).with_for_update()).scalar_one()
        return str(status)
    db.session.execute(db.select(Series.id).where(Series.id == subject.id).with_for_update()).scalar_one()
    return None


def fit_for_press(subject: Event | Series) -> bool:
    """Whether the public page may show ``subject``'s release now: a scheduled or held event, a series with at
    least one such event (see :func:`shown`)."""
    if isinstance(subject, Event):
        return subject.status in _PRESS_STATUS_VALUES
    return release_event_count(subject) > 0


def publish_status(subject: Event | Series, language: str, report: Report | None, settings: Settings,
                   latest: ReleasePublication | None = None) -> PublishStatus:
    """Draft, published, or changed since published (``latest`` may be passed when already read)."""
    latest = latest if latest is not None else latest_version(subject, language)
    if latest is None or not latest.live:
        return PublishStatus(PublishState.DRAFT, None, latest)
    unchanged = frozen_release(subject, language, report, settings) == _frozen_of(latest)
    return PublishStatus(PublishState.PUBLISHED if unchanged else PublishState.CHANGED, latest, latest)


def publish(subject: Event | Series, language: str, user: User, expected_version: int | None,
            settings: Settings) -> tuple[Outcome, ReleasePublication]:
    """Publish what ``subject``'s release in ``language`` says now, as a new frozen version.

    Refused (:class:`PublishRefused`) for users other than press and admins, for events that are not
    scheduled or held, for series without such an event, for a title not written in ``language`` (the
    release would show another language's) and for an empty press text; :class:`StalePublish` when the press
    text was saved after ``expected_version`` (the page asking was opened on an older text). Publishing again
    what is already live changes nothing (:attr:`Outcome.UNCHANGED`). The subject's row is locked first, so a
    publish and an unpublish of it take turns; two first publishings at once are refused by the unique
    ``(key, language, number)`` at the flush (``IntegrityError``).
    """
    _check_language(language)
    if not may_publish(user):
        raise PublishRefused(str(NOT_ALLOWED))
    status = _lock_subject(subject)
    if isinstance(subject, Event) and status not in _PRESS_STATUS_VALUES:
        raise PublishRefused(str(NOT_REPORTABLE))
    if isinstance(subject, Series) and not fit_for_press(subject):
        raise PublishRefused(str(EMPTY_SERIES))
    if not has_title(subject, language):
        raise PublishRefused(str(NO_TITLE))
    report = press_summary(subject, language)
    if report is None or not report.body.strip():
        raise PublishRefused(str(EMPTY_BODY))
    if report.version != expected_version:
        raise StalePublish()
    latest = latest_version(subject, language)
    now = utcnow()
    frozen = frozen_release(subject, language, report, settings, now)
    if latest is not None and latest.live and _frozen_of(latest) == frozen:
        return Outcome.UNCHANGED, latest
    if latest is not None:
        latest.live = False
    row = ReleasePublication(
        key=subject_key(subject),
        language=language,
        number=(latest.number + 1) if latest is not None else 1,
        report_version=report.version,
        title=frozen.title,
        kicker=frozen.kicker,
        dateline=frozen.dateline,
        lead=frozen.lead,
        body=frozen.body,
        first_day=frozen.first_day,
        published_by=user,
        published_at=now,
        live=True,
        photos=[ReleasePublicationPhoto(photo_id=photo.photo_id, position=position, is_lead=position == 1,
                                        caption=photo.caption, credit=photo.credit)
                for position, photo in enumerate(frozen.photos, start=1)],
    )
    if isinstance(subject, Event):
        row.event_id = subject.id
    else:
        row.series_id = subject.id
    db.session.add(row)
    db.session.flush()
    return Outcome.PUBLISHED, row


def unpublish(subject: Event | Series, language: str, user: User) -> ReleasePublication:
    """Take ``subject``'s release in ``language`` off the press page; its versions stay, marked withdrawn.

    Whatever the subject's status: a release of a cancelled or draft event can always be taken down."""
    _check_language(language)
    if not may_publish(user):
        raise PublishRefused(str(NOT_ALLOWED))
    _lock_subject(subject)
    latest = latest_version(subject, language)
    if latest is None or not latest.live:
        raise PublishRefused(str(NOT_PUBLISHED))
    latest.live = False
    latest.withdrawn_at = utcnow()
    latest.withdrawn_by = user
    db.session.flush()
    return latest


# --- The public press page ---------------------------------------------------------------------------


def press_page_open(settings: Settings) -> bool:
    """Whether the public press page answers: turned on, and ``BASE_URL`` set (its links, canonical addresses
    and Atom ids are built on it, never on the address a reader's request names)."""
    return settings.press_page_enabled and bool(settings.base_url)


def shown() -> ColumnElement[bool]:
    """A filter on :class:`ReleasePublication`: live, and its subject fit for the press now (an event scheduled
    or held; a series with at least one such event). A cancelled event's release is hidden, so the page never
    announces what will not take place; a deleted subject's rows went with it."""
    fit_event = exists().where(Event.id == ReleasePublication.event_id, Event.status.in_(_PRESS_STATUS_VALUES))
    fit_series = exists().where(Event.series_id == ReleasePublication.series_id,
                                Event.status.in_(_PRESS_STATUS_VALUES))
    return and_(
        ReleasePublication.live.is_(True),
        or_(and_(ReleasePublication.event_id.is_not(None), fit_event),
            and_(ReleasePublication.series_id.is_not(None), fit_series)),
    )


def live_releases(language: str, *, before: int | None = None, limit: int = 25) -> list[ReleasePublication]:
    """The releases on the press page in ``language``, newest published first; ``before`` is the id of the
    last one already shown (keyset paging: one index range, whatever the history's length)."""
    query = (
        db.select(ReleasePublication)
        .where(ReleasePublication.language == language, shown())
        .order_by(ReleasePublication.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(ReleasePublication.id < before)
    return list(db.session.execute(query).scalars())


def live_release(language: str, key: str) -> ReleasePublication | None:
    """The version of the release ``key`` the press page shows in ``language``; ``None`` when none is live."""
    query = db.select(ReleasePublication).where(
        ReleasePublication.key == key, ReleasePublication.language == language, shown()
    )
    return db.session.execute(query).scalars().first()


def public_photos(row: ReleasePublication) -> list[ReleasePublicationPhoto]:
    """The photos the press page shows with ``row``: those frozen with it, in its order (the lead first), with
    their frozen caption and credit line and their photo (and its files' rows) loaded. What staff changed since
    waits for publishing again; a photo deleted since is gone (its frozen row went with it)."""
    query = (
        db.select(ReleasePublicationPhoto)
        .where(ReleasePublicationPhoto.publication_id == row.id)
        .options(joinedload(ReleasePublicationPhoto.photo).selectinload(EventPhoto.files))
        .order_by(ReleasePublicationPhoto.position)
    )
    return list(db.session.execute(query).scalars())


def public_photo(photo_id: int) -> EventPhoto | None:
    """The photo ``photo_id`` if the press page shows it: frozen with a version that the page shows
    (:func:`shown`) in some language; ``None`` otherwise (nothing else of the staff's photos is public: not one
    uploaded or chosen since, nor one only an older or withdrawn version carried)."""
    query = db.select(EventPhoto).where(
        EventPhoto.id == photo_id,
        exists().where(ReleasePublicationPhoto.photo_id == EventPhoto.id,
                       ReleasePublicationPhoto.publication_id == ReleasePublication.id, shown()),
    )
    return db.session.execute(query).scalars().first()


def first_published(key: str, language: str) -> datetime | None:
    """When the release ``key`` was first published in ``language`` (the feed entry's ``published``)."""
    query = db.select(ReleasePublication.published_at).where(
        ReleasePublication.key == key, ReleasePublication.language == language, ReleasePublication.number == 1
    )
    return db.session.execute(query).scalar_one_or_none()


def first_published_of(keys: list[str], language: str) -> dict[str, datetime]:
    """When each of the releases ``keys`` was first published in ``language`` (one read for a feed page)."""
    if not keys:
        return {}
    query = db.select(ReleasePublication.key, ReleasePublication.published_at).where(
        ReleasePublication.key.in_(keys), ReleasePublication.language == language, ReleasePublication.number == 1
    )
    return {key: published for key, published in db.session.execute(query)}


def live_languages(key: str, *, public: bool = True) -> list[str]:
    """The languages the release ``key`` is on the press page in, in the order of :data:`REPORT_LANGUAGES`;
    ``public=False``: live whether or not the page shows it now (what press staff can take down)."""
    query = db.select(ReleasePublication.language).where(
        ReleasePublication.key == key, shown() if public else ReleasePublication.live.is_(True))
    live = set(db.session.execute(query).scalars())
    return [code for code in REPORT_LANGUAGES if code in live]


def last_change(language: str) -> datetime | None:
    """The last time the press page in ``language`` changed by publishing: the newest version shown, or a
    withdrawal (two reads of an index each, whatever the history's length). The feed's ``updated``; a release
    hidden by its event's status or gone with its subject does not move it (the feed's ETag does)."""
    published = db.session.execute(
        db.select(ReleasePublication.published_at)
        .where(ReleasePublication.language == language, shown())
        .order_by(ReleasePublication.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    withdrawn = db.session.execute(
        db.select(db.func.max(ReleasePublication.withdrawn_at)).where(ReleasePublication.language == language)
    ).scalar_one_or_none()
    moments = [_aware(value) for value in (published, withdrawn) if value is not None]
    return max(moments) if moments else None


def _aware(value: datetime | str) -> datetime:
    """A UTC datetime, whatever an aggregate came back as."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
