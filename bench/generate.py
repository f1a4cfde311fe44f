"""Generate realistic source documents for benchmarks, in exactly the seeds' formats (fixtures/).

    python bench/generate.py OUT_DIR --count N [--seed S]

About 98% are clippings (YAML front matter: provider, topics, images, related stories, `secured`
blob), about 2% plain-text press releases shaped like fixtures/002. Stories are covered by one to
four providers each (the same headline under several URLs), related links point at other generated
articles (siblings of the same story, plus some elsewhere in the set and some outside it), a few
hundred providers with a long tail, about a dozen topics, and some mojibake ("â€™").

The output is a pure function of (count, seed): every document is derived from its own
`random.Random(f"{seed}:...")`, so it streams in constant memory and a document can describe any
other (for its related links) without holding the set. As a module: `generate(count, seed)` yields
`(filename, text)`; `write(out_dir, count, seed)` writes them.
"""

import argparse
import base64
import functools
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PRESS_RELEASE_SHARE = 0.02
MOJIBAKE_SHARE = 0.03
STORY_BLOCK = 8  # articles are grouped into stories within blocks of this many consecutive numbers

TOPICS = [
    "AI", "Computer Vision", "Surveillance", "Privacy", "Policing", "Immigration", "Education",
    "Free Speech", "Voting Rights", "Criminal Justice", "Biometrics", "Data Protection", "Housing",
]
TOPIC_GROUPS = [  # topics that travel together, as in the seeds (Computer Vision + AI)
    ["Computer Vision", "AI"], ["Surveillance", "Policing"], ["Privacy", "Data Protection"],
    ["Immigration"], ["Education", "Privacy"], ["Free Speech"], ["Voting Rights"],
    ["Criminal Justice", "Policing"], ["Biometrics", "Computer Vision"], ["Housing"], ["AI", "Privacy"],
]
SEED_PROVIDERS = [
    ("CPO Magazine", "cpomagazine.com"), ("Education Week", "edweek.org"), ("Governing", "governing.com"),
    ("WAMC", "wamc.org"), ("Campus Safety Magazine", "campussafetymagazine.com"),
    ("MyNewsLA", "mynewsla.com"), ("Los Angeles Times", "latimes.com"), ("Computing", "computing.co.uk"),
    ("The Conversation", "theconversation.com"),
]
PLACES = [
    "New York", "Buffalo", "Albany", "Lockport", "Rochester", "Syracuse", "Yonkers", "Los Angeles",
    "Chicago", "Detroit", "Portland", "Boston", "Scotland", "London", "Texas", "Florida", "Ohio",
    "Seattle", "Baltimore", "New Jersey", "Westchester", "Long Island", "Brooklyn", "the Bronx",
]
OUTLET_WORDS = [
    "Times", "Tribune", "Herald", "Post", "Journal", "Gazette", "Courier", "Observer", "Record",
    "Daily News", "Public Radio", "Chronicle", "Ledger", "Sentinel", "Dispatch", "Review", "Wire",
    "Examiner", "Bulletin", "Press",
]
TRADE_WORDS = [
    "Tech", "Privacy", "Security", "Policy", "Civic", "Education", "Justice", "Data", "Digital",
    "Campus", "Government", "Legal", "Rights", "Wired", "Network",
]
TRADE_SUFFIXES = ["Week", "Today", "Insider", "Magazine", "Report", "Beat", "Watch"]
ACTORS = [
    "State lawmakers", "The city council", "Police", "School districts", "A federal judge",
    "The NYCLU", "Civil liberties groups", "Parents", "The governor", "Regulators", "Landlords",
    "The Department of Education", "Immigration officials", "Researchers", "Students",
]
ACTIONS = [
    "ban", "pause", "expand", "challenge", "approve", "investigate", "question", "restrict",
    "defend", "fund", "suspend", "scrutinise",
]
SUBJECTS = {
    "AI": ["automated decision systems", "AI hiring tools", "predictive algorithms"],
    "Computer Vision": ["facial recognition", "face scanning cameras", "license plate readers"],
    "Surveillance": ["drone surveillance", "social media monitoring", "camera networks"],
    "Privacy": ["student data collection", "location tracking", "data brokers"],
    "Policing": ["stop-and-frisk", "gang databases", "police body cameras"],
    "Immigration": ["ICE detainers", "immigration raids", "courthouse arrests"],
    "Education": ["school resource officers", "metal detectors in schools", "online proctoring"],
    "Free Speech": ["protest permits", "campus speech codes", "book removals"],
    "Voting Rights": ["voter roll purges", "polling place closures", "mail ballot rules"],
    "Criminal Justice": ["cash bail", "solitary confinement", "parole revocations"],
    "Biometrics": ["fingerprint time clocks", "iris scanners", "voiceprint databases"],
    "Data Protection": ["health data sharing", "license plate data", "cell-site simulators"],
    "Housing": ["tenant screening algorithms", "smart locks in public housing", "eviction records"],
}
SECTIONS = ["news", "politics", "education", "technology", "local", "data-privacy", "crime", "opinion"]
PEOPLE = [
    ("Donna Lieberman", "executive director of the NYCLU"), ("Stefanie Coyle", "NYCLU education counsel"),
    ("John Curr III", "NYCLU Western Regional Office director"), ("Daniel Schwarz", "NYCLU privacy strategist"),
    ("Beth Haroules", "senior staff attorney at the NYCLU"), ("Lee Rowland", "NYCLU policy director"),
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:90]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one), as the seeds quote titles and URLs."""
    return json.dumps(text, ensure_ascii=False)


def _plain(text: str) -> str:
    """Unquoted where the seeds leave it unquoted (provider names, topics), quoted if it must be."""
    return text if re.fullmatch(r"[A-Za-z][A-Za-z0-9 .&'-]*[A-Za-z0-9.]", text) else _quoted(text)


def _mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252, as feeds do it: ’ becomes â€™."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00Z")


@functools.lru_cache(maxsize=8)
def providers(seed: int) -> list[tuple[str, str]]:
    """A few hundred providers: the seeds' own, then local outlets and trade titles."""
    rng = random.Random(f"{seed}:providers")
    found = dict.fromkeys(SEED_PROVIDERS)
    while len(found) < 320:
        if rng.random() < 0.6:
            name = f"{rng.choice(PLACES).removeprefix('the ').title()} {rng.choice(OUTLET_WORDS)}"
        else:
            name = f"{rng.choice(TRADE_WORDS)} {rng.choice(TRADE_SUFFIXES)}"
        domain = re.sub(r"[^a-z0-9]", "", name.lower()) + rng.choice([".com", ".com", ".org", ".net", ".co.uk"])
        found.setdefault((name, domain), None)
    return list(found)


@dataclass(frozen=True)
class Story:
    """What the providers covering one story share."""
    title: str
    excerpt: str
    topics: tuple[str, ...]
    published_at: datetime


@dataclass(frozen=True)
class Article:
    number: int
    story_id: int
    story: Story
    title: str
    excerpt: str
    published_at: datetime
    provider: tuple[str, str]
    url: str
    amp_url: str
    cdn_amp_url: str
    quality: int
    image: tuple[str, int, int] | None


class Corpus:
    def __init__(self, count: int, seed: int):
        self.count, self.seed = count, seed
        self.providers = providers(seed)
        # A long tail: a few providers cover much, most cover little.
        self.provider_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.providers))]

    def is_press_release(self, number: int) -> bool:
        return random.Random(f"{self.seed}:kind:{number}").random() < PRESS_RELEASE_SHARE

    def story_of(self, number: int) -> int:
        """Consecutive numbers within a block share a story in runs of 1-4: duplicates across providers."""
        block = number // STORY_BLOCK
        rng = random.Random(f"{self.seed}:block:{block}")
        position, story = 0, block * STORY_BLOCK
        while position < STORY_BLOCK:
            length = rng.choices([1, 2, 3, 4], weights=[50, 25, 15, 10])[0]
            if position <= number % STORY_BLOCK < position + length:
                return story
            position += length
            story += length
        return story

    def siblings(self, number: int) -> list[int]:
        story = self.story_of(number)
        end = min(self.count, (number // STORY_BLOCK + 1) * STORY_BLOCK)
        return [n for n in range(story, end) if n != number and self.story_of(n) == story
                and not self.is_press_release(n)]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Corpus per run
    def story(self, story_id: int) -> Story:
        rng = random.Random(f"{self.seed}:story:{story_id}")
        topics = list(rng.choice(TOPIC_GROUPS))
        if rng.random() < 0.2:
            topics.append(rng.choice(TOPICS))
        subject = rng.choice(SUBJECTS[topics[0]])
        actor, action, place = rng.choice(ACTORS), rng.choice(ACTIONS), rng.choice(PLACES)
        title = rng.choice([
            f"{actor} move to {action} {subject} in {place}",
            f"{place} {action}s {subject} after backlash",
            f"Does {subject} make {place} safer? What experts say",
            f"{actor} in {place} {action} {subject}, records show",
            f"More than {rng.randint(2, 90) * 50:,} people sign letter calling to {action} {subject}",
            f"Why {place}’s plan to {action} {subject} matters",
        ])
        title = title[0].upper() + title[1:]
        excerpt = rng.choice([
            f"{actor} in {place} want to {action} {subject}, following a study that found the rights "
            f"risks outweighed the promised benefits.",
            f"A temporary measure on {subject} is now a matter of law in {place} — the first such rule in "
            f"the region. Here’s what it means for residents.",
            f"Officials have used {subject} nearly {rng.randint(2, 40) * 1000:,} times in the last "
            f"{rng.randint(2, 12)} years, despite concerns about its reliability.",
            f"The letter is part of a new effort by advocates that will focus on {subject} in {place}.",
        ])
        moment = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
        return Story(title, excerpt, tuple(topics), moment)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Corpus per run
    def article(self, number: int) -> Article:
        rng = random.Random(f"{self.seed}:article:{number}")
        story_id = self.story_of(number)
        story = self.story(story_id)
        provider = rng.choices(self.providers, weights=self.provider_weights)[0]
        if number != story_id and rng.random() < 0.5:  # a second outlet rewrites the headline a little
            title = rng.choice([f"{story.title} - report", f"{story.title}: what we know", story.title.upper()[:1]
                                + story.title[1:].replace(" in ", " across ")])
        else:
            title = story.title
        excerpt = story.excerpt if rng.random() < 0.6 else rng.choice([
            story.excerpt[: rng.randint(80, len(story.excerpt))].rstrip() + " ...",
            f"{story.excerpt} Critics say the decision came too late.",
        ])
        published_at = story.published_at + timedelta(minutes=rng.randint(0, 4 * 24 * 60))
        domain = provider[1]
        host = domain if rng.random() < 0.3 else f"www.{domain}"
        slug = _slug(story.title)
        path = rng.choice([
            f"/{rng.choice(SECTIONS)}/{slug}/",
            f"/news/{7000000 + number * 13 % 900000}/{slug[:60]}",
            f"/{published_at:%Y/%m/%d}/{slug}-{number}",
            f"/{rng.choice(SECTIONS)}/{slug}-{number:x}/{published_at:%Y/%m}",
        ])
        if path.startswith(f"/{published_at:%Y}") or str(number) in path or f"{number:x}/" in path:
            url = f"https://{host}{path}"
        else:  # make sure two articles never share a URL
            url = f"https://{host}{path.rstrip('/')}-{number}/"
        amp_url = cdn_amp_url = ""
        if rng.random() < 0.3:
            amp_url = f"{url}?_amp=true" if rng.random() < 0.5 else url.replace(host, f"{host}/amp", 1)
            cdn_amp_url = "https://{}.cdn.ampproject.org/c/s/{}".format(
                host.replace(".", "-"), amp_url.removeprefix("https://"))
        image = None
        if rng.random() < 0.8:
            width = rng.choice([320, 370, 583, 942, 1200, 2560])
            height = int(width * rng.uniform(0.5, 0.75))
            image = (rng.choice([
                f"https://{host}/wp-content/uploads/{published_at:%Y/%m}/{slug[:30]}-{number}.jpeg",
                f"https://images.{domain}/files/{number * 7}/original/file-{published_at:%Y%m%d}-{number % 97}.jpg"
                f"?ixlib=rb-1.1.0&q=45&auto=format&w={width}&h={height}&fit=crop",
                f"https://cdn.{domain}/dims4/default/{number:07x}/2147483647/strip/true/resize/{width}x{height}!"
                f"/quality/90/?url=https%3A%2F%2Fcdn.{domain}%2F{number:x}.jpg",
            ]), width, height)
        return Article(number, story_id, story, title, excerpt, published_at, provider, url, amp_url,
                       cdn_amp_url, rng.randint(0, 100), image)

    def external_article(self, number: int, index: int) -> Article:
        """A related story outside the generated set (as latimes.com is outside the seeds)."""
        rng = random.Random(f"{self.seed}:external:{number}:{index}")
        base = self.article(number)
        provider = rng.choice(self.providers)
        slug = _slug(base.story.title)
        url = f"https://www.{provider[1]}/{rng.choice(SECTIONS)}/{slug}-ext{number}-{index}"
        return Article(-1, base.story_id, base.story, rng.choice([base.story.title, f"Opinion: {base.story.title}"]),
                       base.story.excerpt, base.published_at + timedelta(hours=rng.randint(1, 96)), provider,
                       url, "", "", rng.randint(0, 100), None)

    def related(self, number: int, rng: random.Random) -> list[Article]:
        chosen = self.siblings(number)[:3]
        for index in range(rng.choices([0, 1, 2, 3], weights=[25, 35, 25, 15])[0]):
            if rng.random() < 0.35:
                chosen.append(self.external_article(number, index))
            else:
                other = rng.randrange(self.count)
                if other != number and not self.is_press_release(other):
                    chosen.append(other)
        return [self.article(n) if isinstance(n, int) else n for n in chosen][:5]


def _image_yaml(image: tuple[str, int, int], indent: str) -> str:
    url, width, height = image
    return (f"{indent}- url: {_quoted(url)}\n{indent}  width: {width}\n{indent}  height: {height}\n"
            f"{indent}  isCached: true\n")


def _secured(rng: random.Random) -> str:
    blob = base64.b64encode(rng.randbytes(rng.choice([192, 288, 384, 480]) + rng.randrange(0, 16))).decode()
    return f"{blob};{base64.b64encode(rng.randbytes(16)).decode()}"


def render_clipping(corpus: Corpus, number: int) -> str:
    article = corpus.article(number)
    rng = random.Random(f"{corpus.seed}:render:{number}")
    mojibake = rng.random() < MOJIBAKE_SHARE
    title, excerpt = article.title, article.excerpt
    if mojibake:
        excerpt = _mojibake(excerpt.replace("'", "’") if "’" not in excerpt else excerpt)
    name, domain = article.provider
    out = [
        "---\n",
        f"category: {'news' if rng.random() < 0.95 else 'blog'}\n",
        f"title: {_quoted(title)}\n",
        f"excerpt: {_quoted(excerpt)}\n",
        f"publishedDateTime: {_timestamp(article.published_at)}\n",
        f"originalUrl: {_quoted(article.url)}\n",
        f"webUrl: {_quoted(article.url)}\n",
        f"type: {'article' if rng.random() < 0.97 else 'video'}\n",
        f"quality: {article.quality}\n",
        f"heat: {-1 if rng.random() < 0.9 else rng.randint(0, 100)}\n",
        f"published: {'false' if rng.random() < 0.9 else 'true'}\n",
        "\nprovider:\n", f"  name: {_plain(name)}\n", f"  domain: {domain}\n",
        "\ntopics:\n", *(f"  - {_plain(topic)}\n" for topic in article.story.topics),
    ]
    if article.image:
        out += ["\nimages:\n", _image_yaml(article.image, "  ")]
    related = corpus.related(number, rng)
    if related:
        out.append("\nrelated:\n")
        for other in related:
            other_excerpt = other.excerpt
            if mojibake and rng.random() < 0.5:
                other_excerpt = _mojibake(other_excerpt)
            out += [
                f"  - title: {_quoted(other.title)}\n",
                f"    excerpt: {_quoted(other_excerpt)}\n",
                f"    publishedDateTime: {_timestamp(other.published_at)}\n",
                f"    webUrl: {_quoted(other.url)}\n",
            ]
            if other.amp_url:
                out += [f"    ampWebUrl: {_quoted(other.amp_url)}\n",
                        f"    cdnAmpWebUrl: {_quoted(other.cdn_amp_url)}\n"]
            out += [
                "    type: article\n",
                f"    provider:\n      name: {_plain(other.provider[0])}\n      domain: {other.provider[1]}\n",
                f"    quality: {other.quality}\n",
            ]
            if other.image:
                out += ["    images:\n", _image_yaml(other.image, "      ")]
    out += [f"\nsecured: {_quoted(_secured(rng))}\n", "---\n\n"]
    return "".join(out)


def render_press_release(corpus: Corpus, number: int) -> str:
    """The shape of fixtures/002: navigation, title, caption, dateline, quotes, tagline, copyright."""
    rng = random.Random(f"{corpus.seed}:press-release:{number}")
    story = corpus.story(corpus.story_of(number))
    subject = SUBJECTS[story.topics[0]][rng.randrange(3)]
    place = rng.choice(PLACES)
    title = f"NYCLU Urges {rng.choice(['State', 'City', 'Governor', 'Legislature'])} to " \
            f"{rng.choice(['Block', 'End', 'Investigate', 'Limit'])} {subject.title()} in {place} (No. {number})"
    paragraphs = [
        f"NEW YORK- The New York Civil Liberties Union sent a letter today urging officials in {place} to "
        f"ensure that {subject} is not used against the people it is meant to serve. The NYCLU also sent a "
        f"Freedom of Information Law request asking for details on how {subject} will be used.",
    ]
    for _ in range(rng.randint(3, 9)):
        paragraphs.append(rng.choice([
            f"{place} spent almost ${rng.randint(1, 9)} million to acquire {subject}, using state money "
            "meant to improve infrastructure. ",
            f"Beyond the expense, {subject} poses serious privacy and safety risks. Once data is captured it "
            f"can be kept for {rng.randint(30, 365)} days and shared with agencies the public never sees. ",
            f"The NYCLU is concerned that other districts could follow in {place}’s footsteps.",
            "This has the potential to turn every step a person takes into evidence of a crime.",
        ]))
    for name, role in rng.sample(PEOPLE, rng.randint(1, 3)):
        paragraphs.insert(rng.randint(1, len(paragraphs)),
                          f"“{rng.choice(['People', 'Families', 'Students'])} should not be treated as suspects "
                          f"because of {subject},” said {name}, {role}. “This plan makes things worse.”")
    lines = ["Back to All Press Release", "", title, ""]
    if rng.random() < 0.7:
        lines.append(rng.choice(["Camera in the school yard", "Protesters outside City Hall", "A police drone"]))
    lines += paragraphs
    lines += ["As bold as the spirit of New York, we are the NYCLU.",
              f"© {rng.randint(2019, 2024)} New York", "Civil Liberties Union"]
    return "\n".join(lines)  # no final newline, as in the seed


def generate(count: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """Yield (filename, text) for `count` documents, named like the seeds: NNN_<16 hex>.txt."""
    corpus = Corpus(count, seed)
    width = max(3, len(str(count - 1)))
    for number in range(count):
        rng = random.Random(f"{seed}:name:{number}")
        name = f"{number:0{width}d}_{rng.getrandbits(64):016x}.txt"
        if corpus.is_press_release(number):
            yield name, render_press_release(corpus, number)
        else:
            yield name, render_clipping(corpus, number)


def write(out_dir: str | Path, count: int, seed: int = 0) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in generate(count, seed):
        total += (out / name).write_text(text, encoding="utf-8")
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    size = write(args.out_dir, args.count, args.seed)
    print(f"wrote {args.count} documents ({size / 1e6:.1f} MB) to {args.out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
