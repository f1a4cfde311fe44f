"""Parsing documents in worker processes, ahead of the importer's writes.

Parsing (YAML, cleaning) and writing each take about half of a fresh import's time, and they do
not depend on each other: while the importer writes one batch, a worker process parses the next.
Results come back in the order the documents were given, whoever parsed them, so an import
writes, counts and reports exactly as it would parsing everything itself.

The workers are forked from the importing process: they start at once, with everything already
imported. They run only `parse_all` (no database: the connection they inherit is never used, and
they end without closing it), and they go when the import ends.
"""

import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .documents import Clipping, DocumentError, PressReleaseText, read_document

Parsed = Clipping | PressReleaseText | DocumentError
# Below this many documents a batch is parsed in the importing process: handing it over would
# cost more than it saves (and a small import, a test's, needs no processes at all).
MIN_DOCUMENTS_FOR_WORKERS = 64
logger = logging.getLogger(__name__)


def default_workers() -> int:
    """One core for the importing process (and, on the same machine, the database), the others for
    parsing, up to two: past that the writes are the bottleneck. None on a single core, or where
    processes cannot be forked. (Measured on two cores: one parsing process imports as fast as
    two on SQLite, and faster on PostgreSQL, whose server needs a core of its own.)"""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def parse(data: bytes) -> Parsed:
    """One document, or what is wrong with it: errors are returned, so that they cross processes."""
    try:
        return read_document(data)
    except DocumentError as error:
        return error
    except Exception:  # noqa: BLE001 - a parser bug fails this document, not the run
        # The editor is told what to do; the traceback, which means nothing to them, goes to the log.
        logger.exception("parsing a document failed")
        return DocumentError("could not be read because of a fault in the importer, not in the file as far as "
                             "it can tell: please send the file to whoever maintains the newsroom")


def parse_all(documents: list[bytes]) -> list[Parsed]:
    return [parse(data) for data in documents]


class Parser:
    """Parses lists of documents: `submit` starts on one and returns at once; calling what it
    returned waits for the results, in order. Use as a context manager: the workers end with it."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, documents: list[bytes]) -> Callable[[], list[Parsed]]:
        if self.workers < 1 or len(documents) < MIN_DOCUMENTS_FOR_WORKERS:
            results = parse_all(documents)
            return lambda: results
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        size = -(-len(documents) // self.workers)
        chunks = [documents[start : start + size] for start in range(0, len(documents), size)]
        try:
            futures = [self._pool.submit(parse_all, chunk) for chunk in chunks]
        except BrokenProcessPool:  # a worker was killed (out of memory?): parse here from now on
            self.workers = 0
            return self.submit(documents)

        def results() -> list[Parsed]:
            parsed = []
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    parsed.extend(future.result())
                except BrokenProcessPool:  # a worker was killed (out of memory?): parse here instead
                    parsed.extend(parse_all(chunk))
            return parsed

        return results

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
