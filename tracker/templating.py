"""Every template helper, registered in one place.

Pages of one area include partials of another (the event page shows the attendance, calendar and reports
panels), so every helper is made available to every template here, once, rather than as a side effect of
registering some blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def register_template_helpers(app: Flask) -> None:
    """Formatters and languages (i18n), the labels (vocabulary), and each area's partial helpers, for every
    template."""
    from . import i18n, vocabulary
    from .attendance.views import answered_by_text, attendance_panel
    from .calendar.views import calendar_links
    from .events.display import template_helpers
    from .mail.delivery import failure_summary
    from .reports.views import report_panels

    i18n.register_template_helpers(app)
    app.jinja_env.globals.update(vocabulary.template_helpers())
    app.jinja_env.globals.update(template_helpers())
    app.jinja_env.filters["failure_summary"] = failure_summary
    for helper in (answered_by_text, attendance_panel):
        app.jinja_env.globals[helper.__name__] = helper

    @app.context_processor
    def language_context() -> dict[str, Any]:
        """The reader's language, the site's languages (codes in order) and languages' names in themselves."""
        return {
            "current_language": i18n.current_language,
            "site_languages": i18n.site_languages(),
            "language_names": vocabulary.NATIVE_LANGUAGE_NAMES,
        }

    app.context_processor(report_panels)
    app.context_processor(calendar_links)
