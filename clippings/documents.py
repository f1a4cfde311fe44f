"""Reading source documents into plain data, without touching the database.

Two formats arrive: a *clipping* (YAML front matter between `---` lines) and a plain-text *press
release*. `read_document` tells them apart and returns a `Clipping` or a `PressReleaseText`, or
raises `DocumentError` naming what is wrong and, where known, the line.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

import yaml
from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from .cleaning import (
    InvalidURL,
    canonical_url,
    clean_line,
    clean_paragraphs,
    domain_of,
    has_control_characters,
    is_host_name,
    normalize_line_endings,
    without_markup,
)

MAX_DOCUMENT_BYTES = settings.NEWSROOM_MAX_DOCUMENT_BYTES  # a setting: the admin's form limit derives from it
MAX_URL_LENGTH = 2000
# The range of the database's integer columns (IntegerField, PositiveIntegerField: the same on both).
MIN_INTEGER, MAX_INTEGER = -(2**31), 2**31 - 1
# What one document may create: past these it is refused, not half imported.
MAX_TOPICS_PER_DOCUMENT = 100
MAX_RELATED_PER_DOCUMENT = 100
MAX_IMAGES_PER_STORY = 50  # the article's own, and each related story's


def _shown(value: object, limit: int = 40) -> str:
    """A value as an error message quotes it: at most `limit` characters."""
    if isinstance(value, int) and abs(value) >= 10**limit:
        return f"a number of {len(str(abs(value)))} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class DateRange:
    """The dates the newsroom accepts on a story: from `earliest` to `ahead` of today."""

    earliest: datetime
    ahead: timedelta

    def latest(self) -> datetime:
        return datetime.now(UTC) + self.ahead

    def describe(self) -> str:
        return f"dates must be between {self.earliest:%Y-%m-%d} and {self.latest():%Y-%m-%d}"


# Nothing the newsroom covers is older than 1900, and a date more than a year ahead is a typo; both
# ends keep every date far from the ends of Python's calendar, where local time overflows.
ACCEPTED_DATES = DateRange(earliest=datetime(1900, 1, 1, tzinfo=UTC), ahead=timedelta(days=365))


class DocumentError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.message}" if self.line else self.message

    def __reduce__(self):  # pickled with its line (documents are parsed in worker processes)
        return type(self), (self.message, self.line)


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """The fast C loader, but timestamps stay strings: we parse them ourselves, with clear errors,
    and the document is kept as JSON exactly as written.

    Building the Python values from YAML's node tree is most of the cost of loading (the C parser
    is quick), so plain trees of mappings, lists and scalars are built directly (`_build`); anything
    else (aliases, merge keys, explicit tags such as !!binary or !!set) goes the standard way, with
    the same result and the same errors."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        try:
            try:
                return _build(self, node, set(), 0)
            except _NotPlain:
                _check_nesting(node)
                _check_aliases(node)
                try:
                    return self.construct_document(node)
                except ValueError:  # as in _build
                    raise DocumentError("a number is too long to be read (more than 4,300 digits)") from None
        except _NodeProblem as problem:
            raise problem.error(node) from None

    def resolve(self, kind, value, implicit):
        # The C parser asks this of every node: BaseResolver.resolve without its generality (this
        # loader has no path resolvers and no wildcard resolvers), which costs more than the rest.
        if kind is yaml.ScalarNode:
            if implicit[0]:  # a plain (unquoted) scalar: its type depends on how it looks
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_CONSTRUCTORS = {
    f"tag:yaml.org,2002:{name}": getattr(yaml.SafeLoader, f"construct_yaml_{name}")
    for name in ("null", "bool", "int", "float")
}

_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
assert None not in _Loader.yaml_implicit_resolvers and not _Loader.yaml_path_resolvers  # see resolve()


class _NotPlain(Exception):
    """The node tree needs PyYAML's general constructor."""


# Aliases let a few hundred bytes stand for a billion values ("billion laughs"): PyYAML shares
# them, but keeping the document as JSON writes every one out. No clipping comes near this.
MAX_ALIAS_VALUES = 100_000


def _check_aliases(root) -> None:
    """A DocumentError when the document's aliases (*name) add more than MAX_ALIAS_VALUES values
    to what it holds once written out, or when an alias is inside the entry it names (JSON cannot
    hold a cycle). Each node is counted once, however often it is repeated."""
    sizes: dict[int, tuple[int, object]] = {}  # node id: (values once written out, node)
    open_nodes: set[int] = set()

    def size_of(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key][0]
        if key in open_nodes:
            raise DocumentError("an alias refers to the entry it is in: the document would never end",
                                node.start_mark.line + 2)  # +2: the opening --- is line 1, marks count from 0
        open_nodes.add(key)
        if node.__class__ is yaml.ScalarNode:
            size = 1
        else:
            children = node.value if node.__class__ is yaml.SequenceNode else [n for pair in node.value for n in pair]
            size = 1 + sum(size_of(child) for child in children)
        open_nodes.discard(key)
        sizes[key] = (size, node)
        return size

    if size_of(root) - len(sizes) > MAX_ALIAS_VALUES:
        # Name the smallest entry past the limit: where the repetition gets out of hand.
        _, node = min((entry for entry in sizes.values() if entry[0] > MAX_ALIAS_VALUES), key=lambda entry: entry[0])
        raise DocumentError(f"its aliases (*name) repeat values more than {MAX_ALIAS_VALUES:,} times",
                            node.start_mark.line + 2)


# Deeper than any clipping, and far from Python's recursion limit (which YAML's parser, at 1,000
# levels, does not keep us from).
MAX_NESTING = 100


class _NodeProblem(Exception):
    """What is wrong with one node of the document; `error` names the key it is under."""

    def __init__(self, node, message: str):
        self.node, self.message = node, message

    def error(self, root) -> DocumentError:
        where = self.node.start_mark.index
        keys = [key.value for key, value in (root.value if isinstance(root, yaml.MappingNode) else [])
                if isinstance(key, yaml.ScalarNode) and value.start_mark.index <= where <= value.end_mark.index]
        prefix = f"{keys[-1]}: " if keys else ""
        return DocumentError(prefix + self.message, self.node.start_mark.line + 2)  # +2: see _line_of


def _too_deep(node) -> _NodeProblem:
    return _NodeProblem(node, f"lists or mappings are nested more than {MAX_NESTING} levels deep")


def _check_nesting(root) -> None:
    """Refuse lists or mappings nested more than MAX_NESTING deep (walked without recursion)."""
    stack, seen = [(root, 0)], set()
    while stack:
        node, depth = stack.pop()
        if node.__class__ is yaml.ScalarNode or id(node) in seen:
            continue
        if depth > MAX_NESTING:
            raise _too_deep(node)
        seen.add(id(node))
        children = node.value if node.__class__ is yaml.SequenceNode else [n for pair in node.value for n in pair]
        stack.extend((child, depth + 1) for child in children)


def _build(loader, node, seen: set[int], depth: int):
    """The value of a plain node tree, as SafeConstructor would build it."""
    cls, tag = node.__class__, node.tag
    if cls is yaml.ScalarNode:
        if tag == _STR_TAG:
            return node.value
        if (construct := _SCALAR_CONSTRUCTORS.get(tag)) is None:
            raise _NotPlain
        try:
            return construct(loader, node)
        except ValueError:  # a number of more than 4,300 digits, which Python refuses to read
            raise _NodeProblem(node, "the number is too long to be read (more than 4,300 digits)") from None
    # A node met twice is an alias: PyYAML shares the object (and detects recursion); let it.
    if id(node) in seen:
        raise _NotPlain
    seen.add(id(node))
    if depth > MAX_NESTING:
        raise _too_deep(node)
    depth += 1
    if cls is yaml.MappingNode and tag == _MAP_TAG:
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag not in (_STR_TAG, *_SCALAR_CONSTRUCTORS):
                raise _NotPlain  # a merge key (<<), or a key PyYAML may refuse as unhashable
            mapping[_build(loader, key_node, seen, depth)] = _build(loader, value_node, seen, depth)
        return mapping
    if cls is yaml.SequenceNode and tag == _SEQ_TAG:
        return [_build(loader, item, seen, depth) for item in node.value]
    raise _NotPlain


@dataclass(frozen=True)
class ProviderData:
    name: str
    domain: str


@dataclass(frozen=True)
class ImageData:
    url: str
    width: int | None
    height: int | None
    cached_at_source: bool


@dataclass
class RelatedData:
    url: str
    web_url: str
    title: str
    excerpt: str
    published_at: datetime | None
    provider: ProviderData | None
    kind: str
    quality: int | None
    amp_url: str
    cdn_amp_url: str
    images: list[ImageData]
    # The entry as the source gave it is not kept here: it is in the document's own `raw_json`
    # (see `related_entry`), and a second copy of it cost a sixth of the import's writes.


@dataclass
class Clipping:
    url: str
    web_url: str
    original_url: str
    amp_url: str
    cdn_amp_url: str
    title: str
    slug: str  # of a new article: made while parsing, so in the parsing process, not while writes wait
    excerpt: str
    published_at: datetime | None
    category: str
    kind: str
    quality: int | None
    heat: int | None
    source_published: bool
    provider: ProviderData
    topics: list[str]
    images: list[ImageData]
    related: list[RelatedData]
    secured: str
    # The document as the source gave it (every key), as JSON: as it is stored (`source_data`),
    # and as it travels from a parsing process to the importer, which writes it without decoding it.
    raw_json: str

    @cached_property
    def raw(self) -> dict[str, Any]:
        return json.loads(self.raw_json)

    def source_values(self, provider_pk: int) -> dict[str, Any]:
        """The values an import writes onto an Article (see ARTICLE_SOURCE_FIELDS)."""
        return {
            "title": self.title, "excerpt": self.excerpt, "published_at": self.published_at,
            "category": self.category, "kind": self.kind, "quality": self.quality, "heat": self.heat,
            "web_url": self.web_url, "original_url": self.original_url, "amp_url": self.amp_url,
            "cdn_amp_url": self.cdn_amp_url, "provider": provider_pk,
            "source_published": self.source_published, "topics": sorted(self.topics),
        }


@dataclass
class PressReleaseText:
    title: str
    dateline: str
    body: str
    quotes: list[dict[str, str]]
    organization: str
    copyright_year: int | None
    image_caption: str
    tagline: str
    date: date | None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def title_key(self) -> str:
        return self.title.casefold()

    def source_values(self) -> dict[str, Any]:
        return {
            "title": self.title, "dateline": self.dateline, "body": self.body,
            "organization": self.organization, "copyright_year": self.copyright_year,
            "image_caption": self.image_caption, "tagline": self.tagline,
            "date": self.date.isoformat() if self.date else None,
        }


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_document(data: bytes) -> Clipping | PressReleaseText:
    return parse_text(decode(data))


def too_large(size: int) -> DocumentError:
    return DocumentError(f"the file is {size / 1048576:.1f} MB; documents over "
                         f"{MAX_DOCUMENT_BYTES / 1048576:g} MB are refused")


def decode(data: bytes) -> str:
    if not data.strip():
        raise DocumentError("the file is empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large(len(data))
    if b"\x00" in data[:8192]:
        raise DocumentError("this is a binary file, not a text document")
    if (nul := data.find(b"\x00")) != -1:
        raise DocumentError(_NUL_REFUSED, data[:nul].count(b"\n") + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DocumentError(
            f"byte 0x{data[error.start]:02x} at offset {error.start} is not UTF-8; "
            "re-encode the file as UTF-8", line
        ) from None
    return normalize_line_endings(text)


_NUL_REFUSED = "holds a NUL character (\\0), which cannot be stored: remove it"


def parse_text(text: str) -> Clipping | PressReleaseText:
    text = text.lstrip("\ufeff")
    if text.startswith("---"):
        return parse_clipping(text)
    _refuse_misplaced_front_matter(text)
    return parse_press_release(text)


# The keys a clipping's front matter opens with, whatever their order: one of them on the first line
# of a document with no fence is front matter missing its opening ---, not a press release's title.
_CLIPPING_KEY = re.compile(r"^(title|webUrl|originalUrl|publishedDateTime|provider|secured|excerpt|category)\s*:",
                           re.IGNORECASE)


def _refuse_misplaced_front_matter(text: str) -> None:
    """A DocumentError for a clipping whose front matter does not start where it must: read as a
    press release, its YAML (the `secured` blob too) would become a body to publish."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line.strip().startswith("---"):
            where = "on the first line" if number > 1 else "at the start of the line, with no space before it"
            raise DocumentError(f"the front matter's opening --- must be {where}", number)
        if _CLIPPING_KEY.match(line.strip()):
            raise DocumentError("this looks like front matter without its opening line ---: "
                                "a clipping must start with a line of its own: ---", number)
        return


# Clippings ------------------------------------------------------------------------------------

_CLOSING_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> str:
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].strip() != "---":
        raise DocumentError("the front matter must start with a line of its own: ---", 1)
    closing = _CLOSING_FENCE.search(text, first_newline + 1)
    if closing is None:
        raise DocumentError("the front matter is not closed: no line --- after the opening one", 1)
    return text[first_newline + 1 : closing.start()]


def load_front_matter(text: str) -> dict[str, Any]:
    front = split_front_matter(text)
    try:
        data = yaml.load(front, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        # Counted from the mark's offset, not its line: YAML also breaks lines at U+2028, U+2029 and
        # U+0085, which an editor's file does not. +2: the opening --- is line 1.
        line = front.count("\n", 0, mark.index) + 2 if mark else None
        raise DocumentError(f"invalid YAML: {problem}", line) from None
    if not isinstance(data, dict):
        raise DocumentError("the front matter is not a set of `key: value` lines", 2)
    return data


_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _line_of(text: str, prefix: str, key: str) -> int | None:
    """The line of `key` inside the entry named by `prefix` ("related[2].images[0]."), found in
    YAML's node tree. Only composed when there is an error to report, so parsing stays fast; a
    search of the text for the key would find the first line anywhere with that key instead."""
    try:
        node = yaml.compose(split_front_matter(text), Loader=_Loader)
    except (yaml.YAMLError, DocumentError):
        return None
    line = None
    for name, index in _PATH_STEP.findall(prefix + key):
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 2
        elif name and isinstance(node, yaml.MappingNode):
            pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name]
            if not pairs:
                return line
            key_node, node = pairs[-1]  # of duplicate keys, the loader keeps the last
            line = key_node.start_mark.line + 2  # +2: the opening --- is line 1, marks count from 0
        elif not (index == "0" and isinstance(node, yaml.MappingNode)):  # a lone entry stands for a list
            return line
    return line


class _Fields:
    """Typed access to a document's keys; every error names the key and its line."""

    def __init__(self, data: dict[str, Any], text: str, prefix: str = ""):
        self.data = data
        self.text = text
        self.prefix = prefix

    def error(self, key: str, message: str) -> DocumentError:
        return DocumentError(f"{self.prefix}{key}: {message}", _line_of(self.text, self.prefix, key))

    def text_field(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if isinstance(value, (dict, list)):
            raise self.error(key, f"expected text, got a {type(value).__name__}")
        cleaned = clean_line(value)
        if required and not cleaned:
            raise self.error(key, "is missing or empty") if key in self.data else DocumentError(
                f"{self.prefix}{key} is missing"
            )
        return cleaned

    def integer(self, key: str, smallest: int = MIN_INTEGER) -> int | None:
        """A whole number that fits the database's integer columns (both databases' IntegerField)."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        shown = _shown(value)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.error(key, f"expected a whole number, got {shown}")
        if isinstance(value, int):
            number = value
        else:
            try:
                number = Decimal(value.strip() if isinstance(value, str) else value)
            except (InvalidOperation, ValueError):
                raise self.error(key, f"expected a whole number, got {shown}") from None
            if not number.is_finite() or number != number.to_integral_value():
                raise self.error(key, f"expected a whole number, got {shown}")
        if not smallest <= number <= MAX_INTEGER:
            raise self.error(key, f"{shown} is out of range: expected a whole number from {smallest:,} "
                                  f"to {MAX_INTEGER:,}")
        return int(number)

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if value is None:  # `published:` with nothing after it, or null: not given, as for other keys
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0", ""}:
            return value.strip().lower() in {"true", "yes", "1"}
        raise self.error(key, f"expected true or false, got {value!r}")

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        try:
            parsed = parse_datetime(str(value))
            if parsed is None and (day := parse_date(str(value))) is not None:
                parsed = datetime(day.year, day.month, day.day)
        except ValueError as error:
            raise self.error(key, f"{value!r} is not a real date ({error})") from None
        if parsed is None:
            raise self.error(key, f"{value!r} is not a date and time like 2023-10-12T11:00:00Z")
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        try:
            in_utc = parsed.astimezone(UTC)
        except OverflowError:  # year 1 east of Greenwich, or 9999 west of it
            in_utc = None
        written = parsed.date().isoformat()
        if in_utc is None and parsed.year < 5000 or in_utc is not None and in_utc < ACCEPTED_DATES.earliest:
            raise self.error(key, f"{written} is before {ACCEPTED_DATES.earliest.year}; {ACCEPTED_DATES.describe()}")
        if in_utc is None or in_utc > ACCEPTED_DATES.latest():
            raise self.error(key, f"{written} is more than a year from now; {ACCEPTED_DATES.describe()}")
        return parsed

    def url(self, key: str) -> str:
        if isinstance(raw := self.data.get(key), str) and has_control_characters(raw):
            raise self.error(key, "the URL holds a control character (an invisible one): it cannot be a link")
        value = self.text_field(key)
        if value:
            try:
                canonical = canonical_url(value)
            except InvalidURL as error:
                raise self.error(key, str(error)) from None
            # The URL columns hold 2,000 characters (PostgreSQL enforces it, SQLite would not).
            if max(len(value), len(canonical)) > MAX_URL_LENGTH:
                raise self.error(key, f"the URL is longer than {MAX_URL_LENGTH} characters")
        return value

    def size(self, key: str) -> int | None:
        """An image's width or height in pixels: a whole number, not below zero."""
        value = self.data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise self.error(key, f"expected a size in pixels, got {_shown(value)}")
        return self.integer(key, smallest=0)

    def listing(self, key: str) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, (str, dict)):
            return [value]
        raise self.error(key, f"expected a list, got {value!r}")


def _provider(fields: _Fields, fallback_url: str) -> ProviderData:
    raw = fields.data.get("provider")
    if raw is not None and not isinstance(raw, dict):
        raw = {"name": raw}
    raw = raw or {}
    inner = _Fields(raw, fields.text, fields.prefix + "provider.")
    # As given, not as text is cleaned: markup or a control character makes it no domain at all.
    inner.text_field("domain")  # refuses a list or a mapping
    given = str(raw.get("domain") or "").strip()
    domain = domain_of(given or fallback_url)
    if not domain:
        raise fields.error("provider", "has no domain, and none can be taken from the URL")
    if not is_host_name(domain):
        problem = f"{_shown(domain)} is not a domain name like example.org"
        raise inner.error("domain", problem) if given else fields.error("provider", f"the URL's host {problem}")
    return ProviderData(name=without_markup(inner.text_field("name")) or domain, domain=domain)


def _bounded(fields: _Fields, key: str, limit: int, what: str) -> list:
    """The list under `key`, refused when longer than `limit` (see MAX_TOPICS_PER_DOCUMENT...)."""
    entries = fields.listing(key)
    if len(entries) > limit:
        raise fields.error(key, f"lists {len(entries):,} {what}; a document may list at most {limit:,}")
    return entries


def _images(fields: _Fields) -> list[ImageData]:
    images = []
    for index, raw in enumerate(_bounded(fields, "images", MAX_IMAGES_PER_STORY, "images")):
        if isinstance(raw, str):
            raw = {"url": raw}
        if not isinstance(raw, dict):
            raise fields.error("images", f"entry {index + 1} is not an image")
        image = _Fields(raw, fields.text, f"{fields.prefix}images[{index}].")
        url = image.url("url")
        if url:
            images.append(
                ImageData(url, image.size("width"), image.size("height"), image.boolean("isCached"))
            )
    return images


def _primary_url(fields: _Fields) -> tuple[str, str, str]:
    web_url = fields.url("webUrl")
    original_url = fields.url("originalUrl")
    if not (web_url or original_url):
        raise DocumentError(f"{fields.prefix}webUrl and originalUrl are both missing: the story has no URL")
    return canonical_url(web_url or original_url), web_url, original_url


def _related(fields: _Fields) -> list[RelatedData]:
    related, seen = [], set()
    for index, raw in enumerate(_bounded(fields, "related", MAX_RELATED_PER_DOCUMENT, "related stories")):
        if not isinstance(raw, dict):
            raise fields.error("related", f"entry {index + 1} is not a story")
        entry = _Fields(raw, fields.text, f"related[{index}].")
        url, web_url, original_url = _primary_url(entry)
        if url in seen:
            continue
        seen.add(url)
        related.append(
            RelatedData(
                url=url, web_url=web_url or original_url, title=entry.text_field("title") or url,
                excerpt=entry.text_field("excerpt"), published_at=entry.moment("publishedDateTime"),
                provider=_provider(entry, url) if raw.get("provider") or url else None,
                kind=entry.text_field("type"), quality=entry.integer("quality"),
                amp_url=entry.url("ampWebUrl"), cdn_amp_url=entry.url("cdnAmpWebUrl"),
                images=_images(entry),
            )
        )
    return related


def related_entry(document: dict[str, Any], url: str) -> dict[str, Any] | None:
    """The entry of a kept source document's `related` list that a related link with this
    canonical URL was made from (the first, as the import keeps the first of duplicates)."""
    fields = _Fields(document, "")
    try:
        entries = fields.listing("related")
    except DocumentError:
        return None
    for index, raw in enumerate(entries):
        if isinstance(raw, dict):
            try:
                if _primary_url(_Fields(raw, "", f"related[{index}]."))[0] == url:
                    return raw
            except (DocumentError, InvalidURL):
                continue
    return None


def _topics(fields: _Fields) -> list[str]:
    topics, seen = [], set()
    for raw in _bounded(fields, "topics", MAX_TOPICS_PER_DOCUMENT, "topics"):
        if isinstance(raw, (dict, list)):
            raise fields.error("topics", f"expected topic names, got {raw!r}")
        name = clean_line(raw)[:100]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            topics.append(name)
    return topics


def _as_json(fields: _Fields) -> str:
    """The document as JSON, as it is kept (`source_data`): a value JSON cannot hold (NaN, infinity,
    binary data, a set), or one with a NUL character (which PostgreSQL cannot store and SQLite
    would), is refused here, naming its key, rather than failing in the database."""
    try:
        raw_json = json.dumps(fields.data, allow_nan=False)
    except (TypeError, ValueError):
        for key, value in fields.data.items():
            try:
                json.dumps({str(key): value}, allow_nan=False)
            except (TypeError, ValueError):
                raise fields.error(
                    str(key), "holds a value that cannot be stored (NaN, infinity, binary data or a set)"
                ) from None
        raise DocumentError("the front matter has a key that cannot be stored (binary data?)") from None
    if "\\u0000" in raw_json:  # rare: look closer (it may be a backslash followed by "u0000")
        for key, value in fields.data.items():
            if _holds_nul(key) or _holds_nul(value):
                raise fields.error(str(key), _NUL_REFUSED)
    return raw_json


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(map(_holds_nul, value))


def parse_clipping(text: str) -> Clipping:
    data = load_front_matter(text)
    fields = _Fields(data, text)
    return _clipping(fields, _as_json(fields))


def clipping_from_source_data(data: dict[str, Any]) -> Clipping:
    """The clipping a kept source document (`Article.source_data`) was parsed as, rebuilt from it."""
    return _clipping(_Fields(data, ""), json.dumps(data))


def _clipping(fields: _Fields, raw_json: str) -> Clipping:
    data = fields.data
    url, web_url, original_url = _primary_url(fields)
    secured = data.get("secured")
    title = fields.text_field("title", required=True)[:500]
    return Clipping(
        url=url, web_url=web_url, original_url=original_url,
        amp_url=fields.url("ampWebUrl"), cdn_amp_url=fields.url("cdnAmpWebUrl"),
        title=title, slug=slugify(title)[:200] or "article", excerpt=fields.text_field("excerpt"),
        published_at=fields.moment("publishedDateTime"), category=fields.text_field("category")[:50],
        kind=fields.text_field("type")[:50], quality=fields.integer("quality"), heat=fields.integer("heat"),
        source_published=fields.boolean("published"), provider=_provider(fields, url),
        topics=_topics(fields), images=_images(fields), related=_related(fields),
        secured="" if secured is None else str(secured), raw_json=raw_json,
    )


# Press releases -------------------------------------------------------------------------------

_NAVIGATION = re.compile(r"^(back to (all )?press releases?|home\s*[›>/]|share( this)?:?$)", re.IGNORECASE)
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .,'’]{1,60}?)\s*(?:\([^)]*\))?\s*[-–—]+\s*(?P<rest>\S.*)$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(?P<year>\d{4})?\s*(?P<holder>.*)$", re.IGNORECASE)
_QUOTE = re.compile(
    r"^[“\"](?P<text>[^”\"]+)[”\"],?\s+said\s+(?P<speaker>[^,.]+?)(?:,\s*(?P<role>[^.“\"]+))?\."
    r"(?:\s*[“\"](?P<more>[^”\"]+)[”\"])?"
)


def _quote(paragraph: str) -> dict[str, str] | None:
    match = _QUOTE.match(paragraph)
    if match is None:
        return None
    # “First sentence,” said X. “More.” reads as one quote: “First sentence. More.”
    first = match["text"].strip()
    first = first[:-1] + "." if first.endswith(",") else first
    text = " ".join(part for part in (first, match["more"]) if part)
    return {"text": text, "speaker": match["speaker"].strip(), "role": (match["role"] or "").strip()}


def parse_press_release(text: str) -> PressReleaseText:
    if text.lstrip().startswith("{\\rtf"):
        raise DocumentError("this is an RTF document, not plain text: save it as plain text (.txt) and import that")
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if not _NAVIGATION.match(line)]
    # The footer: a copyright line (its holder may wrap onto the next lines), and the tagline above it.
    copyright_year, organization, tagline = None, "", ""
    for index, line in enumerate(lines):
        if match := _COPYRIGHT.match(line):
            copyright_year = int(match["year"]) if match["year"] else None
            organization = clean_line(" ".join([match["holder"], *lines[index + 1 :]]))
            lines = lines[:index]
            break
    content = clean_paragraphs(lines)
    if len(content) < 2:
        raise DocumentError("not a clipping (no --- front matter) and too short to be a press release")
    title, *rest = content
    dateline_at = next((i for i, line in enumerate(rest) if _DATELINE.match(line)), None)
    image_caption, dateline = "", ""
    if dateline_at is not None:
        # A short line with no closing punctuation just before the dateline is the photo caption.
        if dateline_at == 1 and len(rest[0]) < 120 and not rest[0].endswith((".", "”", '"')):
            image_caption = rest[0]
        match = _DATELINE.match(rest[dateline_at])
        dateline = match["place"].strip(" ,")
        rest = [match["rest"], *rest[dateline_at + 1 :]]
    if not (dateline or organization):
        raise DocumentError("not a clipping (no --- front matter), and not a press release either: it has no "
                            "dateline (a line starting NEW YORK - …) and no copyright line (© 2024 …)")
    if organization and rest and len(rest[-1]) < 160 and not rest[-1].startswith(("“", '"')):
        tagline = rest.pop()
    if not rest:
        raise DocumentError("the press release has a title but no body")
    quotes = [quote for paragraph in rest if (quote := _quote(paragraph))]
    return PressReleaseText(
        title=title[:500], dateline=dateline[:200], body="\n\n".join(rest), quotes=quotes,
        organization=organization[:200], copyright_year=copyright_year, image_caption=image_caption[:500],
        tagline=tagline[:500], date=None, raw={"format": "press release text", "text": text},
    )
