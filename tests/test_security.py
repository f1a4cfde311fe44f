"""Security headers on every response, no cookies for readers, throttled admin logins, no tracebacks."""

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse

from tests.factories import PublishedArticleFactory, PublishedPressReleaseFactory

PUBLIC_PATHS = ["/", "/coverage/", "/press-releases/", "/search/?q=police", "/no-such-page/"]


@pytest.fixture
def published(db):
    return PublishedArticleFactory(title="Police surveillance in schools"), PublishedPressReleaseFactory()


def public_paths(published):
    article, press_release = published
    return [*PUBLIC_PATHS, article.get_absolute_url(), press_release.get_absolute_url()]


def assert_security_headers(response, referrer_policy="no-referrer"):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == referrer_policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions
    return directives


def test_public_pages_send_every_security_header_and_a_strict_policy(client, published):
    for url in public_paths(published):
        response = client.get(url, secure=True)
        assert response.status_code < 500, url
        directives = assert_security_headers(response)
        assert directives["style-src"] == "'self'", url


def test_public_pages_set_no_cookie_for_readers(client, published):
    for url in public_paths(published):
        response = client.get(url, secure=True)
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response.headers, url


def test_admin_sends_every_security_header_and_allows_only_inline_styles(client, superuser):
    login = client.get(reverse("admin:login"), secure=True)
    assert_security_headers(login, referrer_policy="same-origin")
    client.force_login(superuser)
    for url in (reverse("admin:index"), reverse("admin:clippings_article_changelist")):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        directives = assert_security_headers(response, referrer_policy="same-origin")
        assert directives["style-src"] == "'self' 'unsafe-inline'"
        assert directives["script-src"] == "'self'"


def test_static_files_carry_the_headers_too(client):
    response = client.get("/static/admin/css/base.css", secure=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_hsts_only_over_https(client, db):
    assert "Strict-Transport-Security" not in client.get("/").headers


ATTACKER, ADMIN_DESK = "198.51.100.7", "192.0.2.9"


def log_in(client, username, password, address):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, secure=True,
                       REMOTE_ADDR=address)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_that_user_name_at_that_address_only(db):
    # Regression: five failures for "admin" from any address locked "admin" out from every address.
    from django.test import Client

    User.objects.create_superuser("admin", "admin@example.org", "the-right-password")
    attacker = Client()
    for _ in range(4):
        assert log_in(attacker, "admin", "a-guess", ATTACKER).status_code == 200  # the form, with an error
    assert log_in(attacker, "admin", "a-guess", ATTACKER).status_code == 429
    locked = log_in(attacker, "admin", "the-right-password", ATTACKER)
    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    # The real administrator, from the desk's address, logs in through the admin's login page.
    desk = Client()
    response = log_in(desk, "admin", "the-right-password", ADMIN_DESK)
    assert response.status_code == 302
    assert desk.session["_auth_user_id"] == str(User.objects.get(username="admin").pk)
    assert desk.get(reverse("admin:index")).status_code == 200


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_one_address_trying_many_user_names_is_locked_out(client, db):
    User.objects.create_superuser("admin", "admin@example.org", "the-right-password")
    for number in range(7):  # fewer than five failures for each name, eight in all
        assert log_in(client, f"name-{number}", "a-guess", ATTACKER).status_code == 200
    assert log_in(client, "name-7", "a-guess", ATTACKER).status_code == 429
    # The address is locked, even for a right password...
    assert log_in(client, "admin", "the-right-password", ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and only the address.
    assert log_in(client, "admin", "the-right-password", ADMIN_DESK).status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_admin_login_works_below_the_limit(client, db):
    User.objects.create_superuser("desk", "desk@example.org", "the-right-password")
    url = reverse("admin:login")
    client.post(url, {"username": "desk", "password": "a-guess"}, secure=True)
    response = client.post(url, {"username": "desk", "password": "the-right-password"}, secure=True)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@override_settings(NEWSROOM_PROXY_COUNT=1)
def test_client_ip_behind_one_proxy_takes_the_address_the_proxy_saw(rf):
    from newsroom.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "198.51.100.7"  # the left entry is the client's own claim


def test_client_ip_without_proxy_is_the_socket_address(rf):
    from newsroom.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.66", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"


def broken_view(request):
    raise RuntimeError("secret internals")


def inline_script_view(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">console.log(1)</script>')


urlpatterns = [
    path("broken/", broken_view),
    path("inline-script/", inline_script_view),
    path("", include("newsroom.urls")),
]


@pytest.mark.urls("tests.test_security")
def test_a_page_that_asks_for_a_nonce_gets_it_in_its_policy(client, db):
    response = client.get("/inline-script/")
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"script-src 'self' 'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert client.get("/inline-script/").content.decode() != response.content.decode()  # one per response


@pytest.mark.urls("tests.test_security")
def test_an_error_shows_no_traceback_to_the_reader(client, db):
    client.raise_request_exception = False
    response = client.get("/broken/", secure=True)
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internals" not in body
    assert "Traceback" not in body
    assert_security_headers(response)
