"""The photos page: captions per language, credit, release choice, order, lead, deleting; access; serving."""

from __future__ import annotations

from html import unescape

import pytest

from . import pictures
from .conftest import file_url


@pytest.fixture
def three(client, login, held_event, upload, stored_photos):
    """Press signed in, three photos uploaded to the held event."""
    login("press")
    upload(held_event.id, [(pictures.jpeg(seed=s), f"p{s}.jpg") for s in (1, 2, 3)])
    return stored_photos(held_event.id)


def _edit(client, event_id, photo, **fields):
    data = {f"photo-{photo.id}-{name}": value for name, value in fields.items()}
    return client.post(f"/events/{event_id}/photos/{photo.id}", data=data)


def test_page_shows_the_grid_with_thumbnails(client, held_event, three):
    html = unescape(client.get(f"/events/{held_event.id}/photos").get_data(as_text=True))
    for photo in three:
        assert file_url(photo, "thumb") in html
        assert f'id="photo-{photo.id}"' in html
    assert "Lead photo" in html


def test_caption_per_language_credit_and_release_choice_are_saved(client, held_event, three, stored_photos):
    photo = three[1]
    response = _edit(client, held_event.id, photo, caption="Gül dəstəsi", caption_ru="Возложение цветов",
                     caption_en="Laying flowers", credit="Anar Məmmədov", in_release="")
    assert response.status_code == 302
    saved = stored_photos(held_event.id)[1]
    assert saved.texts("caption") == {"az": "Gül dəstəsi", "ru": "Возложение цветов", "en": "Laying flowers"}
    assert saved.credit == "Anar Məmmədov"
    assert saved.in_release is False
    page = unescape(client.get(f"/events/{held_event.id}/photos").get_data(as_text=True))
    assert "Возложение цветов" in page and "not in the release" in page


def test_a_too_long_caption_is_a_field_error(client, held_event, three, stored_photos):
    response = _edit(client, held_event.id, three[0], caption="x" * 1001, in_release="y")
    assert response.status_code == 422
    assert "Field cannot be longer than 1000 characters." in unescape(response.get_data(as_text=True))
    assert stored_photos(held_event.id)[0].caption == ""


def test_move_and_make_lead(client, held_event, three, stored_photos):
    first, second, third = three
    assert client.post(f"/events/{held_event.id}/photos/{third.id}/move", data={"direction": "up"}).status_code == 302
    assert [p.id for p in stored_photos(held_event.id)] == [first.id, third.id, second.id]
    client.post(f"/events/{held_event.id}/photos/{first.id}/move", data={"direction": "down"})
    assert [p.id for p in stored_photos(held_event.id)] == [third.id, first.id, second.id]
    assert client.post(f"/events/{held_event.id}/photos/{second.id}/lead").status_code == 302
    assert [p.is_lead for p in stored_photos(held_event.id)] == [False, False, True]
    bad = client.post(f"/events/{held_event.id}/photos/{first.id}/move", data={"direction": "sideways"})
    assert bad.status_code == 400


def test_delete_asks_first_then_renumbers(client, held_event, three, stored_photos):
    url = f"/events/{held_event.id}/photos/{three[0].id}/delete"
    question = client.post(url)
    assert question.status_code == 200
    assert "Delete the photo “p1.jpg”?" in unescape(question.get_data(as_text=True))
    assert len(stored_photos(held_event.id)) == 3
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    left = stored_photos(held_event.id)
    assert [p.id for p in left] == [three[1].id, three[2].id]
    assert [p.position for p in left] == [1, 2]
    assert client.get(file_url(three[0], "thumb")).status_code == 404


def test_a_photo_of_another_event_is_not_found(client, held_event, three, make_event):
    other = make_event(title="Other", status="held")
    assert client.post(f"/events/{other.id}/photos/{three[0].id}/lead").status_code == 404


def test_serving_with_etag_and_304(client, three):
    url = file_url(three[0], "web")
    response = client.get(url)
    assert response.status_code == 200
    etag = response.headers["ETag"].strip('"')
    assert etag == next(f.sha256 for f in three[0].files if f.size == "web")
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # An address with another key, size or extension is no photo.
    assert client.get(f"/photos/{three[0].id}/0000000000000000/web.jpg").status_code == 404
    assert client.get(f"/photos/{three[0].id}/{three[0].key}/huge.jpg").status_code == 404
    assert client.get(f"/photos/{three[0].id}/{three[0].key}/web.png").status_code == 404


def test_representatives_are_refused(client, auth, held_event, three, make_user, make_unit):
    auth.logout()
    rep = make_user("representative", unit=make_unit("OTH", "Other unit"))
    auth.login_as(rep)
    assert client.get(f"/events/{held_event.id}/photos").status_code == 403
    assert client.get(file_url(three[0], "thumb")).status_code == 403
    assert client.post(f"/events/{held_event.id}/photos/{three[0].id}/lead").status_code == 403


def test_press_does_not_see_photos_of_a_draft(app, client, auth, login, make_event, upload, stored_photos):
    draft = make_event(title="Draft", status="draft")
    login("organiser")
    upload(draft.id, [(pictures.jpeg(), "d.jpg")])
    [photo] = stored_photos(draft.id)
    assert client.get(file_url(photo, "thumb")).status_code == 200
    auth.logout()
    login("press")
    assert client.get(f"/events/{draft.id}/photos").status_code == 404
    assert client.get(file_url(photo, "thumb")).status_code == 404
    assert client.post(f"/events/{draft.id}/photos/upload", data={}).status_code == 404


def test_the_event_page_links_to_the_photos(client, held_event, three):
    html = client.get(f"/events/{held_event.id}").get_data(as_text=True)
    assert f"/events/{held_event.id}/photos" in html
