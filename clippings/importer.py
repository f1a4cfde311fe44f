"""Writing source documents to the database, losing nothing and overwriting no editor.

Documents are read and parsed without the database (`documents.py`), in a worker process ahead of
the writes (`parsing.py`); valid ones are written in batches, one transaction each, under a lock
so that two imports at once neither duplicate nor fail. Should a batch fail to save, its documents
are saved again one transaction each, so that only the bad document is reported and nothing of it
is written. New rows go in through `bulk.py` (multi-row INSERTs, or COPY on PostgreSQL); updates
through the ORM.
"""

import functools
import gc
import itertools
import operator
import os
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import bulk, search
from .documents import (
    MAX_DOCUMENT_BYTES,
    Clipping,
    DocumentError,
    ImageData,
    PressReleaseText,
    ProviderData,
    clipping_from_source_data,
    content_hash,
    too_large,
)
from .locks import hold_lock
from .models import Article, Image, ImportRun, PressRelease, Provider, RelatedLink, Topic, TopicSlug
from .models.articles import RelatedCoverage, coverage_json
from .models.press_releases import PRESS_RELEASE_SOURCE_FIELDS
from .models.topics import fold
from .parsing import MIN_DOCUMENTS_FOR_WORKERS, Parser, default_workers, parse
from .signals import content_changed

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
PUBLISHED = "published"  # of those created, with --publish
PUBLISH_REASON = "published on import (--publish)"
ARTICLE, PRESS_RELEASE, PROVIDER, TOPIC = "articles", "press releases", "providers", "topics"
IMPORT_LOCK = "newsroom.import"
# One batch parsed ahead of the one being written keeps a parsing process busy; more would only
# hold more documents in memory.
READ_AHEAD = 1
LATER = "later"  # of a document whose record's own file is still to come in this run: see _claim
_ARTICLE_ATTNAMES = {
    name: Article._meta.get_field(name).attname
    for name in ("title", "excerpt", "published_at", "category", "kind", "quality", "heat", "web_url",
                 "original_url", "amp_url", "cdn_amp_url", "provider", "source_published")
}
_RELATED_LINK_FIELDS = ["position", "web_url", "title", "excerpt", "published_at", "kind", "quality", "amp_url",
                        "cdn_amp_url", "provider_id", "target_id"]
_ARTICLE_COLUMNS = Article._meta.concrete_fields
_PROVENANCE = ["source_name", "source_hash", "last_imported_at", "source_data", "secured",
               "source_values", "proposed_changes", "updated_at"]
# What an import writes to a press release it updates: never its editorial state (status,
# schedule, notes, corrections), which an editor may have changed since it was read.
_PRESS_RELEASE_COLUMNS = [*PRESS_RELEASE_SOURCE_FIELDS, "quotes", *(name for name in _PROVENANCE if name != "secured")]


@dataclass
class Failure:
    source: str
    message: str
    line: int | None = None

    def __str__(self):
        return f"{self.source}:{self.line}: {self.message}" if self.line else f"{self.source}: {self.message}"


@dataclass
class Written:
    """What a transaction wrote that later batches look for. A dry run rolls each batch back and
    keeps this instead, so that its later batches decide, and count, as a real import's would."""

    hashes: dict[str, str] = field(default_factory=dict)  # hash: kind, of the documents written
    urls: set[str] = field(default_factory=set)  # of the articles written
    release_keys: set[str] = field(default_factory=set)  # of the press releases written
    providers: list[Provider] = field(default_factory=list)  # created
    topics: list[Topic] = field(default_factory=list)  # created

    def update(self, other: "Written") -> None:
        self.hashes.update(other.hashes)
        self.urls |= other.urls
        self.release_keys |= other.release_keys
        self.providers += other.providers
        self.topics += other.topics

    def recreate(self) -> None:
        """Write again the providers and topics created before (in this transaction, rolled back too):
        an import finds them, rather than counting them as created once more. Those someone else
        has created meanwhile (a real import, an editor) are there already: skipped."""
        Provider.objects.bulk_create([Provider(domain=p.domain, name=p.name, slug=p.slug) for p in self.providers],
                                     ignore_conflicts=True)
        Topic.objects.bulk_create([Topic(name=t.name, slug=t.slug) for t in self.topics], ignore_conflicts=True)


@dataclass
class ImportReport:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[Failure] = field(default_factory=list)
    written: Written = field(default_factory=Written)
    later: list = field(default_factory=list)  # (source, document) pairs to write after the others
    new: dict[type, list[int]] = field(default_factory=dict)  # the ids of the records created, by model

    def add(self, kind: str, outcome: str, number: int = 1) -> None:
        if number:
            self.counts[kind][outcome] += number

    def fail(self, failure: Failure, kind: str = "documents") -> None:
        self.failures.append(failure)
        self.add(kind, FAILED)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class ReadBatch:
    """Files read, with what the database knows of them, their parsing under way."""

    files: list["SourceFile"]
    known: dict[str, str]  # hash: kind, of the documents imported before
    writes_before: int  # Importer.writes when `known` was asked
    parsed_hashes: list[str]  # the hashes of the documents being parsed, in order
    parsed: Callable[[], list]  # waits for their parsed documents (or errors)


@dataclass
class SourceFile:
    name: str  # as messages name it (see readable_name)
    data: bytes = b""
    hash: str = ""
    error: DocumentError | None = None

    @property
    def stored_name(self) -> str:
        """What a record keeps as its source file (see iter_document_paths)."""
        return source_name(self.name)


def readable_name(path: str | Path) -> str:
    """A file's name as text that can be printed and stored: bytes of a name that are not UTF-8
    (which Python keeps as lone surrogates, refused by PostgreSQL and by a UTF-8 terminal) are
    shown as \\xff."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def source_name(path: str | Path) -> str:
    return readable_name(path)[-500:]


def iter_document_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and every file below the directories named, in a stable order; as absolute
    paths, so that a file is the same to a record (`source_name`) however an import names it
    (`fixtures` from the project directory, or `/srv/newsroom/fixtures` from cron)."""
    for path in (Path(os.path.abspath(path)) for path in paths):
        if path.is_dir():
            # In the order of Path objects (component by component), as before os.scandir replaced
            # Path.rglob: a file's kind comes with its name, so 10,000 files cost no stat call each.
            yield from map(Path, sorted(_files_below(str(path)), key=lambda name: name.split(os.sep)))
        else:
            yield path


def _files_below(directory: str) -> Iterator[str]:
    """The files below `directory` (symbolic links to files included), except under a hidden name;
    as Path.rglob did, links to directories are not followed and unreadable directories are skipped."""
    try:
        with os.scandir(directory) as scan:
            entries = list(scan)
    except PermissionError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _files_below(entry.path)
            continue
        try:
            is_file = entry.is_file()
        except OSError:  # a link in a loop, or through a file: not a file, as Path.is_file() says
            continue
        if is_file:
            yield entry.path


def read_source(path: Path) -> SourceFile:
    name = readable_name(path)
    if name != str(path):
        return SourceFile(name, error=DocumentError(
            "the file's name is not UTF-8 text (shown here with \\x and the byte's number): "
            "rename the file, then import it again"))
    try:
        with open(name, "rb", buffering=0) as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_DOCUMENT_BYTES:  # refuse before reading it all into memory
                return SourceFile(name, error=too_large(size))
            data = file.readall()
    except OSError as error:
        return SourceFile(name, error=DocumentError(f"cannot be read: {error.strerror or error}"))
    return SourceFile(name, data, content_hash(data))


def hash_files(paths: list[Path]) -> set[str]:
    """The content hashes of the files that can be read."""
    return {source.hash for source in map(read_source, paths) if source.hash}


class Importer:
    """One import run: `Importer(...).import_paths(paths)` returns its report. `workers` parsing
    processes (default: see parsing.default_workers; 0 parses in this process). With `publish`,
    the articles and press releases the run creates are published as they are written (for a
    trusted source), never those it updates."""

    def __init__(self, *, dry_run: bool = False, batch_size: int = 500, publish: bool = False,
                 progress: Callable[[int], None] | None = None, workers: int | None = None):
        self.dry_run = dry_run
        self.publish = publish
        self.batch_size = batch_size
        self.progress = progress or (lambda done: None)
        self.workers = default_workers() if workers is None else workers
        self.report = ImportReport()
        # Every file of this run, by content hash (being computed: see import_paths); those not
        # written yet, by name: see _claim.
        self._run_hashes: Future[set[str]] | None = None
        self.names_to_come: set[str] = set()
        self.later: list = []
        self.writes = 0  # transactions that wrote documents, so far
        self.dry_written = Written()  # what the batches of a dry run, rolled back, would have written
        self.run: ImportRun | None = None  # its record (none for a dry run)

    def import_paths(self, paths: Iterable[str | Path]) -> ImportReport:
        """Import the files named and those below the directories named. The run is recorded when it
        starts (not for a dry run) and closed when it ends: finished, or failed with why it stopped,
        should anything go wrong; the exception is raised again."""
        paths = list(paths)
        if not self.dry_run:
            now = timezone.now()
            self.run = ImportRun.objects.create(started_at=now, heartbeat_at=now,
                                                paths=[readable_name(path) for path in paths])
        try:
            self._import(paths)
        except BaseException as error:
            self._close_run(ImportRun.Status.FAILED, _stop_reason(error))
            raise
        self._close_run(ImportRun.Status.FINISHED)
        return self.report

    def _import(self, paths: list[str | Path]) -> None:
        documents = list(iter_document_paths(paths))
        self.names_to_come = {source_name(path) for path in documents}
        # Every file's hash, which the first claim of a record waits for (_claim), taken in a thread
        # while the first batches are read and parsed, rather than before the first write, which
        # waited for it (0.12 s for 10,000 files; reading files and hashing release the GIL).
        with ThreadPoolExecutor(1, thread_name_prefix="hashes") as hashing, _fewer_collections(), \
                Parser(self.workers) as parser:
            self._run_hashes = hashing.submit(hash_files, documents)
            # Read and parse up to READ_AHEAD batches ahead of the one being written.
            ahead: deque[ReadBatch] = deque()
            for batch in _growing_batches(documents, self.batch_size):
                ahead.append(self.read_batch(batch, parser))
                if len(ahead) > READ_AHEAD:
                    self.write_batch(ahead.popleft())
            while ahead:
                self.write_batch(ahead.popleft())
        # Documents that waited for their record's own file, now written (or gone elsewhere).
        later, self.later = self.later, []
        self.write_documents([item for item in later if isinstance(item[1], Clipping)],
                             [item for item in later if isinstance(item[1], PressReleaseText)])
        assert not self.later  # no file is to come any more, so none waits again
        if not self.dry_run and any(counter[CREATED] or counter[UPDATED] for counter in self.report.counts.values()):
            content_changed.send(sender=Importer)

    def _run_values(self) -> dict:
        """What the run's record says of the documents so far."""
        return {"counts": {kind: dict(counter) for kind, counter in self.report.counts.items()},
                "failures": [{"file": f.source, "line": f.line, "message": f.message}
                             for f in self.report.failures][:1000]}

    def _heartbeat(self) -> None:
        """Tell the desk this run is alive (and how far it got), at most every HEARTBEAT_EVERY."""
        now = timezone.now()
        if self.run is not None and now - self.run.heartbeat_at >= ImportRun.HEARTBEAT_EVERY:
            self.run.heartbeat_at = now
            ImportRun.objects.filter(pk=self.run.pk).update(heartbeat_at=now, **self._run_values())

    def _close_run(self, status: str, error: str = "") -> None:
        if self.run is None:
            return
        now = timezone.now()
        values = {"status": status, "finished_at": now, "heartbeat_at": now, "error": error, **self._run_values()}
        try:
            ImportRun.objects.filter(pk=self.run.pk).update(**values)
        except DatabaseError:
            if status != ImportRun.Status.FAILED:
                raise
            # The database is what failed: the run stays open, and shows as unfinished once stale.
        for name, value in values.items():
            setattr(self.run, name, value)

    def read_batch(self, paths: list[Path], parser: Parser) -> "ReadBatch":
        """Read a batch of files and start parsing those not imported before (byte for byte)."""
        files = [read_source(path) for path in paths]
        known = self._known_hashes([f.hash for f in files if f.hash])
        to_parse = {f.hash: f.data for f in files if f.error is None and f.hash not in known}
        return ReadBatch(files, known, self.writes, list(to_parse), parser.submit(list(to_parse.values())))

    @property
    def run_hashes(self) -> set[str]:
        """The content hash of every file of this run: which record a document may take must not
        depend on the batch its rival is read in (_claim)."""
        return self._run_hashes.result() if self._run_hashes else set()

    def write_batch(self, batch: "ReadBatch") -> None:
        parsed = dict(zip(batch.parsed_hashes, batch.parsed(), strict=True))
        known = batch.known
        if known and batch.writes_before != self.writes:
            # Batches written since this one was read may have replaced a record it found unchanged:
            # ask again, so that the outcome is the same as had each batch been read just before its write.
            known = self._known_hashes(list(known))
        if self.dry_run:  # documents an earlier batch would have written, byte for byte
            known |= {f.hash: self.dry_written.hashes[f.hash] for f in batch.files if f.hash in self.dry_written.hashes}
        clippings: list[tuple[SourceFile, Clipping]] = []
        releases: list[tuple[SourceFile, PressReleaseText]] = []
        for source in batch.files:
            if source.error is None and source.hash in known:
                self.report.add(known[source.hash], UNCHANGED)
                continue
            # (Not parsed ahead if it was unchanged when read, and has been replaced since.)
            document = source.error or (parsed[source.hash] if source.hash in parsed else parse(source.data))
            if isinstance(document, DocumentError):
                self.report.fail(Failure(source.name, document.message, document.line))
                continue
            # A second copy of these bytes in this batch is unchanged once the first is written.
            known[source.hash] = ARTICLE if isinstance(document, Clipping) else PRESS_RELEASE
            (clippings if isinstance(document, Clipping) else releases).append((source, document))
        self.write_documents(clippings, releases)
        self.names_to_come.difference_update(source.stored_name for source in batch.files)
        self.progress(len(batch.files))
        self._heartbeat()

    def write_documents(self, clippings: list[tuple[SourceFile, Clipping]],
                        releases: list[tuple[SourceFile, PressReleaseText]]) -> None:
        for group in _rounds(clippings):
            self._write(group, self._save_clippings)
        if releases:
            # One transaction for the batch's press releases (should one fail, _write saves them one by one).
            self._write(releases, self._save_press_releases)

    def _known_hashes(self, hashes: list[str]) -> dict[str, str]:
        """Documents imported before, byte for byte: unchanged, so not even parsed again."""
        known = dict.fromkeys(
            Article.objects.filter(source_hash__in_array=hashes).values_list("source_hash", flat=True), ARTICLE)
        known.update(dict.fromkeys(
            PressRelease.objects.filter(source_hash__in_array=hashes).values_list("source_hash", flat=True),
            PRESS_RELEASE))
        return known

    def _write(self, items: list, save: Callable[[list], ImportReport]) -> None:
        self.writes += 1
        try:
            self._merge(self._in_transaction(save, items))
        except Exception as error:  # noqa: BLE001 - whatever went wrong, find the document at fault
            if len(items) > 1:
                for item in items:
                    self._write([item], save)
                return
            source, document = items[0]
            kind = ARTICLE if isinstance(document, Clipping) else PRESS_RELEASE
            # What the database said, without Python's name for it (see documents.py: every limit a
            # document can break is checked there, so this is a refusal no check foresaw).
            self.report.fail(Failure(source.name, f"could not be saved: the database refused it ({error})"), kind)

    def _in_transaction(self, save, items) -> ImportReport:
        # A dry run's transactions are rolled back one by one, not kept open to the end: they hold
        # the rows they would update (and, on SQLite, the whole database), and the desk waits.
        with transaction.atomic():
            hold_lock(IMPORT_LOCK)
            if self.dry_run:
                self.dry_written.recreate()
            outcome = save(items)
            if self.publish:
                self._publish_new(outcome)
            if self.dry_run:
                transaction.set_rollback(True)
            return outcome

    def _publish_new(self, outcome: ImportReport) -> None:
        """Publish the records this transaction created, recorded in their history as the import's
        decision; a dry run counts them instead (new records are drafts: each would be published),
        so that the public cache is not told of a change that is rolled back."""
        for model, kind in ((Article, ARTICLE), (PressRelease, PRESS_RELEASE)):
            if pks := outcome.new.get(model):
                moved = len(pks) if self.dry_run else model.objects.filter(pk__in=pks).publish(reason=PUBLISH_REASON)
                outcome.add(kind, PUBLISHED, moved)

    def _merge(self, outcome: ImportReport) -> None:
        for kind, counter in outcome.counts.items():
            self.report.counts[kind].update(counter)
        self.later += outcome.later
        if self.dry_run:
            self.dry_written.update(outcome.written)

    def _claim(self, record: Article | PressRelease, source: SourceFile) -> bool | str:
        """Whether this document may update a record found for it (its URL, its title): True; False
        when the record belongs to another document of this run; LATER when the record's own file
        is in this run, changed, and not written yet: that file decides first (it may still claim
        the record, or have moved on to another story), and this document waits for it.

        A record belongs to the file it came from, and otherwise to the first document of a run
        to claim it; were the last to win, each import would flip the record between them. Who
        wins never depends on the batch a document is read in."""
        if record.source_hash == source.hash or record.source_name == source.stored_name:
            return True
        if self.dry_run and (getattr(record, "url", None) in self.dry_written.urls
                             or getattr(record, "title_key", None) in self.dry_written.release_keys):
            return False  # written by an earlier batch, which a dry run rolled back
        if record.source_hash in self.run_hashes:  # its bytes are a file of this run: that file's
            return False
        return LATER if record.source_name in self.names_to_come else True

    # Clippings ------------------------------------------------------------------------------

    def _save_clippings(self, items: list[tuple[SourceFile, Clipping]]) -> ImportReport:
        outcome = ImportReport()
        now = timezone.now()
        providers = ensure_providers(
            [doc.provider for _, doc in items]
            + [link.provider for _, doc in items for link in doc.related if link.provider], outcome)
        topics = ensure_topics((name for _, doc in items for name in doc.topics), outcome)

        def tagged_with(doc: Clipping) -> list[int]:
            # Two names may tag one topic (an alias, or one spelling of it); an ignored name none.
            return list(dict.fromkeys(topics[name].pk for name in doc.topics if topics[name] is not None))

        # Locked until the batch commits: an editor's change made meanwhile waits, then applies to
        # what the import wrote, instead of being overwritten with what the import read before it.
        existing = {a.url: a for a in Article.objects.filter(url__in_array=[doc.url for _, doc in items])
                    .order_by("pk").select_for_update().prefetch_related("topics", "related_links")}
        created: list[tuple[Article, Clipping]] = []
        updated: list[tuple[Article, Clipping, bool]] = []
        follows: list[tuple[Article, Clipping]] = []  # updated articles whose related links follow the source
        changed_ids: set[int] = set()
        for source, doc in items:
            article = existing.get(doc.url)
            if article is None and doc.url in self.dry_written.urls:  # created by an earlier batch of a dry run
                outcome.add(ARTICLE, UNCHANGED)
                continue
            claim = True if article is None else self._claim(article, source)
            if claim is LATER:
                outcome.later.append((source, doc))
                continue
            # Unchanged; or the story of another document of this run with the same URL.
            if article is not None and (article.source_hash == source.hash or not claim):
                outcome.add(ARTICLE, UNCHANGED)
                continue
            if article is None:
                article = Article(url=doc.url, slug=doc.slug, first_imported_at=now)
            # A live article's related coverage, like its fields, changes only once a Publisher accepts it.
            to_apply = article.take_source_values({**doc.source_values(providers[doc.provider.domain].pk),
                                                   RelatedCoverage.name: coverage_json(doc.related)})
            changed = False
            for name, value in to_apply.items():
                if name in _ARTICLE_ATTNAMES and getattr(article, _ARTICLE_ATTNAMES[name]) != value:
                    setattr(article, _ARTICLE_ATTNAMES[name], value)
                    changed = True
            topics_changed = "topics" in to_apply and (
                article.pk is None or {t.pk for t in article.topics.all()} != set(tagged_with(doc)))
            # Keys we do not model, and the secured blob, are source data too: a change to them is an update.
            changed = changed or article.secured != doc.secured
            article.source_name, article.source_hash = source.stored_name, source.hash
            article.last_imported_at = article.updated_at = now
            article.secured = doc.secured
            outcome.written.urls.add(doc.url)
            outcome.written.hashes[source.hash] = ARTICLE
            if article.pk is None:
                created.append((article, doc))  # its source_data is written as JSON, as it came (raw_json)
                continue
            changed = changed or article.source_data != doc.raw
            article.source_data = doc.raw
            updated.append((article, doc, topics_changed))
            if RelatedCoverage.name in to_apply:
                follows.append((article, doc))
            if changed or topics_changed:
                changed_ids.add(article.pk)
        for (article, _), pk in zip(created, bulk.new_ids(Article, len(created)), strict=True):
            article.pk, article._state.adding = pk, False
        outcome.new[Article] = [article.pk for article, _ in created]
        retagged = [(a, doc) for a, doc, topics_changed in updated if topics_changed]
        if retagged:
            Article.topics.through.objects.filter(article__in=[a for a, _ in retagged]).delete()
        # Topics before the articles they tag (foreign keys are checked at commit): the search index
        # of a new article then takes its topics as the article is written, rather than being
        # rewritten once for each of its topics (migration 0003's triggers).
        bulk.insert(Article.topics.through, [
            {"article_id": article.pk, "topic_id": topic_id}
            for article, doc in [*created, *retagged] for topic_id in tagged_with(doc)
        ])
        search.insert_articles([{**{f.attname: getattr(a, f.attname) for f in _ARTICLE_COLUMNS},
                                 "source_data": bulk.JSONText(doc.raw_json)} for a, doc in created])
        outcome.add(ARTICLE, CREATED, len(created))
        if updated:
            Article.objects.bulk_update([a for a, _, _ in updated], [*_ARTICLE_ATTNAMES.values(), *_PROVENANCE])
        changed_ids |= save_images([(a.pk, doc.images) for a, doc in created],
                                   [(a.pk, doc.images) for a, doc, _ in updated])
        changed_ids |= save_related_links(
            [(a.pk, doc) for a, doc in created], [(a.pk, doc) for a, doc in follows], providers,
            stored=[link for a, _ in follows for link in a.related_links.all()])
        link_related_coverage([article.url for article, _ in created])
        for article, _, _ in updated:
            outcome.add(ARTICLE, UPDATED if article.pk in changed_ids else UNCHANGED)
        return outcome

    # Press releases -------------------------------------------------------------------------

    def _save_press_releases(self, items: list[tuple[SourceFile, PressReleaseText]]) -> ImportReport:
        """A batch's press releases, in order, found by title (see `_release_for`), written with
        their history (an editor can restore an imported version)."""
        outcome = ImportReport()
        now = timezone.now()
        keys = {key for source, doc in items for key in _release_keys(source, doc)}
        # Locked, as articles are (_save_clippings); with those imported from the same bytes under
        # another name, which are that document already (read while an earlier batch wrote them).
        found = list(PressRelease.objects.filter(Q(title_key__in=keys) | Q(source_hash__in=[s.hash for s, _ in items]))
                     .order_by("pk").select_for_update())
        releases = {release.title_key: release for release in found}
        same_bytes = {release.source_hash for release in found}
        new: list[tuple[PressRelease, str, str]] = []  # with its title and file stem: its slug is chosen at the end
        updated: dict[int, PressRelease] = {}
        for source, doc in items:
            if source.hash in same_bytes:
                outcome.add(PRESS_RELEASE, UNCHANGED)
                continue
            release, key = self._release_for(source, doc, releases)
            if release is LATER:
                outcome.later.append((source, doc))
                continue
            if release is not None and release.source_hash == source.hash:
                outcome.add(PRESS_RELEASE, UNCHANGED)
                continue
            is_new = release is None
            if is_new:
                release = releases[key] = PressRelease(title_key=key, first_imported_at=now)
            before = ({name: release.current_source_json(name) for name in doc.source_values()},
                      list(release.proposed_changes))
            for name, value in release.take_source_values(doc.source_values()).items():
                release.set_source_json(name, value)
            # A new value that waits for a decision (proposed_changes) is an update too.
            changed = before != ({name: release.current_source_json(name) for name in doc.source_values()},
                                 release.proposed_changes)
            release.quotes = doc.quotes
            release.source_name, release.source_hash, release.last_imported_at = source.stored_name, source.hash, now
            release.source_data, release.updated_at = doc.raw, now
            if is_new:
                new.append((release, doc.title, Path(source.name).stem))
            elif release.pk not in updated:
                updated[release.pk] = release
            outcome.add(PRESS_RELEASE, CREATED if is_new else UPDATED if changed else UNCHANGED)
            outcome.written.release_keys.add(key)
            outcome.written.hashes[source.hash] = PRESS_RELEASE
            same_bytes.add(source.hash)
        for (release, *_), slug in zip(new, unique_slugs(PressRelease, _release_slug_texts(new)), strict=True):
            release.slug = slug
        # In bulk, so without a save() signal each: the import announces its changes once, at the end.
        created = bulk_create_with_history([release for release, *_ in new], PressRelease, default_date=now)
        outcome.new[PressRelease] = [release.pk for release in created]
        if updated:
            bulk_update_with_history(list(updated.values()), PressRelease, _PRESS_RELEASE_COLUMNS, default_date=now)
        return outcome

    def _release_for(self, source: SourceFile, doc: PressReleaseText,
                     releases: dict[str, PressRelease]) -> tuple[PressRelease | str | None, str]:
        """The press release a document updates (None for a new one; LATER: see `_claim`), and its
        key (`title_key`).

        A release is known by its title and its file name, whichever run brings it: the same file
        exported again elsewhere updates it, another file with the same title is another release
        (regression: by title alone, the last file imported won, and each re-import flipped the
        release between them). Two files of one title and one name in one run: the second is keyed
        by its path."""
        for key in _release_keys(source, doc):
            release = releases.get(key)
            if release is None:
                return None, key
            if claim := self._claim(release, source):
                return (release if claim is True else LATER), key
        raise DocumentError(f"another document of this import has the title {doc.title!r} and the same path")


def _stop_reason(error: BaseException) -> str:
    """Why an import stopped, as its record says it."""
    if isinstance(error, KeyboardInterrupt):
        return "the import was interrupted (Ctrl-C or a stop signal)"
    reason = "the import stopped on an unexpected error"
    return f"{reason}: {error}" if str(error) else reason


@contextmanager
def _fewer_collections():
    """An import makes millions of short-lived objects (parsed documents, rows), freed as they go:
    Python's cycle collector, run every 700 of them by default, would spend a tenth of the import
    looking for cycles. Made a hundred times rarer for its duration (parsing processes inherit it)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(70_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _growing_batches(items: Iterable, size: int) -> Iterator[list]:
    """Batches of `size` items, the first ones smaller. Writes begin once the first batch is parsed,
    and each batch is parsed while the one before it is written, which takes longer: batches that
    start at an eighth of the size and grow by half each time get the writes going sooner, with the
    parsing still ahead of them (at 500, the first wait for the parsing process: 0.19 s → 0.02 s)."""
    iterator = iter(items)
    # No fewer than a parsing process takes (smaller batches are parsed here, while writes wait).
    current = min(size, max(MIN_DOCUMENTS_FOR_WORKERS, size // 8))
    while batch := list(itertools.islice(iterator, current)):
        yield batch
        current = min(size, current * 3 // 2)


def _rounds(items: list[tuple[SourceFile, Clipping]]) -> Iterator[list[tuple[SourceFile, Clipping]]]:
    """Split a batch so that no round holds the same story twice: a later copy updates the first."""
    while items:
        seen, this_round, later = set(), [], []
        for item in items:
            (later if item[1].url in seen else this_round).append(item)
            seen.add(item[1].url)
        yield this_round
        items = later


def _release_keys(source: SourceFile, doc: PressReleaseText) -> tuple[str, str]:
    """The keys a press release may be found by: its title and file name, then its title and path
    (`title_key` holds 500 characters, however much longer folding makes a title; a title holds no
    line break). Migration 0014 gave the releases imported before their title and file name."""
    return tuple(release_key(doc.title_key, part) for part in (Path(source.stored_name).name, source.stored_name))


def release_key(folded_title: str, file: str) -> str:
    file = file[-200:]
    return f"{folded_title[: 499 - len(file)]}\n{file}"


def _release_slug_texts(new: list[tuple[PressRelease, str, str]]) -> list[str]:
    """What new press releases' slugs are made from: the title, or, for a release whose title
    another release has already, the title and the file's name ("statement-2024-statement")."""
    titles = {title.casefold() for title in PressRelease.objects.filter(title__in=[title for _, title, _ in new])
              .values_list("title", flat=True)}
    texts = []
    for _, title, stem in new:
        texts.append(f"{title} {stem}" if title.casefold() in titles else title)
        titles.add(title.casefold())
    return texts


def unique_slug(model, text: str, taken: set[str], max_length: int = 200) -> str:
    """A slug for `text` not in `taken`; added to `taken`."""
    base = _slug_base(model, text, max_length)
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def unique_slugs(model, texts: list[str], max_length: int = 200) -> list[str]:
    """A slug for each text, in order, none of them in the database nor chosen twice: the slugs
    that could clash are asked for in one query (one a record cost a round trip each)."""
    if not texts:
        return []
    bases = sorted({_slug_base(model, text, max_length) for text in texts})
    taken: set[str] = set()
    for chunk in _batched(bases, 500):  # SQLite refuses an expression of 1,000 terms
        taken.update(model.objects.filter(functools.reduce(operator.or_, (Q(slug__startswith=base) for base in chunk)))
                     .values_list("slug", flat=True))
    return [unique_slug(model, text, taken, max_length) for text in texts]


def _slug_base(model, text: str, max_length: int) -> str:
    return slugify(text)[: max_length - 8] or model._meta.model_name


def ensure_providers(found: list[ProviderData], outcome: ImportReport) -> dict[str, Provider]:
    """Providers by domain, creating the missing ones (a provider's name is never overwritten)."""
    names = {}
    for provider in found:
        names.setdefault(provider.domain, provider.name)
    providers = {p.domain: p for p in Provider.objects.filter(domain__in_array=names)}
    missing = [domain for domain in names if domain not in providers]
    if missing:
        # Choose slugs, then ask whether any is taken (a numbered "-2" as much as the plain one);
        # choose again around those that are, until none is.
        taken: set[str] = set()
        while True:
            chosen = set(taken)
            slugs = {domain: unique_slug(Provider, domain.replace(".", "-"), chosen, 253) for domain in missing}
            clashes = set(Provider.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
            if not clashes:
                break
            taken |= clashes
        new = Provider.objects.bulk_create([
            Provider(domain=domain, name=names[domain][:200], slug=slugs[domain]) for domain in missing
        ])
        providers.update({p.domain: p for p in new})
        outcome.add(PROVIDER, CREATED, len(new))
        outcome.written.providers += new
    return providers


def ensure_topics(names: Iterable[str], outcome: ImportReport) -> dict[str, Topic | None]:
    """What each source name tags (`Topic.objects.resolve`: by name or alias; None for an ignored
    name), creating a topic for each name that is neither, spelt as it first comes."""
    names = list(dict.fromkeys(names))
    topics = Topic.objects.resolve(names)
    missing = [name for name in names if name not in topics]
    if missing:
        new_by_key: dict[str, Topic] = {}
        taken = {*Topic.objects.values_list("slug", flat=True), *TopicSlug.objects.values_list("slug", flat=True)}
        for name, key in fold(missing).items():  # "İstanbul" and "istanbul" are one new topic
            if key not in new_by_key:
                new_by_key[key] = Topic(name=name, slug=unique_slug(Topic, name, taken, 100))
            topics[name] = new_by_key[key]
        new = Topic.objects.bulk_create(new_by_key.values())
        outcome.add(TOPIC, CREATED, len(new))
        outcome.written.topics += new
    return topics


def save_images(created: list[tuple[int, list[ImageData]]], updated: list[tuple[int, list[ImageData]]]) -> set[int]:
    """An article's images follow its source, except those we have stored a copy of: they stay.

    Takes (article id, images) pairs; returns the ids of the updated articles whose images changed."""
    return sync_images("article", created, updated)


def sync_images(owner: str, created: list[tuple[int, list[ImageData]]],
                updated: list[tuple[int, list[ImageData]]]) -> set[int]:
    """The images of each owner (an article or a related link, by id) made to follow its source: new
    ones added, sizes updated, gone ones deleted unless we stored a copy. Returns the updated owners
    changed."""
    have: dict[int, dict[str, Image]] = defaultdict(dict)
    if updated:
        for image in Image.objects.filter(**{f"{owner}__in": [pk for pk, _ in updated]}):
            have[getattr(image, f"{owner}_id")][image.url] = image
    gone, resized, touched, new = [], [], set(), []
    for pk, images in [*created, *updated]:
        wanted = {image.url: image for image in images}
        stored = have.get(pk, {})
        for url, image in stored.items():
            if url not in wanted and not image.file:
                gone.append(image.pk)
                touched.add(pk)
        for url, data in wanted.items():
            sizes = (data.width, data.height, data.cached_at_source)
            if (image := stored.get(url)) is None:
                new.append({f"{owner}_id": pk, "url": url, "width": data.width, "height": data.height,
                            "cached_at_source": data.cached_at_source})
                touched.add(pk)
            elif (image.width, image.height, image.cached_at_source) != sizes:
                image.width, image.height, image.cached_at_source = sizes
                resized.append(image)
                touched.add(pk)
    if gone:
        Image.objects.filter(pk__in=gone).delete()
    if resized:
        Image.objects.bulk_update(resized, ["width", "height", "cached_at_source"])
    bulk.insert(Image, new)
    return touched - {pk for pk, _ in created}


def save_related_links(created: list[tuple[int, Clipping]], updated: list[tuple[int, Clipping]],
                       providers: dict[str, Provider], *, stored: list[RelatedLink] | None = None) -> set[int]:
    """Upsert each article's related coverage by URL, pointing at our own copy of the story if any;
    coverage the source no longer lists is dropped. Takes (article id, clipping) pairs for new and
    for updated articles, and the updated articles' links if loaded already (`stored`); returns the
    ids of the updated articles whose coverage changed."""
    owned = [*created, *updated]
    urls = {link.url for _, doc in owned for link in doc.related}
    ours = dict(Article.objects.filter(url__in_array=urls).values_list("url", "pk")) if urls else {}
    if stored is None:
        stored = list(RelatedLink.objects.filter(article__in=[pk for pk, _ in updated])) if updated else []
    existing = {(link.article_id, link.url): link for link in stored}
    new, new_images, changed, kept = [], [], [], []
    listed = {(pk, data.url) for pk, doc in updated for data in doc.related}
    dropped = [link for key, link in existing.items() if key not in listed]
    for article_id, doc in owned:
        for position, data in enumerate(doc.related):
            values = dict(  # keys: _RELATED_LINK_FIELDS
                position=position, web_url=data.web_url, title=data.title[:500], excerpt=data.excerpt,
                published_at=data.published_at, kind=data.kind[:50], quality=data.quality,
                amp_url=data.amp_url, cdn_amp_url=data.cdn_amp_url,
                provider_id=providers[data.provider.domain].pk if data.provider else None,
                target_id=ours.get(data.url),
            )
            link = existing.get((article_id, data.url))
            if link is None:
                new.append({"article_id": article_id, "url": data.url, **values})
                new_images.append(data.images)
                continue
            if any(getattr(link, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(link, key, value)
                changed.append(link)
            kept.append((link.pk, data.images))
    if dropped:
        RelatedLink.objects.filter(pk__in=[link.pk for link in dropped]).delete()
    for row, pk in zip(new, bulk.new_ids(RelatedLink, len(new)), strict=True):
        row["id"] = pk
    bulk.insert(RelatedLink, new)
    if changed:
        RelatedLink.objects.bulk_update(changed, _RELATED_LINK_FIELDS)
    relinked = sync_images("related_link", [(row["id"], images) for row, images in zip(new, new_images, strict=True)],
                           kept)
    link_articles = {link.pk: link.article_id for link in existing.values()}
    return ({link.article_id for link in [*dropped, *changed]} | {row["article_id"] for row in new}
            | {link_articles[pk] for pk in relinked}) - {pk for pk, _ in created}


def follow_source_coverage(articles: list[Article]) -> None:
    """Write articles' related links from their kept source documents, as an import of a draft
    writes them (a Publisher accepted the source's related coverage of a live article)."""
    documents = [(article.pk, clipping_from_source_data(article.source_data)) for article in articles]
    providers = ensure_providers([story.provider for _, doc in documents for story in doc.related if story.provider],
                                 ImportReport())
    save_related_links([], documents, providers)
    for article in articles:
        getattr(article, "_prefetched_objects_cache", {}).pop(RelatedCoverage.name, None)


def link_related_coverage(new_urls: list[str]) -> None:
    """Related links imported before the article they point at now point at it."""
    if new_urls:
        RelatedLink.objects.filter(target__isnull=True, url__in_array=new_urls).update(
            target=Subquery(Article.objects.filter(url=OuterRef("url")).values("pk")[:1]))
