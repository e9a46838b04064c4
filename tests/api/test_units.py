"""``/api/v1/units``: the directory's rules through the API."""

from __future__ import annotations

from tests.api.conftest import ApiClient


def _new_unit(api: ApiClient, **fields: object) -> dict:
    body = {"code": "cit", "name": {"az": "Mərkəz", "en": "Centre"}, **fields}
    response = api.post("/api/v1/units", json=body)
    assert response.status_code == 201, response.json
    return response.json


def test_organiser_creates_reads_and_changes_a_unit(api_client):
    api = api_client("organiser")
    created = _new_unit(api, contact_emails=["Office@Example.org"])
    assert created["code"] == "CIT"
    assert created["name"] == {"az": "Mərkəz", "en": "Centre"}
    read = api.get("/api/v1/units/cit")
    assert read.status_code == 200
    changed = api.patch("/api/v1/units/CIT", json={"name": {"ru": "Центр"}, "active": False},
                        headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == {"az": "Mərkəz", "en": "Centre", "ru": "Центр"}
    assert changed.json["active"] is False
    assert changed.headers["ETag"] != read.headers["ETag"]


def test_a_change_needs_the_current_etag(api_client):
    api = api_client("organiser")
    _new_unit(api)
    etag = api.get("/api/v1/units/cit").headers["ETag"]
    assert api.patch("/api/v1/units/cit", json={"active": False}).status_code == 428
    assert api.patch("/api/v1/units/cit", json={"active": False}, headers={"If-Match": etag}).status_code == 200
    stale = api.patch("/api/v1/units/cit", json={"active": True}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert api.get("/api/v1/units/cit").json["active"] is False


def test_unknown_fields_and_service_rules_are_422_problems(api_client):
    api = api_client("organiser")
    unknown = api.post("/api/v1/units", json={"code": "X", "name": {"az": "X"}, "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.content_type == "application/problem+json"
    assert set(unknown.json) >= {"type", "title", "status", "errors"}
    assert "colour" in unknown.json["errors"]
    _new_unit(api)
    duplicate = api.post("/api/v1/units", json={"code": "Cit", "name": {"az": "Başqa"}})
    assert duplicate.status_code == 422
    assert "code" in duplicate.json["errors"]
    no_primary = api.post("/api/v1/units", json={"code": "Y", "name": {"en": "Only English"}})
    assert no_primary.status_code == 422 and "name" in no_primary.json["errors"]
    bad_parent = api.post("/api/v1/units", json={"code": "Z", "name": {"az": "Z"}, "parent_code": "NOPE"})
    assert bad_parent.status_code == 422 and "parent_code" in bad_parent.json["errors"]
    bad_email = api.post("/api/v1/units", json={"code": "W", "name": {"az": "W"}, "contact_emails": ["not-mail"]})
    assert bad_email.status_code == 422 and "contact_emails" in bad_email.json["errors"]


def test_messages_are_in_the_token_owners_language(api_client):
    api = api_client("organiser", language="ru")
    _new_unit(api)
    duplicate = api.post("/api/v1/units", json={"code": "CIT", "name": {"az": "Başqa"}})
    message = duplicate.json["errors"]["code"][0]
    assert any("\u0400" <= char <= "\u04ff" for char in message), message


def test_the_list_pages_with_a_cursor_in_a_stable_order(api_client):
    api = api_client("organiser")
    for n in range(5):
        _new_unit(api, code=f"U{n}", name={"az": f"Bölmə {n}"})
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/units", query_string=query)
        assert page.status_code == 200
        assert len(page.json["items"]) <= 2
        seen += [item["code"] for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and set(seen) >= {f"U{n}" for n in range(5)}
    assert len(seen) == len(set(seen))
    assert api.get("/api/v1/units", query_string={"cursor": "garbage!"}).status_code == 422
    assert api.get("/api/v1/units", query_string={"limit": 201}).status_code == 422


def test_other_roles_and_strangers_are_refused(api_client, client):
    assert client.get("/api/v1/units").status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer nope"}).status_code == 401
    for role in ("press", "representative"):
        refused = api_client(role).get("/api/v1/units")
        assert refused.status_code == 403
        assert refused.content_type == "application/problem+json"
    assert api_client("organiser").get("/api/v1/units/NOPE").status_code == 404


def test_an_unknown_query_parameter_is_refused_not_ignored(api_client):
    refused = api_client("organiser").get("/api/v1/units", query_string={"colour": "red"})
    assert refused.status_code == 422
    assert "colour" in refused.json["errors"]
