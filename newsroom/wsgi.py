"""WSGI entry point, as gunicorn serves it: `gunicorn newsroom.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def without_body_for_head(app):
    """A response to HEAD carries the GET's headers and no body (RFC 9110, 9.3.2). Django leaves
    dropping the body to the server; gunicorn 27 does, with a warning in the log on each HEAD,
    which a load balancer's health check would send every few seconds."""

    def application(environ, start_response):
        response = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return response
        if hasattr(response, "close"):
            response.close()  # Django's request_finished: the request's database connections are let go
        return []

    return application


application = without_body_for_head(get_wsgi_application())
