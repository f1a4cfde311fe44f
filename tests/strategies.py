"""Hypothesis strategies: source documents in the seeds' shape (`fixtures/`), and the ways a feed
breaks them. `documents()` gives the bytes of a file, as the importer reads it.

A clipping is a mapping of the seeds' keys (`clipping_data`), broken by dropping, adding and
retyping keys and by odd values (`_values`), then written as YAML front matter (`_front_matter`)
and broken as text (YAML tags, anchors and aliases, duplicated keys, deep nesting) and as bytes
(CRLF, BOM, invalid UTF-8, UTF-16). A press release is title, caption, dateline, paragraphs,
quotes and footer (`press_release_text`), broken the same way as text and as bytes.
"""

import json
import re
import string

from hypothesis import strategies as st

# Characters a feed sends that text fields must survive: controls, bidirectional overrides and
# isolates, zero-width ones, a lone BOM, line and paragraph separators, NUL.
AWKWARD = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200e", "\u202a", "\u202e", "\u2066", "\u2069",
           "\ufeff", "\u2028", "\u2029", "\t", "\r", "\v", "\f", "\ud7ff", "\ufffd", "\U0001f600", "é", "ß", "İ"]


words = st.text(string.ascii_letters + "éüß", min_size=1, max_size=12)
sentence = st.lists(words, min_size=1, max_size=12).map(" ".join)
awkward_text = st.lists(st.one_of(words, st.sampled_from(AWKWARD), st.text(max_size=8)), max_size=12).map("".join)
broken_text = st.one_of(awkward_text, st.just(""), st.text(max_size=40),
                        st.integers(1, 20).map(lambda n: "x" * (n * 997)))  # up to 20,000 characters
domain = st.sampled_from(["news.example", "WWW.Press.Example", "xn--bcher-kva.example", "sub.daily.example",
                          "localhost", "", "üñí.example", "a" * 70 + ".example"])
good_url = st.builds(lambda host, path: f"https://{host}/{path}",
                     st.sampled_from(["news.example", "www.daily.example"]), st.text(string.ascii_letters + "/-"))
broken_url = st.one_of(
    st.builds(lambda host, path: f"https://{host}/{path}", domain, st.text(string.ascii_letters + "/-?=&%#")),
    st.sampled_from(["", "not a url", "ftp://files.example/x", "https://", "javascript:alert(1)", "//news.example/x",
                     "https://news.example/" + "p" * 2100, "https://[::1]/x", "http://news.example:99999/x"]),
    broken_text,
)
good_moment = st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "Z")
broken_moment = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.builds(lambda d, zone: d.strftime("%Y-%m-%dT%H:%M:%S") + zone,
              st.datetimes(), st.sampled_from(["Z", "+00:00", "+05:30", "-11:00", "+25:00", "+99", " UTC", ""])),
    st.dates().map(str),
    st.sampled_from(["2023-02-30T10:00:00Z", "2023-13-01", "0000-01-01", "9999-12-31T23:59:59-14:00",
                     "yesterday", "2023-10-12T25:61:00Z", "", "1970-01-01T00:00:00+24:00"]),
)
broken_integer = st.one_of(st.integers(), st.sampled_from(["12", "1e3", "-0", "4.5", "high"]),
                           st.floats(allow_nan=True, allow_infinity=True))
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), sentence, broken_text)


def _clipping_data(broken: bool):
    """Clippings in the seeds' shape; with `broken`, their keys and values broken as feeds break them
    (each value one time in a few, so that a broken document is often broken in one place only)."""
    def maybe(good, bad, one_in=4):
        return st.integers(0, one_in - 1).flatmap(lambda n: bad if n == 0 else good) if broken else good

    text, url, moment = maybe(sentence, broken_text), maybe(good_url, broken_url), maybe(good_moment, broken_moment)
    integer = maybe(st.integers(-100, 100), broken_integer)
    image = entry({"url": url}, {"width": integer, "height": integer, "isCached": maybe(st.booleans(), scalar)})
    provider = entry({}, {"name": text, "domain": maybe(st.just("news.example"), domain)})
    related = entry({"title": text, "webUrl": url}, {
        "excerpt": text, "publishedDateTime": moment, "type": st.sampled_from(["article", "video", ""]),
        "provider": provider, "quality": integer, "ampWebUrl": url, "cdnAmpWebUrl": url,
        "images": st.lists(image, max_size=2), "originalUrl": url})
    return entry(
        {"title": text, "webUrl": url, "originalUrl": url, "publishedDateTime": moment},
        {"category": st.sampled_from(["news", "opinion", ""]), "excerpt": text, "type": st.just("article"),
         "quality": integer, "heat": integer, "published": maybe(st.booleans(), scalar),
         "provider": maybe(provider, text), "topics": st.lists(st.one_of(text, words), max_size=4),
         "images": st.lists(image, max_size=3), "related": st.lists(related, max_size=3),
         "secured": st.text(string.ascii_letters + "+/=;", max_size=80), "ampWebUrl": url, "cdnAmpWebUrl": url},
        broken)


def entry(required: dict, optional: dict, broken: bool = True):
    data = st.fixed_dictionaries(required, optional=optional)
    return data.flatmap(_break_keys) if broken else data


def _break_keys(data: dict):
    """Now and then a key or two dropped, a value of another type, keys the seeds do not have."""
    keys = sorted(data)
    dropped = st.sets(st.sampled_from(keys), max_size=2) if keys else st.just(set())
    wrong = st.one_of(scalar, st.lists(scalar, max_size=3), st.dictionaries(words, scalar, max_size=3))
    return st.tuples(
        st.integers(0, 5).flatmap(lambda n: dropped if n == 0 else st.just(set())),
        st.tuples(*[st.integers(0, 9).flatmap(lambda n, v=data[key]: wrong if n == 0 else st.just(v))
                    for key in keys]),
        st.integers(0, 4).flatmap(lambda n: st.just({}) if n else st.dictionaries(
            st.one_of(words, st.sampled_from(["", "x" * 300, "webUrl ", "Title"])), scalar, max_size=2)),
    ).map(lambda parts: {**{k: v for k, v in zip(keys, parts[1], strict=True) if k not in parts[0]}, **parts[2]})


clipping_data = st.one_of(_clipping_data(broken=False), _clipping_data(broken=True))


def _front_matter(data: dict) -> str:
    """The mapping as YAML, one key a line as the seeds are, each value in flow style (JSON is YAML;
    characters YAML cannot hold as they are written as escapes, as a YAML writer does)."""
    lines = [f"{_yaml(str(key))}: {_yaml(value)}" for key, value in data.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _yaml(value) -> str:
    return _NOT_YAML.sub(lambda match: f"\\u{ord(match[0]):04x}", json.dumps(value, ensure_ascii=False))


_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# What a hand-written or hostile YAML file has that a dump does not.
YAML_BREAKAGE = [
    "extra: !!binary aGVsbG8=\n", "extra: !!set {a, b}\n", "extra: !!python/object:os.system {}\n",
    "extra: !!timestamp 2023-01-01\n", "extra: !custom value\n", "base: &b {title: anchored}\nother: *b\n",
    "<<: {title: merged}\n", "title: duplicated\ntitle: twice\n", "a: &x [*x]\n",
    "deep: " + "[" * 200 + "]" * 200 + "\n", "deep: " + "{a: " * 60 + "1" + "}" * 60 + "\n",
    "laughs: &a [1,1,1,1,1,1,1,1,1,1]\nl2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "l3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
    "? [complex, key]\n: value\n", "1: numeric key\n", "null: null key\n", "nan: .nan\ninf: .inf\n",
    "\ttabbed: value\n", "unclosed: \"quote\n", "key: - not a list\n", "%YAML 1.1\n", "--- \n", "...\n",
]


@st.composite
def clipping_text(draw) -> str:
    text = _front_matter(draw(clipping_data))
    for breakage in draw(st.lists(st.sampled_from(YAML_BREAKAGE), max_size=2)) if draw(st.integers(0, 2)) == 0 else []:
        lines = text.split("\n")
        at = draw(st.integers(1, max(1, len(lines) - 2)))
        text = "\n".join([*lines[:at], breakage.rstrip("\n"), *lines[at:]])
    if draw(st.booleans()):
        text += draw(st.sampled_from(["", "Body text after the front matter.\n", "---\nsecond: document\n---\n"]))
    return text


@st.composite
def press_release_text(draw) -> str:
    parts = [draw(st.sampled_from(["", "Back to All Press Releases", "Home > Press"]))]
    parts.append(draw(st.one_of(sentence, broken_text)))  # the title
    if draw(st.booleans()):
        parts.append(draw(sentence))  # a photo caption
    place = draw(st.sampled_from(["NEW YORK", "ALBANY, N.Y.", "BUFFALO (AP)", "new york", ""]))
    parts.append(f"{place} {draw(st.sampled_from(['-', '–', '—', '']))} {draw(st.one_of(sentence, broken_text))}")
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            parts.append(f"“{draw(sentence)},” said {draw(sentence)}, {draw(sentence)}. “{draw(sentence)}”")
        else:
            parts.append(draw(st.one_of(broken_text, sentence)))
    if draw(st.booleans()):
        parts.append(draw(sentence))  # the tagline
        year = draw(st.one_of(st.integers(1900, 2100), st.integers(0, 99999), st.just("")))
        parts.append(f"{draw(st.sampled_from(['©', '(c)', 'Copyright']))} {year} {draw(sentence)}")
    return draw(st.sampled_from(["\n\n", "\n", "\n\n\n"])).join(parts)


@st.composite
def encoded(draw, text: str) -> bytes:
    """The text as a file's bytes: UTF-8 mostly; CRLF or CR line ends, a BOM, UTF-16, or bytes
    that are not UTF-8 at times."""
    ends = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = text.replace("\n", ends)
    how = draw(st.sampled_from(["utf-8"] * 12 + ["utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cut"]))
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "cut":  # invalid UTF-8: a stray byte, or a character cut in two
        data = text.encode("utf-8", "surrogatepass")
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x00"])) + data[at:]
    return text.encode(how, "surrogatepass")


clipping_bytes = clipping_text().flatmap(encoded)
press_release_bytes = press_release_text().flatmap(encoded)
documents = st.integers(0, 19).flatmap(
    lambda n: st.binary(max_size=200) if n == 0 else press_release_bytes if n < 6 else clipping_bytes)
