"""Signals of the newsroom.

`content_changed` is sent after any write that may change what readers see (a publish, an
unpublish, an edit of public content, an import that updated records), including writes that
bypass model signals (queryset.update, bulk_create, bulk_update). The public site's cache
listens to it; every writer sends it.
"""

from django.dispatch import Signal

content_changed = Signal()
