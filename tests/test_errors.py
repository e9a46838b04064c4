"""Error pages: in the site layout, with a way back, never a stack trace."""

from __future__ import annotations


def test_unknown_page_gets_the_not_found_page(client, login):
    login("organiser")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert 'href="/"' in response.get_data(as_text=True)


def test_forbidden_page_says_whom_to_ask(client, login):
    login("press")
    response = client.get("/units")
    assert response.status_code == 403
    assert "ask an organiser" in response.get_data(as_text=True)


def test_server_error_shows_a_calm_page(client, failing_route):
    response = client.get(failing_route)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "RuntimeError" not in body and "boom" not in body
