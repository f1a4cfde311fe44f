"""Searching articles and press releases: the one way every page searches.

Readers write words, "quoted phrases" and -exclusions (-word, -"a phrase"); every word or phrase
must be found and no exclusion may be. `parse_query` turns what a reader typed into terms once,
in plain Python, keeping only letters and digits, so no input can reach the database as syntax.
The terms are then compiled to a tsquery on PostgreSQL and to an FTS5 MATCH expression on SQLite,
over the index that migration 0003 keeps current with triggers (it says what is indexed).

Ranking is the same on both databases by construction: each term scores by the best field it is
found in (title 8, topics 4, excerpt or body 2, provider or organization 1), the scores add up,
and ties go to the newer record, then the higher id. Both databases stem English words (PostgreSQL
'english', FTS5 'porter') and the parser drops PostgreSQL's English stop words, so both match the
same records for ordinary queries; the stemmers can differ on rare words.
"""

import re
from dataclasses import dataclass

from django.db.models import BooleanField, Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import Expression

MAX_QUERY_LENGTH = 256
MAX_TERMS = 12
MAX_PHRASE_WORDS = 8

# PostgreSQL's English stop words (tsearch_data/english.stop): it indexes none of them, so a word
# among them would match nothing there and everything on SQLite. They are left out of queries,
# except inside phrases, where both databases handle them (PostgreSQL counts them as a gap).
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as
    until while of at by for with about against between into through during before after above below to
    from up down in out on off over under again further then once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very s t can will just
    don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_TOKEN = re.compile(r'(-*)(?:"([^"]*)"?|([^\s"]+))')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of words that must appear together in this order."""

    words: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.excluded)

    def __bool__(self) -> bool:
        return bool(self.included)


def parse_query(text: str) -> Query:
    """What a reader typed, as terms: words, "phrases" (an unclosed quote runs to the end), and
    exclusions (a leading -). Punctuation separates words; a hyphenated or dotted word is a phrase."""
    terms: list[Term] = []
    for match in _TOKEN.finditer((text or "")[:MAX_QUERY_LENGTH]):
        dashes, quoted, bare = match.groups()
        words = tuple(word.lower() for word in _WORD.findall(quoted if quoted is not None else bare or ""))
        words = words[:MAX_PHRASE_WORDS]
        if not words or all(word in STOP_WORDS for word in words):
            continue
        term = Term(words, excluded=bool(dashes))
        if term not in terms:
            terms.append(term)
    return Query(tuple(terms[:MAX_TERMS]))


# ---------------------------------------------------------------------------------------------
# Compiling terms for each database


@dataclass(frozen=True)
class SearchIndex:
    """Where a model's index is: the FTS5 table (SQLite), and the field indexed at each weight."""

    fts_table: str
    fields: tuple[tuple[str, str], ...]  # (weight A-D, FTS5 column), best first
    date_field: str

    @property
    def weights(self) -> list[str]:
        return [weight for weight, _ in self.fields]

    def column(self, weight: str) -> str:
        return dict(self.fields)[weight]


ARTICLE_INDEX = SearchIndex(
    "clippings_article_fts", (("A", "title"), ("B", "topics"), ("C", "excerpt"), ("D", "provider")), "published_at"
)
PRESS_RELEASE_INDEX = SearchIndex(
    "clippings_pressrelease_fts", (("A", "title"), ("C", "body"), ("D", "organization")), "date"
)
SCORES = {"A": 8, "B": 4, "C": 2, "D": 1}


def tsquery_term(term: Term, weight: str | None = None) -> str:
    """One term for to_tsquery('english', ...). Words are letters and digits only."""
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"{word}{suffix}" for word in term.words)


def tsquery(query: Query, index: SearchIndex) -> str:
    def positive(term: Term) -> str:
        if len(term.words) == 1:
            return tsquery_term(term)
        # A phrase must be found within one field, as on SQLite, not across the end of the title
        # and the start of the excerpt, which the concatenated vector would allow.
        return "(" + " | ".join(f"({tsquery_term(term, weight)})" for weight in index.weights) + ")"

    parts = [positive(term) for term in query.included]
    parts += [f"!({tsquery_term(term)})" for term in query.excluded]
    return " & ".join(parts)


def fts5_term(term: Term) -> str:
    # A double-quoted string is a phrase to FTS5, never an operator (AND, NEAR, ...); words hold no quote.
    return '"' + " ".join(term.words) + '"'


def fts5_query(query: Query) -> str:
    expression = "(" + " AND ".join(fts5_term(term) for term in query.included) + ")"
    if query.excluded:
        expression += " NOT (" + " OR ".join(fts5_term(term) for term in query.excluded) + ")"
    return expression


class Matches(Expression):
    """True for the records of the queryset's model whose index matches: the whole query, or one
    term within the field at one weight."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, index: SearchIndex, query: Query, *, weight: str | None = None, pk=None):
        super().__init__(output_field=BooleanField())
        self.index, self.query, self.weight = index, query, weight
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        [self.pk] = exprs

    def _term(self) -> Term:
        [term] = self.query.terms
        return term

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"Full-text search is not available on {connection.vendor}.")

    def as_postgresql(self, compiler, connection):
        text = tsquery_term(self._term(), self.weight) if self.weight else tsquery(self.query, self.index)
        vector = f"{compiler.quote_name_unless_alias(self.pk.alias)}.search_vector"
        return f"{vector} @@ to_tsquery('english'::regconfig, %s)", [text]

    def as_sqlite(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        if self.weight:
            text = "{" + self.index.column(self.weight) + "} : " + fts5_term(self._term())
        else:
            text = fts5_query(self.query)
        table = connection.ops.quote_name(self.index.fts_table)
        return f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [*pk_params, text]


def _search(queryset: QuerySet, query_text: str, index: SearchIndex) -> QuerySet:
    query = parse_query(query_text)
    if not query:
        return queryset.none()
    scores = [
        Case(
            *[When(Matches(index, Query((term,)), weight=weight), then=Value(SCORES[weight]))
              for weight in index.weights[:-1]],
            default=Value(SCORES[index.weights[-1]]),
            output_field=IntegerField(),
        )
        for term in query.included
    ]
    rank = scores[0]
    for score in scores[1:]:
        rank = rank + score
    return (
        queryset.filter(Matches(index, query))
        .annotate(search_rank=rank)
        .order_by(F("search_rank").desc(), F(index.date_field).desc(nulls_last=True), F("pk").desc())
    )


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """The articles of `queryset` matching the reader's query, best match first (see module docstring).

    Each is annotated with `search_rank`. A query with nothing to look for matches nothing.
    """
    return _search(queryset, query, ARTICLE_INDEX)


def search_press_releases(queryset: QuerySet, query: str) -> QuerySet:
    """The press releases of `queryset` matching the reader's query, best match first."""
    return _search(queryset, query, PRESS_RELEASE_INDEX)
