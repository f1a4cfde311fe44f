"""The WSGI application gunicorn serves (newsroom/wsgi.py), called as a server calls it."""

from wsgiref.util import setup_testing_defaults

from newsroom.wsgi import application


def serve(method: str, path: str) -> tuple[str, dict, bytes]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver", "wsgi.url_scheme": "https"}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


# transactional_db: the WSGI handler closes the request's database connection, as in production, so
# the test cannot run inside a transaction of its own (the next query would find the connection closed).
def test_head_gets_the_headers_of_get_and_no_body(transactional_db):
    # Regression: the body went to the server, which dropped it with a warning in the log on each HEAD.
    get_status, get_headers, get_body = serve("GET", "/robots.txt")
    head_status, head_headers, head_body = serve("HEAD", "/robots.txt")
    assert (get_status, head_status) == ("200 OK", "200 OK")
    assert get_body.startswith(b"User-agent: *") and head_body == b""
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))
