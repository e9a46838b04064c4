"""The one settings object: read from the configuration, following it, refusing a bad value at start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import _test_config
from tracker import create_app
from tracker.settings import Settings, settings


def test_a_bad_value_stops_the_application_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ValueError, match="P1X"):
        create_app({**_test_config(tmp_path), "ALARMS": "P1X"})


def test_the_settings_follow_a_value_changed_after_start(app):
    with app.app_context():
        assert settings().page_size == 25
        app.config["PAGE_SIZE"] = 7
        app.config["BASE_URL"] = "https://tracker.example.org/"
        assert settings().page_size == 7
        assert settings().site_url("/answer/x") == "https://tracker.example.org/answer/x"


def test_missing_keys_take_the_defaults_and_names_fall_back_to_the_content_language():
    defaults = Settings.from_config({})
    assert defaults.alarms == (timedelta(days=1), timedelta(hours=1))
    assert defaults.mail_language == "en"
    named = Settings.from_config({"ORGANISATION_NAME": "Agency", "ORGANISATION_NAME_AZ": "Agentlik",
                                  "MAIL_LANGUAGE": "az"})
    assert (named.organisation("az"), named.organisation("ru"), named.mail_language) == ("Agentlik", "Agency", "az")


def test_secrets_stay_out_of_the_representation():
    shown = repr(Settings.from_config({"SECRET_KEY": "s3cret-key", "SMTP_URL": "smtp://user:pa55word@mail"}))
    assert "s3cret-key" not in shown and "pa55word" not in shown


def test_languages_come_from_the_environment_as_a_list():
    from tracker.config import from_environment

    assert from_environment({"TRACKER_LANGUAGES": "az, ru"})["LANGUAGES"] == ("az", "ru")


@pytest.mark.parametrize(("languages", "primary", "words"), [
    (("az", "de"), "az", "not de"),
    ((), "az", "not none"),
    (("ru", "en"), "az", "CONTENT_LANGUAGE 'az'"),
])
def test_languages_without_catalogs_or_a_primary_outside_them_stop_the_start(languages, primary, words):
    with pytest.raises(ValueError, match=words):
        Settings.from_config({"LANGUAGES": languages, "CONTENT_LANGUAGE": primary})
