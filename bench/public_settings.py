"""Settings for the public-site load benchmark: the real ones, plus the baseline view's URLconf.

BENCH_PUBLIC_CACHE=0 turns the anonymous page cache off (to measure uncached pages).
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public_urls"
NEWSROOM_PUBLIC_CACHE = os.environ.get("BENCH_PUBLIC_CACHE", "1") == "1"
