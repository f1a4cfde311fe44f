"""Read replicas: which queries may read from a replica, and the router that sends them there.

With DATABASE_REPLICA_URL set (newsroom/settings.py), the aliases in NEWSROOM_READ_REPLICAS are
streaming replicas of the primary, `default`. Everything uses the primary unless it runs inside
`replica_reads()`, and ReplicaReadsMiddleware wraps only the requests that can take a replica's
lag: anonymous readers' GET and HEAD requests outside the admin. So:

- Writes, migrations and every management command (imports, publish_scheduled) use the primary.
- Editors read their own writes: a request with a session cookie (anyone logged in), any POST,
  and the whole admin read from the primary.
- Inside a block that reads from a replica, a write sends the rest of the block's reads to the
  primary, and so does an open transaction (select_for_update, atomic blocks).
- One request reads from one replica, chosen at random, so a page sees one state of the data.
- Public pages are cached under a content version that changes with every change readers could
  see (clippings/cache.py). A page built from a replica that has not yet replayed that change would
  be kept under the new version until the next change or for 5 minutes. So for
  NEWSROOM_REPLICA_LAG_SECONDS (10 by default) after a change, readers' pages read from the
  primary; a replica must not lag more than that (watch `now() - pg_last_xact_replay_timestamp()`
  on it).
"""

import random
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica: ContextVar[str | None] = ContextVar("newsroom_read_replica", default=None)


@contextmanager
def replica_reads():
    """Send this block's reads to a read replica (when one is configured)."""
    replicas = settings.NEWSROOM_READ_REPLICAS
    token = _replica.set(random.choice(replicas) if replicas else None)
    try:
        yield
    finally:
        _replica.reset(token)


class ReadReplicaRouter:
    """Reads inside `replica_reads()` go to its replica; everything else goes to the primary."""

    def db_for_read(self, model, **hints):
        replica = _replica.get()
        if replica and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return replica
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        _replica.set(None)  # read your own writes for the rest of the block
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas replay the primary's migrations


class ReplicaReadsMiddleware:
    """Reads of anonymous readers' GET and HEAD requests outside the admin go to a replica."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        if not self.may_read_from_replica(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)

    def may_read_from_replica(self, request) -> bool:
        return bool(
            settings.NEWSROOM_READ_REPLICAS
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path_info.startswith(self.admin_prefix)
            and _content_settled()
        )


def _content_settled() -> bool:
    """Whether public content last changed long enough ago for every replica to hold the change."""
    from clippings.cache import current_version  # the app's cache knows when content last changed

    return time.time() - current_version()["modified"] >= settings.NEWSROOM_REPLICA_LAG_SECONDS
