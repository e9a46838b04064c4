"""gunicorn settings for the tracker: ``gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'``.

Options given on the command line (``-w 4 -b 0.0.0.0:8000``) still win over these.
"""

#: Masks answer-link, feed and password-reset tokens in the access and error logs (tracker.logs).
logger_class = "tracker.logs.TokenMaskingLogger"
#: Both logs to the standard streams, where a service manager or container runtime collects them.
accesslog = "-"
errorlog = "-"
