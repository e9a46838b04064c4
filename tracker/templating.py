"""Every template helper, registered in one place.

Pages of one area include partials of another (the event page shows the attendance, calendar and reports
panels), so every helper is made available to every template here, once, rather than as a side effect of
registering some blueprint.
"""

from __future__ import annotations

from flask import Flask


def register_template_helpers(app: Flask) -> None:
    """Formatters and languages (i18n), and each area's labels and partial helpers, for every template."""
    from . import i18n
    from .attendance.views import (
        answer_label,
        answered_by_text,
        attendance_panel,
        audit_action_label,
        audit_field_label,
        channel_label,
    )
    from .calendar.views import calendar_links
    from .events.display import template_helpers
    from .reports.views import report_panels

    i18n.register_template_helpers(app)
    app.jinja_env.globals.update(template_helpers())
    for helper in (answer_label, channel_label, audit_action_label, audit_field_label, answered_by_text,
                   attendance_panel):
        app.jinja_env.globals[helper.__name__] = helper
    app.context_processor(report_panels)
    app.context_processor(calendar_links)
