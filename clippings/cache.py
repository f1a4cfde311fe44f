"""The public site's cache: whole pages for anonymous readers, and conditional GET for everyone.

Every cached page is keyed by a *content version*. Any change readers could see sends
`content_changed`, which starts a new version: pages of the old one are never served again, so a
publish or an unpublish shows at once on every page. A withdrawal by `unpublish_at` happens with
no write at all, so a version also ends at the next scheduled withdrawal.

The version lives in the default cache, which must be shared by all server processes (Redis in
production) for an invalidation in one process to reach the others. Each process re-reads it at
most every VERSION_RECHECK_SECONDS, and keeps its own copy of the pages it served (keyed by the
version, so never stale), so that a cached page costs no round trip to the shared cache.

Should the shared cache not answer (Redis down), pages are served uncached, without ETag, rather
than not at all: no process can know of another's changes then, so none may serve a copy. A
change readers could see, though, fails (its transaction rolls back) when its new version cannot
be announced: committed unannounced, it would leave the other processes serving pages from before
it until they expire. A process that saw the shared cache fail also starts a new version at its
first answer after (a second later at the soonest).
"""

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition
from redis.exceptions import RedisError

from .models import Article, Image, PressRelease, Provider, RelatedLink, Topic
from .signals import content_changed

STATE_KEY = "public:content-version"
PAGE_SECONDS = 300
VERSION_RECHECK_SECONDS = 0.1
# After the shared cache failed to answer, a process asks it again this much later (not at every
# request, which would each wait for its timeout).
SHARED_RETRY_SECONDS = 1.0

log = logging.getLogger(__name__)
_shared = {"failed": False, "retry_at": 0.0}  # this process's view of the shared cache's health
_UNREACHABLE = object()


def shared(method: str, *args):
    """`cache.<method>(*args)` on the shared cache, or _UNREACHABLE when it does not answer."""
    if _shared["failed"] and time.monotonic() < _shared["retry_at"]:
        return _UNREACHABLE
    try:
        result = getattr(cache, method)(*args)
    except (RedisError, OSError):  # not answering (refused, timed out...), not a bug of ours
        if not _shared["failed"]:
            log.exception("The shared cache does not answer: pages are served uncached until it does")
        _shared.update(failed=True, retry_at=time.monotonic() + SHARED_RETRY_SECONDS)
        return _UNREACHABLE
    if _shared["failed"]:
        _shared["failed"] = False
        log.warning("The shared cache answers again: a new content version starts")
        new_version()
    return result


def shared_get_or_set(key: str, compute, timeout: int):
    """A value kept in the shared cache for `timeout` seconds; computed each time it cannot be."""
    value = shared("get", key)
    if value is _UNREACHABLE or value is None:
        value = compute()
        shared("set", key, value, timeout)
    return value


_seen = {"state": None, "checked": 0.0}  # this process's last look at the shared version
_local_data = {"version": None, "values": {}}  # this process's copy of cached_data()
_local_pages = LocMemCache("newsroom-public-pages", {"TIMEOUT": PAGE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 500}})


def _next_withdrawal() -> float | None:
    """When the next published record reaches its `unpublish_at`, as a timestamp."""
    now = timezone.now()
    times = [
        model.objects.published().filter(unpublish_at__gt=now).aggregate(next=Min("unpublish_at"))["next"]
        for model in (Article, PressRelease)
    ]
    times = [moment.timestamp() for moment in times if moment]
    return min(times) if times else None


def new_version(*, expires_as_before: bool = False, announce: bool = False) -> dict:
    """Start another content version; `expires_as_before` keeps the last one's end rather than
    asking the database (two queries) for the next withdrawal. With `announce` (a change was
    made), the shared cache's error is raised when it cannot be told."""
    before = _seen["state"] if expires_as_before else None
    expires = before["expires"] if before is not None else _next_withdrawal()
    state = {"version": time.time_ns(), "modified": time.time(), "expires": expires}
    if announce:
        cache.set(STATE_KEY, state, None)
    else:
        shared("set", STATE_KEY, state, None)
    _seen.update(state=state, checked=time.monotonic())
    return state


def current_version() -> dict | None:
    """{version, modified, expires}: what the pages served now were built from; None while the
    shared cache does not answer (nothing may be served from a cache then)."""
    state = _seen["state"]
    if state is None or _shared["failed"] or time.monotonic() - _seen["checked"] > VERSION_RECHECK_SECONDS:
        asked = time.monotonic()
        read = shared("get", STATE_KEY)
        if read is _UNREACHABLE:
            return None
        if _seen["checked"] < asked:  # (else shared() has just started a version: it answers again)
            _seen.update(state=read, checked=time.monotonic())
        state = _seen["state"]
    if state is None or (state["expires"] is not None and state["expires"] <= time.time()):
        state = new_version()
    return state


def clear() -> None:
    """Forget every cached page and the version (for tests, whose database rolls back silently)."""
    # Whatever failed before: a failure a moment ago must not skip this clear, nor this clear's
    # failure be remembered after it (and start a version, querying the database, in a later test).
    _shared.update(failed=False, retry_at=0.0)
    shared("clear")
    _shared.update(failed=False, retry_at=0.0)
    _local_pages.clear()
    _seen.update(state=None, checked=0.0)
    _local_data.update(version=None, values={})


def cached_data(name: str, compute):
    """A value computed from public content, kept until the content changes (facet choices...)."""
    state = current_version()
    if state is None:
        return compute()
    version = state["version"]
    if _local_data["version"] != version:
        _local_data.update(version=version, values={})
    values = _local_data["values"]
    if name not in values:
        values[name] = shared_get_or_set(f"public:data:{version}:{name}", compute, PAGE_SECONDS)
    return values[name]


_commits = threading.local()  # per thread, as database connections are: when a commit last started a version


def _new_version_at_commit(announced: int):
    def start_if_not_yet():
        # The first callback of a commit starts the version; the others, announced before it, have
        # nothing to add (a connection's transactions follow one another, so it was this commit).
        if getattr(_commits, "last", 0) > announced:
            return
        _commits.last = time.perf_counter_ns()
        new_version()  # committed already: should this fail, the shared cache's failure is logged

    return start_if_not_yet


@receiver(content_changed)
def start_new_version(sender, **kwargs):
    if not transaction.get_connection().in_atomic_block:
        new_version(announce=True)
        return
    # Until the write commits, other processes still read the old content, and a page they render
    # now would be kept under the new version as if current: another version at commit drops such
    # pages. A transaction may announce many rows (deleting an article announces each of its
    # related links and images): each starts a version without asking the database when the next
    # withdrawal is, and only the first callback at commit asks.
    new_version(expires_as_before=True, announce=True)
    transaction.on_commit(_new_version_at_commit(time.perf_counter_ns()))


def announce_change(sender, **kwargs):
    """Model signals become content_changed, for writes through the ORM's save() and delete()."""
    content_changed.send(sender=sender)


# Connected for these models only: a model with a delete listener loses Django's fast delete, and
# sessions, login attempts and history rows have nothing to tell readers.
for _model in (Article, PressRelease, Topic, Provider, RelatedLink, Image, Article.topics.through,
               PressRelease.coverage.through):
    for _signal in (post_save, post_delete, m2m_changed):
        _signal.connect(announce_change, sender=_model)


def _reader_is_anonymous(request) -> bool:
    # Staff carry a session cookie; they are never served, nor do they fill, the shared cache.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _etag(request, *args, **kwargs) -> str | None:
    state = current_version()
    return f'"{state["version"]:x}"' if state else None


def _last_modified(request, *args, **kwargs):
    state = current_version()
    return datetime.fromtimestamp(state["modified"], tz=UTC) if state else None


def _page_key(request, state: dict) -> str:
    path = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"public:page:{state['version']}:{request.method}:{path}"


def _page_seconds() -> int:
    state = current_version()
    expires = state["expires"] if state else None
    if expires is None:
        return PAGE_SECONDS
    return max(1, min(PAGE_SECONDS, int(expires - time.time())))


def _cached_page(key):
    response = _local_pages.get(key)
    if response is None:
        response = shared("get", key)
        if response is _UNREACHABLE:
            return None
        if response is not None:
            _local_pages.set(key, response, _page_seconds())
    return response


def _keep_page(key, response) -> None:
    shared("set", key, response, _page_seconds())
    _local_pages.set(key, response, _page_seconds())


# After a change every page is rendered again, and readers asking for one page at once would each
# render it: with 4 threads a process, all busy rendering the coverage list under load, a publish
# took 1.4-2.6 s to show. A thread renders a page while the others of its process wait for its copy.
# A few locks shared by hash, not one a page: nothing to clean up; two pages sharing one only wait
# for each other now and then.
_render_locks = [threading.Lock() for _ in range(32)]
RENDER_WAIT_SECONDS = 10


def render_once(key: str, render):
    """The page under `key`: kept, or rendered by `render()` (which keeps it, when it may be kept),
    one thread of this process at a time."""
    lock = _render_locks[hash(key) % len(_render_locks)]
    # Should a render hang, the others give up waiting and render for themselves.
    acquired = lock.acquire(timeout=RENDER_WAIT_SECONDS)
    try:
        response = _cached_page(key)
        return response if response is not None else render()
    finally:
        if acquired:
            lock.release()


def _uncached(view, request, *args, **kwargs):
    response = view(request, *args, **kwargs)
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def public_page(view):
    """Serve `view` as a public page: cached for anonymous readers, answering conditional GETs."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        use_cache = (
            getattr(settings, "NEWSROOM_PUBLIC_CACHE", True)
            and request.method in ("GET", "HEAD")
            and _reader_is_anonymous(request)
        )
        state = current_version() if use_cache else None
        if state is None:  # not to be cached, or the shared cache does not answer
            return _uncached(view, request, *args, **kwargs)
        key = _page_key(request, state)
        response = _cached_page(key)
        if response is not None:
            return response

        def render():
            response = _uncached(view, request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                if hasattr(response, "render"):
                    response.render()  # here, while the others wait for it
                _keep_page(key, response)
            return response

        return render_once(key, render)

    return condition(etag_func=_etag, last_modified_func=_last_modified)(cached_view)
