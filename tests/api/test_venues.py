"""``/api/v1/venues``: the directory's rules for halls and rooms through the API."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient
from tracker.bounds import VENUE_CAPACITY

VENUES = "/api/v1/venues"


def _new_venue(api: ApiClient, **fields: object) -> dict:
    body = {"name": {"az": "Akt zalı", "en": "Assembly hall"}, **fields}
    response = api.post(VENUES, json=body)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_and_admins_create_read_and_change_a_venue(api_client, role):
    api = api_client(role)
    created = _new_venue(api, address={"az": "Baş ofis, 2-ci mərtəbə"}, capacity=250)
    assert created["name"] == {"az": "Akt zalı", "en": "Assembly hall"}
    assert created["address"] == {"az": "Baş ofis, 2-ci mərtəbə"}
    assert created["capacity"] == 250
    path = f"{VENUES}/{created['id']}"
    read = api.get(path)
    assert read.status_code == 200 and read.json == created
    changed = api.patch(path, json={"name": {"ru": "Актовый зал", "en": ""}, "capacity": None},
                        headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["name"] == {"az": "Akt zalı", "ru": "Актовый зал"}
    assert changed.json["address"] == {"az": "Baş ofis, 2-ci mərtəbə"}
    assert changed.json["capacity"] is None
    assert changed.headers["ETag"] != read.headers["ETag"]
    assert api.get(path).json == changed.json


def test_optional_fields_default_to_empty(api_client):
    created = _new_venue(api_client("organiser"))
    assert created["address"] == {} and created["capacity"] is None


def test_a_change_needs_the_current_etag(api_client):
    api = api_client("organiser")
    path = f"{VENUES}/{_new_venue(api)['id']}"
    etag = api.get(path).headers["ETag"]
    missing = api.patch(path, json={"capacity": 10})
    assert missing.status_code == 428 and missing.content_type == "application/problem+json"
    assert api.patch(path, json={"capacity": 10}, headers={"If-Match": etag}).status_code == 200
    stale = api.patch(path, json={"capacity": 20}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert api.get(path).json["capacity"] == 10


@pytest.mark.parametrize("capacity", [VENUE_CAPACITY.low - 1, -5, VENUE_CAPACITY.high + 1, 2**70])
def test_capacity_outside_the_bounds_is_refused_beside_the_field(api_client, capacity):
    api = api_client("organiser")
    refused = api.post(VENUES, json={"name": {"az": "Zal"}, "capacity": capacity})
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert list(refused.json["errors"]) == ["capacity"]
    path = f"{VENUES}/{_new_venue(api, capacity=100)['id']}"
    etag = api.get(path).headers["ETag"]
    patched = api.patch(path, json={"capacity": capacity}, headers={"If-Match": etag})
    assert patched.status_code == 422 and list(patched.json["errors"]) == ["capacity"]
    assert api.get(path).json["capacity"] == 100


def test_capacity_at_the_bounds_is_taken(api_client):
    api = api_client("organiser")
    assert _new_venue(api, capacity=VENUE_CAPACITY.low)["capacity"] == VENUE_CAPACITY.low
    assert _new_venue(api, capacity=VENUE_CAPACITY.high)["capacity"] == VENUE_CAPACITY.high


def test_unknown_fields_and_service_rules_are_422_problems(api_client):
    api = api_client("organiser")
    unknown = api.post(VENUES, json={"name": {"az": "Zal"}, "floor": 2})
    assert unknown.status_code == 422 and unknown.content_type == "application/problem+json"
    assert "floor" in unknown.json["errors"]
    no_primary = api.post(VENUES, json={"name": {"en": "Hall"}})
    assert no_primary.status_code == 422 and "name" in no_primary.json["errors"]
    not_number = api.post(VENUES, json={"name": {"az": "Zal"}, "capacity": "many"})
    assert not_number.status_code == 422 and "capacity" in not_number.json["errors"]
    long_address = api.post(VENUES, json={"name": {"az": "Zal"}, "address": {"az": "a" * 2001}})
    assert long_address.status_code == 422
    assert any(name.startswith("address") for name in long_address.json["errors"]), long_address.json
    path = f"{VENUES}/{_new_venue(api)['id']}"
    etag = api.get(path).headers["ETag"]
    emptied = api.patch(path, json={"name": {"az": "", "en": ""}}, headers={"If-Match": etag})
    assert emptied.status_code == 422 and "name" in emptied.json["errors"]
    unknown_patch = api.patch(path, json={"floor": 2}, headers={"If-Match": etag})
    assert unknown_patch.status_code == 422 and "floor" in unknown_patch.json["errors"]
    assert api.get(path).headers["ETag"] == etag


def test_the_list_pages_by_name_in_a_stable_order(api_client, make_venue):
    api = api_client("organiser")
    for name in ("Zal C", "Zal A", "Zal B", "Zal A", "Zal D"):
        make_venue(name)
    seen, cursor = [], None
    while True:
        page = api.get(VENUES, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        assert len(page.json["items"]) <= 2
        seen += [(item["name"]["az"], item["id"]) for item in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and len({id_ for _, id_ in seen}) == 5
    assert seen == sorted(seen)
    assert api.get(VENUES, query_string={"cursor": "garbage!"}).status_code == 422
    assert api.get(VENUES, query_string={"limit": 0}).status_code == 422


def test_other_roles_and_strangers_are_refused(api_client, client, make_venue):
    venue = make_venue()
    path = f"{VENUES}/{venue.id}"
    assert client.get(VENUES).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    for role in ("press", "representative"):
        api = api_client(role)
        for response in (api.get(VENUES), api.post(VENUES, json={"name": {"az": "Zal"}}), api.get(path),
                         api.patch(path, json={"capacity": 5}, headers={"If-Match": '"x"'})):
            assert response.status_code == 403, response.json
            assert response.content_type == "application/problem+json"
    assert api_client("organiser").get(path).status_code == 200


def test_unknown_venues_are_404(api_client):
    api = api_client("organiser")
    for path in (f"{VENUES}/999999", f"{VENUES}/abc"):
        assert api.get(path).status_code == 404
        assert api.patch(path, json={"capacity": 5}, headers={"If-Match": '"x"'}).status_code == 404
    assert api.get(f"{VENUES}/{2**40}").status_code == 404
