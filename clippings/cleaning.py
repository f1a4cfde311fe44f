"""Cleaning text and URLs that arrive from feeds: untrusted, often broken.

Pure functions, no database: the parser calls them on every string it keeps.
"""

import functools
import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ftfy
from django.utils.html import strip_tags

_WHITESPACE = re.compile(r"\s+")
# Control characters other than whitespace (which is collapsed): invisible, and no part of any text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_DOMAIN_LENGTH = 253  # the longest host name DNS allows, and Provider.domain's column
_ANY_TAG = re.compile(r"<[!/?a-zA-Z][^>]*>")
_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
_TRACKING_PARAMETER = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|_hsenc|_hsmi|ref_src|cmpid)$",
    re.IGNORECASE,
)
# An http(s) URL with a lower-case host, no port, user, fragment or space, and a query (if any) of
# key=value pairs made of characters that need no escaping: most feed URLs (AMP and image URLs have
# such queries), whose canonical form takes no parsing.
_PLAIN = r"[A-Za-z0-9_.~-]"
_SIMPLE_URL = re.compile(rf"(?P<scheme>https?)://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?P<path>/[^?#\s]*)?"
                         rf"(?:\?(?P<query>{_PLAIN}+={_PLAIN}*(?:&{_PLAIN}+={_PLAIN}*)*))?")
# Keep curly quotes and leave HTML entities to us: ftfy only repairs the encoding.
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, fix_line_breaks=True)


class InvalidURL(ValueError):
    pass


def repair(text: str) -> str:
    """Repair mojibake ("Commissionerâ€™s" → "Commissioner’s"); plain ASCII cannot be mojibake."""
    return text if text.isascii() else _fix_text(text)


# Feeds repeat themselves (one story from several providers, the same related coverage listed by
# each), and ftfy is the slowest step of cleaning: each distinct text is repaired once. A bounded
# cache, so that memory stays flat however many documents an import reads.
@functools.lru_cache(maxsize=4096)
def _fix_text(text: str) -> str:
    return ftfy.fix_text(text, _FTFY)


def html_to_text(text: str) -> str:
    """HTML that slipped into a plain-text field becomes the text a reader would have seen."""
    if "<" in text:
        text = _BLOCK_TAGS.sub("\n", text)
        try:
            text = strip_tags(text)
        except AssertionError:
            # Python's HTML parser gives up on some malformed markup ("<![t>"); drop anything
            # tag-shaped by pattern instead, so bad markup is one more kind of text, not a crash.
            text = _ANY_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def clean_line(value: object) -> str:
    """A single-line text field: repaired, de-HTML-ed, whitespace collapsed."""
    if value is None:
        return ""
    if (type(value) is str and value.isascii() and value.isprintable() and "  " not in value
            and "<" not in value and "&" not in value):
        # The common case, and a fast one: nothing to repair, unescape or collapse (printable ASCII
        # has no whitespace but the single spaces checked for), so the slow path would only strip.
        return value.strip()
    text = _CONTROL.sub("", repair(html_to_text(str(value))))
    return _WHITESPACE.sub(" ", text).strip()


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def without_markup(text: str) -> str:
    """Text with anything tag-shaped removed: for names, which never hold markup (an escaped tag,
    "&lt;b&gt;", is a tag once unescaped by clean_line)."""
    return _WHITESPACE.sub(" ", _ANY_TAG.sub("", text)).strip() if "<" in text else text


def is_host_name(domain: str) -> bool:
    """Whether `domain` is a host name DNS could hold: dot-separated labels of letters, digits and
    hyphens (international names by their ASCII form), at most 253 characters."""
    if not domain or len(domain) > MAX_DOMAIN_LENGTH:
        return False
    try:
        ascii_form = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_form.split(".")
    return (len(ascii_form) <= MAX_DOMAIN_LENGTH and len(labels) >= 2
            and all(_HOST_LABEL.fullmatch(label) for label in labels))


def clean_paragraphs(lines: list[str]) -> list[str]:
    return [line for line in (clean_line(line) for line in lines) if line]


@functools.lru_cache(maxsize=16384)  # a story's URL recurs in the coverage lists of its siblings
def canonical_url(url: str) -> str:
    """The form of a URL by which the same story is recognised, however a feed spelt it.

    Scheme and host are lower-cased, default ports, fragments, tracking parameters (utm_*, fbclid…)
    and a trailing slash are dropped. Only http(s) URLs with a host are accepted.
    """
    simple = _SIMPLE_URL.fullmatch(url)
    if simple and not (simple["query"] and any(_TRACKING_PARAMETER.match(pair.partition("=")[0])
                                               for pair in simple["query"].split("&"))):
        # Already canonical but for a trailing slash: what the general path below would return
        # (its parse_qsl and urlencode give such a query back unchanged).
        query = f"?{simple['query']}" if simple["query"] else ""
        return f"{simple['scheme']}://{simple['host']}{(simple['path'] or '').rstrip('/') or '/'}{query}"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise InvalidURL(f"{url!r} is not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in {"http", "https"} or not host:
        raise InvalidURL(f"{url!r} is not an http(s) URL")
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMETER.match(k)]
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def domain_of(value: str) -> str:
    """A provider's domain as we key it: lower case, without "www." or a trailing dot."""
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    # A port is not part of a publisher's domain ("example.org:8080" is example.org).
    value = value.split("/")[0].split(":")[0].rstrip(".")
    return value.removeprefix("www.")
