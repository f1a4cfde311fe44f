"""The public site's cache: whole pages for anonymous readers, and conditional GET for everyone.

Every cached page is keyed by a *content version*. Any change readers could see sends
`content_changed`, which writes a new version into the database (`ContentVersion`, one row) in
the change's own transaction: the change and its version commit together, so no process can see
one without the other. Each process reads the row at most every VERSION_RECHECK_SECONDS, so a
change made anywhere (the admin in another worker, `publish_scheduled` from cron, an import) shows
in every process within that time, whatever cache is configured. A withdrawal by `unpublish_at`
happens with no write at all, so a version also ends at the next scheduled withdrawal: the
version is the row's token and that time, the same in every process.

Pages are kept in the process's own memory and, when one is configured, in the shared cache
(Redis) too, so that a page rendered by one process serves them all. Neither can serve a page of
an old version, so neither can be stale. Should Redis not answer, pages are served from the
process's own copies (or rendered), and changes go on as usual: the version is in the database.
"""

import hashlib
import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition
from redis.exceptions import RedisError

from .models import Article, ContentVersion, Image, PressRelease, Provider, RelatedLink, Topic
from .signals import content_changed

PAGE_SECONDS = 300
# How often a process reads the version row: the longest a change made elsewhere goes unseen.
VERSION_RECHECK_SECONDS = 0.5
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
            log.exception("The shared cache does not answer: each process serves its own copies until it does")
        _shared.update(failed=True, retry_at=time.monotonic() + SHARED_RETRY_SECONDS)
        return _UNREACHABLE
    if _shared["failed"]:
        _shared["failed"] = False
        log.warning("The shared cache answers again")
    return result


def shared_get_or_set(key: str, compute, timeout: int):
    """A value kept in the shared cache for `timeout` seconds; computed each time it cannot be."""
    value = shared("get", key)
    if value is _UNREACHABLE or value is None:
        value = compute()
        shared("set", key, value, timeout)
    return value


_seen = {"state": None, "checked": 0.0}  # this process's last look at the version row
_local_data = {"version": None, "values": {}}  # this process's copy of cached_data()
_local_pages = LocMemCache("newsroom-public-pages", {"TIMEOUT": PAGE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 500}})


def _withdrawals() -> tuple[float | None, float | None]:
    """The last `unpublish_at` passed and the next one to come, of records published, as timestamps
    (a withdrawal passed stays so until publish_scheduled archives the record, a change)."""
    now = timezone.now()
    passed, upcoming = [], []
    for model in (Article, PressRelease):
        times = (model.objects.published() | model.objects.due_to_unpublish(now)).aggregate(
            passed=Max("unpublish_at", filter=Q(unpublish_at__lte=now)),
            upcoming=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
        )
        passed += [times["passed"].timestamp()] if times["passed"] else []
        upcoming += [times["upcoming"].timestamp()] if times["upcoming"] else []
    return max(passed, default=None), min(upcoming, default=None)


def _state(token: str, changed_at: float) -> dict:
    """{version, modified, expires} of the content as of the version row `token`, now: every
    process computes the same version for the same row at the same time."""
    passed, expires = _withdrawals()
    return {"token": token, "version": f"{token}-{expires or 0:.6f}", "modified": max(changed_at, passed or 0),
            "expires": expires}


def _read_row() -> tuple[str, float]:
    # From the primary even within a request that reads from a replica: the version is the truth
    # that tells when a replica is up to date (newsroom/replicas.py).
    row = ContentVersion.objects.using(DEFAULT_DB_ALIAS).filter(pk=ContentVersion.ROW) \
        .values_list("token", "changed_at").first()
    return (row[0], row[1].timestamp()) if row else ("", 0.0)


def current_version() -> dict:
    """{version, modified, expires}: what the pages served now are built from."""
    pending = _pending_write()
    if pending is not None:  # this thread's own change, not committed: only this thread sees it yet
        if pending["state"] is None or _expired(pending["state"]):
            pending["state"] = _state(pending["token"], pending["changed_at"])
        return pending["state"]
    state = _seen["state"]
    if state is None or time.monotonic() - _seen["checked"] > VERSION_RECHECK_SECONDS:
        checked = time.monotonic()
        token, changed_at = _read_row()
        if state is None or state["token"] != token:
            state = _state(token, changed_at)
        _seen.update(state=state, checked=checked)
    if _expired(state):
        state = _state(state["token"], state["modified"])
        _seen["state"] = state
    return state


def _expired(state: dict) -> bool:
    return state["expires"] is not None and state["expires"] <= time.time()


def clear() -> None:
    """Forget every cached page and the version (for tests, whose database rolls back silently)."""
    # Whatever failed before: a failure a moment ago must not skip this clear, nor this clear's
    # failure be remembered after it.
    _shared.update(failed=False, retry_at=0.0)
    shared("clear")
    _shared.update(failed=False, retry_at=0.0)
    _local_pages.clear()
    _seen.update(state=None, checked=0.0)
    _local_data.update(version=None, values={})
    _writes.__dict__.clear()


def cached_data(name: str, compute):
    """A value computed from public content, kept until the content changes (facet choices...)."""
    version = current_version()["version"]
    if _local_data["version"] != version:
        _local_data.update(version=version, values={})
    values = _local_data["values"]
    if name not in values:
        values[name] = shared_get_or_set(f"public:data:{version}:{name}", compute, PAGE_SECONDS)
    return values[name]


# Per thread, as database connections are: the version this thread's open transaction wrote.
_writes = threading.local()


def _pending_write() -> dict | None:
    """{token, changed_at} written by this thread's open transaction, until it commits."""
    pending = getattr(_writes, "pending", None)
    if pending is None:
        return None
    connection = transaction.get_connection()
    # Django forgets the commit callbacks of a transaction or savepoint rolled back, and with them
    # the version it wrote; committed, the callback has adopted the version and let it go.
    if connection.in_atomic_block and any(entry[1] is pending["adopt"] for entry in connection.run_on_commit):
        return pending
    _writes.pending = None
    return None


def _write_version() -> tuple[str, float]:
    token, changed_at = uuid.uuid4().hex, timezone.now()
    rows = ContentVersion.objects.filter(pk=ContentVersion.ROW)
    if not rows.update(token=token, changed_at=changed_at):  # the row gone (a flushed database)
        ContentVersion.objects.bulk_create([ContentVersion(token=token, changed_at=changed_at)],
                                           ignore_conflicts=True)
        rows.update(token=token, changed_at=changed_at)
    return token, changed_at.timestamp()


def _adopt(token: str, changed_at: float) -> None:
    """This process serves the version it just committed, without waiting to read it."""
    _seen.update(state=_state(token, changed_at), checked=time.monotonic())


@receiver(content_changed)
def start_new_version(sender, **kwargs):
    pending = _pending_write()
    if pending is not None and pending["state"] is None:
        # This transaction has written a version already, and nothing was read under it since: it
        # covers this change too (deleting an article announces each of its links and images).
        return
    token, changed_at = _write_version()
    if not transaction.get_connection().in_atomic_block:
        _adopt(token, changed_at)
        return
    # Until the transaction commits, other threads read the old content: a page they render now
    # must not be kept under the new version, so the process adopts it only at commit.

    def adopt():
        _writes.pending = None
        _seen.update(state=pending["state"] or _state(token, changed_at), checked=time.monotonic())

    pending = {"token": token, "changed_at": changed_at, "adopt": adopt, "state": None}
    _writes.pending = pending
    transaction.on_commit(adopt)


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


def _etag(request, *args, **kwargs) -> str:
    return f'"{current_version()["version"]}"'


def _last_modified(request, *args, **kwargs):
    return datetime.fromtimestamp(current_version()["modified"], tz=UTC)


def _page_key(request, state: dict) -> str:
    path = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"public:page:{state['version']}:{request.method}:{path}"


def _page_seconds() -> int:
    expires = current_version()["expires"]
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
        if not use_cache:
            return _uncached(view, request, *args, **kwargs)
        key = _page_key(request, current_version())
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
