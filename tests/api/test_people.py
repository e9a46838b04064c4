"""``/api/v1/people``: the directory's rules for speakers and officials through the API."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient

PEOPLE = "/api/v1/people"


def _new_person(api: ApiClient, **fields: object) -> dict:
    body = {"full_name": {"az": "Pərviz Musayev", "en": "Parviz Musayev"}, **fields}
    response = api.post(PEOPLE, json=body)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_create_read_and_change_a_person(api_client, make_unit, role):
    api = api_client(role)
    make_unit("CIT")
    created = _new_person(api, rank={"az": "general-mayor", "ru": "генерал-майор"},
                          position={"en": "Deputy Head"}, unit_code="cit")
    assert created["full_name"] == {"az": "Pərviz Musayev", "en": "Parviz Musayev"}
    assert created["rank"] == {"az": "general-mayor", "ru": "генерал-майор"}
    assert created["position"] == {"en": "Deputy Head"}
    assert created["unit_code"] == "CIT"
    path = f"{PEOPLE}/{created['id']}"
    read = api.get(path)
    assert read.status_code == 200 and read.json == created
    changed = api.patch(path, json={"full_name": {"ru": "Парвиз Мусаев"}, "rank": {"ru": ""}, "unit_code": None},
                        headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["full_name"] == {"az": "Pərviz Musayev", "en": "Parviz Musayev", "ru": "Парвиз Мусаев"}
    assert changed.json["rank"] == {"az": "general-mayor"}
    assert changed.json["position"] == {"en": "Deputy Head"}
    assert changed.json["unit_code"] is None
    assert changed.headers["ETag"] != read.headers["ETag"]
    assert api.get(path).json == changed.json


def test_optional_fields_default_to_empty(api_client):
    created = _new_person(api_client("organiser"))
    assert created["rank"] == {} and created["position"] == {} and created["unit_code"] is None


def test_a_change_needs_the_current_etag(api_client):
    api = api_client("organiser")
    path = f"{PEOPLE}/{_new_person(api)['id']}"
    etag = api.get(path).headers["ETag"]
    missing = api.patch(path, json={"position": {"az": "Rəis"}})
    assert missing.status_code == 428 and missing.content_type == "application/problem+json"
    assert api.patch(path, json={"position": {"az": "Rəis"}}, headers={"If-Match": etag}).status_code == 200
    stale = api.patch(path, json={"position": {"az": "Müavin"}}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert api.get(path).json["position"] == {"az": "Rəis"}


def test_delete_needs_the_current_etag(api_client):
    api = api_client("organiser")
    path = f"{PEOPLE}/{_new_person(api)['id']}"
    etag = api.get(path).headers["ETag"]
    assert api.delete(path).status_code == 428
    api.patch(path, json={"position": {"az": "Rəis"}}, headers={"If-Match": etag})
    assert api.delete(path, headers={"If-Match": etag}).status_code == 412
    assert api.get(path).status_code == 200
    deleted = api.delete(path, headers={"If-Match": api.get(path).headers["ETag"]})
    assert deleted.status_code == 204
    assert api.get(path).status_code == 404


def test_a_speaker_or_presiding_official_cannot_be_deleted(api_client, make_person, make_event):
    api = api_client("organiser")
    speaker, chair = make_person("Speaker"), make_person("Chair")
    make_event("Remembrance", agenda=[{"kind": "speech", "title": "Address", "speaker_id": speaker.id}])
    make_event("Ceremony", presiding_id=chair.id)
    for person in (speaker, chair):
        path = f"{PEOPLE}/{person.id}"
        refused = api.delete(path, headers={"If-Match": api.get(path).headers["ETag"]})
        assert refused.status_code == 409
        assert refused.content_type == "application/problem+json"
        assert person.full_name in refused.json["detail"]
        assert api.get(path).status_code == 200


def test_unknown_fields_and_service_rules_are_422_problems(api_client):
    api = api_client("organiser")
    unknown = api.post(PEOPLE, json={"full_name": {"az": "X"}, "nickname": "x"})
    assert unknown.status_code == 422 and unknown.content_type == "application/problem+json"
    assert "nickname" in unknown.json["errors"]
    no_primary = api.post(PEOPLE, json={"full_name": {"en": "Only English"}})
    assert no_primary.status_code == 422 and "full_name" in no_primary.json["errors"]
    blank = api.post(PEOPLE, json={"full_name": {"az": "   "}})
    assert blank.status_code == 422 and "full_name" in blank.json["errors"]
    bad_unit = api.post(PEOPLE, json={"full_name": {"az": "X"}, "unit_code": "NOPE"})
    assert bad_unit.status_code == 422 and "unit_code" in bad_unit.json["errors"]
    too_long = api.post(PEOPLE, json={"full_name": {"az": "X"}, "position": {"az": "p" * 301}})
    assert too_long.status_code == 422
    assert any(name.startswith("position") for name in too_long.json["errors"]), too_long.json
    bad_language = api.post(PEOPLE, json={"full_name": {"az": "X", "fr": "X"}})
    assert bad_language.status_code == 422 and "full_name" in bad_language.json["errors"]
    path = f"{PEOPLE}/{_new_person(api)['id']}"
    etag = api.get(path).headers["ETag"]
    emptied = api.patch(path, json={"full_name": {"az": "", "en": ""}}, headers={"If-Match": etag})
    assert emptied.status_code == 422 and "full_name" in emptied.json["errors"]
    unknown_patch = api.patch(path, json={"nickname": "x"}, headers={"If-Match": etag})
    assert unknown_patch.status_code == 422 and "nickname" in unknown_patch.json["errors"]
    assert api.get(path).headers["ETag"] == etag


def test_the_list_pages_by_name_in_a_stable_order(api_client, make_person):
    api = api_client("organiser")
    for name in ("Cavid", "Aygün", "Bəhruz", "Aygün", "Elnur"):
        make_person(name)
    seen, cursor = [], None
    while True:
        page = api.get(PEOPLE, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        assert len(page.json["items"]) <= 2
        seen += [(item["full_name"]["az"], item["id"]) for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and len({id_ for _, id_ in seen}) == 5
    assert seen == sorted(seen)
    assert api.get(PEOPLE, query_string={"cursor": "garbage!"}).status_code == 422
    assert api.get(PEOPLE, query_string={"limit": 201}).status_code == 422


def test_other_roles_and_strangers_are_refused(api_client, client, make_person):
    person = make_person()
    path = f"{PEOPLE}/{person.id}"
    assert client.get(PEOPLE).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    for role in ("press", "representative"):
        api = api_client(role)
        for response in (api.get(PEOPLE), api.post(PEOPLE, json={"full_name": {"az": "X"}}), api.get(path),
                         api.patch(path, json={"rank": {"az": "X"}}, headers={"If-Match": '"x"'}),
                         api.delete(path, headers={"If-Match": '"x"'})):
            assert response.status_code == 403, response.json
            assert response.content_type == "application/problem+json"
    organiser = api_client("organiser")
    assert organiser.get(path).status_code == 200


def test_unknown_people_are_404(api_client):
    api = api_client("organiser")
    for path in (f"{PEOPLE}/999999", f"{PEOPLE}/abc"):
        assert api.get(path).status_code == 404
        assert api.patch(path, json={"rank": {"az": "X"}}, headers={"If-Match": '"x"'}).status_code == 404
        assert api.delete(path, headers={"If-Match": '"x"'}).status_code == 404
    # Past what an id column holds the path names nothing (Werkzeug answers 405 for the methods it would route).
    huge = f"{PEOPLE}/{2**40}"
    assert api.get(huge).status_code == 404
    for response in (api.patch(huge, json={"rank": {"az": "X"}}, headers={"If-Match": '"x"'}),
                     api.delete(huge, headers={"If-Match": '"x"'})):
        assert response.status_code in (404, 405) and response.content_type == "application/problem+json"
