import base64, json, pytest
def enc(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
CASES = [["x", "y"], [1, 2], [{"d": "2030-01-01T00:00:00"}, 1], [{"day": "2030-01-01"}, "z"], [1.5, 2], [2**62, 1], [1e308, 1], ["\u0000", 1], [{"d": "2030-01-01T00:00:00+00:00"}, 2**40]]
PATHS = ["events", "units", "people", "venues", "series", "inv"]
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("values", CASES)
def test_cursor(api_client, make_event, path, values):
    api = api_client("organiser")
    ev = make_event()
    if len(values) == 2 and path == "series":
        values = values[:1]
    url = f"/api/v1/events/{ev.id}/invitations" if path == "inv" else f"/api/v1/{path}"
    r = api.get(url + "?cursor=" + enc(values))
    assert r.status_code < 500
