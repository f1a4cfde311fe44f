"""Searching articles and press releases: the one way every page searches.

Readers write words, "quoted phrases" and -exclusions (-word, -"a phrase"); every word or phrase
must be found and no exclusion may be. `parse_query` turns what a reader typed into terms once,
in plain Python, keeping only letters and digits, so no input can reach the database as syntax.
The terms are then compiled to a tsquery on PostgreSQL and to an FTS5 MATCH expression on SQLite,
over the index that migration 0003 keeps current with triggers (it says what is indexed). On
PostgreSQL the importer indexes the articles it creates itself, a batch at a time
(`insert_articles`, at the end of this module).

Ranking is the same on both databases by construction: each term scores by the best field it is
found in (title 8, topics 4, excerpt or body 2, provider or organization 1), the scores add up,
and ties go to the newer record, then the higher id. Both databases stem English words (PostgreSQL
'english', FTS5 'porter') and the parser drops PostgreSQL's English stop words, so both match the
same records for ordinary queries; the stemmers can differ on rare words.

Only the newest matches are ranked: RANKED_MATCHES (1,000) of them, newest by date, then by id.
Scoring every match of a word found in a third of 100,000 articles, and reading each one from
disk, cost up to 235 ms a page; choosing the newest takes an index either way. For a common query
PostgreSQL walks an index in date order, testing each record, until it has found enough; a rare
query's matches it collects from the GIN index and sorts. SQLite's planner cannot tell the two
apart, so on SQLite `Matches` asks FTS5 first (`_is_common`). Then at most 1,000 records are
scored, however large the archive. Readers are told the rule ("1,000 or more articles match.
Shown: the best matches among the newest 1,000"), and reach older ones with more words or with the
coverage list's filters, which narrow what the newest are chosen from. Each result carries
`search_matches`, how many were ranked, so a page shows the count without another query.
`matching_articles` finds every match, unranked, for a list the reader sorts by date or quality.
Press releases, fewer and shown five at a time beside the coverage, are ranked among their newest
RANKED_PRESS_RELEASES (100) matches, and the search page says so when that many match.

Exclusions are applied to the newest EXCLUSION_WINDOW (5,000) matches of the rest of the query,
on both databases (press releases too). On PostgreSQL, ruling a record out means reading it, and
an exclusion that rules out nearly everything the words find (`NYCLU -"NYCLU clipping"`, where
both are in every article) read all 100,000 articles: 222 ms (23-29 ms with the window, which bounds
that work there). SQLite's FTS5 works through its lists rather than the records (`a NOT b`), and
the window does not save it work; it is there so that both databases give the same answers. A
ranked search finds what it would without the window unless the words match more than 5,000
articles and the exclusions leave fewer than 1,000 of the newest 5,000; a list in the reader's
order holds the matches among the newest 5,000 only. Each article found by a search with
exclusions carries `search_window_full`, and pages tell readers when older matches may have been
left out (`older_matches_left_out`).
"""

import re
from dataclasses import dataclass

import psycopg
from django.db import connection
from django.db.models import BooleanField, Case, Count, Exists, F, IntegerField, QuerySet, Subquery, Value, When, Window
from django.db.models.expressions import Expression

from . import bulk
from .models import Article

MAX_QUERY_LENGTH = 256
MAX_TERMS = 12
MAX_PHRASE_WORDS = 8
RANKED_MATCHES = 1000
# The search page shows the best few press releases among the newest 100 that match (a newsroom
# publishes a few hundred a year), and says so when 100 or more match: a phrase in every one (its
# dateline, "New York") took half the time to rank among 100 as among 1,000.
RANKED_PRESS_RELEASES = 100
EXCLUSION_WINDOW = 5000
# On SQLite, from this many matches on, the date index is walked to find the 1,000 to rank (and
# from proportionally more for a query that keeps more: 15,000 for an exclusion window).
COMMON_MATCHES = 3000

# PostgreSQL's English stop words (tsearch_data/english.stop): it indexes none of them, so a word
# among them would match nothing there and everything on SQLite. They are left out of queries,
# except inside phrases, where both databases handle them (PostgreSQL counts each as a gap of one
# word, FTS5 wants the word itself).
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
    # Names of topics the searched records are already filtered by, as editors wrote them: every
    # record sought holds each in its index (topic names are indexed), so requiring them removes
    # only records the filter removes anyway, and lets the index narrow the search down to the
    # topic's records instead of testing each of them. Each database splits a name into words as
    # it did when indexing it, never as `parse_query` does (`U.S.`, `COVID-19`, `İstanbul`).
    topic_hints: tuple[str, ...] = ()

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.excluded)

    @property
    def contradictory(self) -> bool:
        """Whether an exclusion is part of what the query requires (`privacy -privacy`,
        `"facial recognition" -facial`, `drones -drone`): nothing can match, and finding that out
        from the index would read every match of the rest. Words are compared without a plural
        -s, which both databases' stemmers drop; other forms of a word (`privacy -privacies`) are
        not recognised here, and the database finds that nothing matches."""
        def stems(term: Term) -> tuple[str, ...]:
            return tuple(singular(word) for word in term.words)

        return any(
            stems(excluded) == stems(included)[start:start + len(excluded.words)]
            for excluded in self.excluded for included in self.included
            for start in range(len(included.words) - len(excluded.words) + 1)
        )

    def __bool__(self) -> bool:
        """Whether the query can match anything."""
        return bool(self.included) and not self.contradictory

    def without_exclusions(self) -> "Query":
        return Query(self.included, self.topic_hints)

    def within_topic(self, name: str) -> "Query":
        """The query, for records already known to be tagged with the topic `name`."""
        if not _WORD.search(name):  # no word to find it by
            return self
        return Query(self.terms, (*self.topic_hints, name))


def singular(word: str) -> str:
    """A word without a plural -s, where PostgreSQL's English stemmer and FTS5's Porter stemmer
    both drop it: not after s, u or i (glass, campus, thesis), nor from a short word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and word[-2] not in "sui" else word


def parse_query(text: str) -> Query:
    """What a reader typed, as terms: words, "phrases" (an unclosed quote runs to the end), and
    exclusions (a leading -). Punctuation separates words; a hyphenated or dotted word is a phrase."""
    terms: list[Term] = []
    for match in _TOKEN.finditer((text or "")[:MAX_QUERY_LENGTH]):
        dashes, quoted, bare = match.groups()
        words = tuple(word.lower() for word in _WORD.findall(quoted if quoted is not None else bare or ""))
        # PostgreSQL ignores stop words at either end of a phrase (it keeps those inside as a gap);
        # FTS5 would demand them: without them both find the same records.
        while words and words[0] in STOP_WORDS:
            words = words[1:]
        while words and words[-1] in STOP_WORDS:
            words = words[:-1]
        words = words[:MAX_PHRASE_WORDS]
        if not words:
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
    topics_weight: str | None = None  # where topic names are indexed, if they are (a topic hint's field on SQLite)

    @property
    def weights(self) -> list[str]:
        return [weight for weight, _ in self.fields]

    def column(self, weight: str) -> str:
        return dict(self.fields)[weight]


ARTICLE_INDEX = SearchIndex(
    "clippings_article_fts", (("A", "title"), ("B", "topics"), ("C", "excerpt"), ("D", "provider")), "published_at",
    topics_weight="B",
)
PRESS_RELEASE_INDEX = SearchIndex(
    "clippings_pressrelease_fts", (("A", "title"), ("C", "body"), ("D", "organization")), "date"
)
SCORES = {"A": 8, "B": 4, "C": 2, "D": 1}


def tsquery_term(term: Term, weight: str | None = None) -> str:
    """One term for to_tsquery('english', ...). Words are letters and digits only."""
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"{word}{suffix}" for word in term.words)


def tsquery_found(term: Term, index: SearchIndex) -> str:
    """A term found anywhere in a record's index."""
    if len(term.words) == 1:
        return tsquery_term(term)
    # A phrase must be found within one field, as on SQLite, not across the end of the title
    # and the start of the excerpt, which the concatenated vector would allow. Its words come
    # first on their own: most records lack one, and fail without their positions being read.
    within_a_field = " | ".join(f"({tsquery_term(term, weight)})" for weight in index.weights)
    return "(" + " & ".join(term.words) + f" & ({within_a_field}))"


def tsquery(query: Query, index: SearchIndex) -> str:
    parts = [tsquery_found(term, index) for term in query.included]
    parts += [f"!{tsquery_found(term, index)}" for term in query.excluded]
    return " & ".join(parts)


def tsquery_words(query: Query) -> str:
    """Every word the query needs, in any order and field: what the GIN index can answer by itself."""
    return " & ".join(dict.fromkeys(word for term in query.included for word in term.words))


def fts5_term(term: Term) -> str:
    # A double-quoted string is a phrase to FTS5, never an operator (AND, NEAR, ...); words hold no quote.
    return '"' + " ".join(term.words) + '"'


def fts5_query(query: Query, index: SearchIndex) -> str:
    parts = [fts5_term(term) for term in query.included]
    if index.topics_weight:  # the name as written, a phrase to FTS5 (which splits it as it indexed it)
        parts += ["{" + index.column(index.topics_weight) + '} : "' + name.replace('"', '""') + '"'
                  for name in query.topic_hints]
    expression = "(" + " AND ".join(parts) + ")"
    if query.excluded:
        expression += " NOT (" + " OR ".join(fts5_term(term) for term in query.excluded) + ")"
    return expression


class Matches(Expression):
    """True for the records of the queryset's model whose index matches the whole query; or, given a
    `weight` and a query of one term, whose field at that weight holds the term; with `alone`, whose
    field at that weight holds it and no other field does."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, index: SearchIndex, query: Query, *, weight: str | None = None, alone: bool = False, pk=None):
        super().__init__(output_field=BooleanField())
        self.index, self.query, self.weight, self.alone = index, query, weight, alone
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        [self.pk] = exprs

    def _term(self) -> Term:
        [term] = self.query.terms
        return term

    def _others(self) -> list[str]:
        return [weight for weight in self.index.weights if weight != self.weight]

    def as_sql(self, compiler, connection):
        raise NotImplementedError(f"Full-text search is not available on {connection.vendor}.")

    def as_postgresql(self, compiler, connection):
        if self.weight:
            term = self._term()
            text = tsquery_term(term, self.weight)
            if self.alone:
                text += " & !(" + " | ".join(f"({tsquery_term(term, other)})" for other in self._others()) + ")"
        else:
            text = tsquery(self.query, self.index)
        vector = f"{compiler.quote_name_unless_alias(self.pk.alias)}.search_vector"
        match = f"{vector} @@ to_tsquery('english'::regconfig, %s)"
        words = tsquery_words(self.query)
        hints = self.query.topic_hints if not self.weight and self.index.topics_weight else ()
        if self.weight or (words == text and not hints):
            return match, [text]
        # PostgreSQL cannot estimate how often words are adjacent: "letter matter" as a phrase looked
        # like 6% of the articles and had it walk the date index through all 100,000 of them (160 ms)
        # for none. With the words as a condition of their own the estimates multiply: a phrase of
        # words that are everywhere still walks the index, and others are collected from the GIN
        # index, which costs at most the records holding all the words (20 ms here). A topic's name
        # goes into both, split by PostgreSQL's own parser: its words, and the name as a phrase.
        english = "('english'::regconfig, %s)"
        words_sql = f"to_tsquery{english}" + f" && plainto_tsquery{english}" * len(hints)
        text_sql = f"to_tsquery{english}" + f" && phraseto_tsquery{english}" * len(hints)
        return f"{vector} @@ ({words_sql}) AND {vector} @@ ({text_sql})", [words, *hints, text, *hints]

    def as_sqlite(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        table = connection.ops.quote_name(self.index.fts_table)
        if self.weight:
            phrase = fts5_term(self._term())
            text = "{" + self.index.column(self.weight) + "} : " + phrase
            if self.alone:
                text += " NOT {" + " ".join(self.index.column(other) for other in self._others()) + "} : " + phrase
        else:
            text = fts5_query(self.query, self.index)
            query = compiler.query
            ordered = query.order_by or (query.default_ordering and query.get_meta().ordering)
            # Walking pays when it meets the records wanted early: three times as many matches as the
            # query keeps (1,000 ranked, or the 5,000 of an exclusion window).
            wanted = max(query.high_mark or 0, RANKED_MATCHES)
            common = COMMON_MATCHES * wanted // RANKED_MATCHES
            if ordered and len(query.alias_map) == 1 and _is_common(connection, table, text, common):
                # SQLite's planner knows nothing of how many records FTS5 will return: it always
                # looks them all up, then sorts them. For a common query the newest matches are found
                # sooner by walking the date index and testing each record against the list; a unary
                # + keeps the planner from driving the query from the list. Not with a join (a topic
                # filter): SQLite would walk the whole table, testing each record's topics. Not for
                # records in no order (a count): there is no order to walk.
                pk_sql = f"+{pk_sql}"
        return f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [*pk_params, text]


class HoldsNoExclusion(Matches):
    """True for the records that hold none of the query's exclusions, when tested among records that
    match the rest of the query. (A whole-query Matches: no `weight`, no `alone`.)"""

    def as_postgresql(self, compiler, connection):
        # NOT (...) is what no index can answer: PostgreSQL tests it only on the records the rest of
        # the query found, rather than collect every record holding an exclusion.
        vector = f"{compiler.quote_name_unless_alias(self.pk.alias)}.search_vector"
        text = " | ".join(tsquery_found(term, self.index) for term in self.query.excluded)
        return f"NOT ({vector} @@ to_tsquery('english'::regconfig, %s))", [text]

    def as_sqlite(self, compiler, connection):
        # FTS5 rules records out fastest inside one expression ("a NOT b"), merging its lists; among
        # records that match "a", those are the records that hold no "b".
        pk_sql, pk_params = compiler.compile(self.pk)
        table = connection.ops.quote_name(self.index.fts_table)
        text = fts5_query(self.query, self.index)
        return f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)", [*pk_params, text]


class InWindow(Expression):
    """True for the records whose pk `window`, a queryset of one column of pks and NULLs, holds; with
    `first`, for the first that many pks it holds, in its order. On PostgreSQL the window is an
    array, computed first: its planner cannot turn that into a join, which it would start from the
    other side when it expects the other conditions to leave few records (an exclusion of a word in
    every article), reading every record to test them.

    For a record outside a window that holds a NULL it is NULL, not False (SQL's IN and ANY):
    right for filter(), wrong under exclude() or ~, which would drop every record."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, window: QuerySet, first: int | None = None):
        super().__init__(output_field=BooleanField())
        self.pk = F("pk")
        [self.column] = [*window.query.values_select, *window.query.annotation_select]
        self.window = Subquery(window)
        self.first = first

    def get_source_expressions(self):
        return [self.pk, self.window]

    def set_source_expressions(self, exprs):
        self.pk, self.window = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        window_sql, window_params = compiler.compile(self.window)
        if self.first is None:
            return f"{pk_sql} IN {window_sql}", [*pk_params, *window_params]
        # SQLite reads a subquery with a LIMIT as a co-routine, in its order (it cannot flatten it).
        column = connection.ops.quote_name(self.column)
        return (f"{pk_sql} IN (SELECT w.{column} FROM {window_sql} w WHERE w.{column} IS NOT NULL LIMIT %s)",
                [*pk_params, *window_params, self.first])

    def as_postgresql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        window_sql, window_params = compiler.compile(self.window)
        if self.first is None:
            return f"{pk_sql} = ANY(ARRAY{window_sql})", [*pk_params, *window_params]
        # ARRAY(...) keeps the window's order; array_remove drops the NULLs.
        return (f"{pk_sql} = ANY((array_remove(ARRAY{window_sql}, NULL))[1:%s])",
                [*pk_params, *window_params, self.first])


def _is_common(connection, table: str, text: str, common: int) -> bool:
    """Whether an FTS5 query matches `common` records or more: counted in the index alone, stopping
    at that many (at 100,000 records, a word in every one: 0.2 ms to count 3,000, 0.9 ms 15,000;
    a phrase in every one: 0.5 and 2.3 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT %s)", [text, common])
        return cursor.fetchone()[0] >= common


def _rank(query: Query, index: SearchIndex) -> Expression:
    """Each term's score, from the best field it is in, added up over the terms."""
    *better, usual, last = index.weights  # title (and topics) | excerpt or body | provider or organization

    def score(term: Term) -> Expression:
        # A record that matches holds every term somewhere. Its commonest place, the excerpt or body,
        # is what remains once the better fields and "the last field alone" are ruled out: on SQLite
        # the list of records with a word there is the longest to build, and this never builds it.
        match = Query((term,))
        return Case(
            *[When(Matches(index, match, weight=weight), then=Value(SCORES[weight])) for weight in better],
            When(Matches(index, match, weight=last, alone=True), then=Value(SCORES[last])),
            default=Value(SCORES[usual]),
            output_field=IntegerField(),
        )

    scores = [score(term) for term in query.included]
    rank = scores[0]
    for term_score in scores[1:]:
        rank = rank + term_score
    return rank


def _newest_first(index: SearchIndex) -> tuple[Expression, Expression]:
    # Undated records last on both databases (PostgreSQL would put NULLs first in a descending order).
    # Migration 0005 gives PostgreSQL's articles an index in this order; SQLite's article_date is in it.
    return F(index.date_field).desc(nulls_last=True), F("pk").desc()


def _matching(queryset: QuerySet, query: Query, index: SearchIndex, first: int | None = None) -> QuerySet:
    """The records of `queryset` that match; with exclusions and `first`, the newest `first` of them."""
    if not query:
        return queryset.none()
    if not query.excluded:
        return queryset.filter(Matches(index, query))
    # The exclusions rule out records among the newest matches of the rest only (module docstring).
    # On PostgreSQL they are tested as the window is read, on the rows read anyway: the window
    # holds the pk of each record that passes, NULL for the others, newest first. (SQLite builds
    # the list of records that pass from its index once, and tests the window's records against it.)
    window = (
        _matching(queryset, query.without_exclusions(), index)
        .order_by(*_newest_first(index))
        .annotate(passes=Case(When(HoldsNoExclusion(index, query), then=F("pk"))))
        .values("passes")[:EXCLUSION_WINDOW]
    )
    return queryset.filter(InWindow(window, first))


def _window_full(queryset: QuerySet, query: Query, index: SearchIndex) -> Exists:
    """Whether the words of the query match more records of `queryset` than an exclusion window
    holds: whether its exclusions were applied to the newest matches only. Asked in no order,
    which lets the database stop at the first record past the window."""
    words = _matching(queryset, query.without_exclusions(), index).order_by()
    return Exists(words[EXCLUSION_WINDOW:])


def _with_window(results: QuerySet, queryset: QuerySet, query: Query, index: SearchIndex) -> QuerySet:
    if not query.excluded:
        return results
    # Computed once a query, not for each row (it does not depend on the row), and for a ranked
    # search only when fewer than RANKED_MATCHES were ranked: otherwise pages say "1,000 or more"
    # anyway, and the databases do not compute what a CASE does not reach.
    full = _window_full(queryset, query, index)
    if "search_matches" in results.query.annotations:
        full = Case(When(search_matches__gte=RANKED_MATCHES, then=Value(True)), default=full)
    return results.annotate(search_window_full=full)


def _search(queryset: QuerySet, query: Query, index: SearchIndex, ranked: int | None = None) -> QuerySet:
    if not query:
        return queryset.none()
    ranked = ranked or RANKED_MATCHES
    if query.excluded:  # the window is newest first already
        newest = _matching(queryset, query, index, first=ranked)
    else:
        newest = queryset.filter(pk__in=_matching(queryset, query, index).order_by(*_newest_first(index))
                                 .values("pk")[:ranked])
    return (
        newest.annotate(search_rank=_rank(query, index), search_matches=Window(Count("pk")))
        .order_by(F("search_rank").desc(), *_newest_first(index))
    )


def _parsed(text: str, topic: str | None) -> Query:
    query = parse_query(text)
    return query.within_topic(topic) if topic else query


def older_matches_left_out(queryset: QuerySet, query_text: str, page, *, topic: str | None = None) -> bool:
    """Whether articles of `queryset` older than those found may match the query too: only the
    newest RANKED_MATCHES matches were ranked, or its exclusions were applied to the newest
    EXCLUSION_WINDOW matches of its words only. `page` is the page of results shown, from
    `search_articles` or `matching_articles` over `queryset`: its first result says, without a
    query; an empty page of a search with exclusions costs one. `topic` as for `search_articles`."""
    query = _parsed(query_text, topic)
    if not query:
        return False
    if page:
        first = page[0]
        return getattr(first, "search_matches", 0) >= RANKED_MATCHES or getattr(first, "search_window_full", False)
    return bool(query.excluded) and queryset.filter(_window_full(queryset, query, ARTICLE_INDEX)).exists()


def search_articles(queryset: QuerySet, query: str, *, topic: str | None = None) -> QuerySet:
    """The newest RANKED_MATCHES articles of `queryset` matching the reader's query, best match first
    (see module docstring). Filter `queryset` before, never after: the newest are chosen among what it holds.
    `topic`: the name of the topic `queryset` is filtered by, if it is, which lets the index find
    the topic's matches first (`Query.topic_hints`): it removes only what that filter removes.

    Each is annotated with `search_rank`, and with `search_matches`: how many were ranked, which is
    every match up to RANKED_MATCHES ("1,000 or more" when it is RANKED_MATCHES); with exclusions,
    with `search_window_full` too. A query with nothing to look for matches nothing.
    """
    parsed = _parsed(query, topic)
    return _with_window(_search(queryset, parsed, ARTICLE_INDEX), queryset, parsed, ARTICLE_INDEX)


def matching_articles(queryset: QuerySet, query: str, *, topic: str | None = None) -> QuerySet:
    """Every article of `queryset` matching the reader's query, unranked and in the queryset's
    order; with exclusions, those among the newest EXCLUSION_WINDOW matches of its words, each
    annotated with `search_window_full`. `topic` as for `search_articles`."""
    parsed = _parsed(query, topic)
    return _with_window(_matching(queryset, parsed, ARTICLE_INDEX), queryset, parsed, ARTICLE_INDEX)


def search_press_releases(queryset: QuerySet, query: str) -> QuerySet:
    """The newest RANKED_PRESS_RELEASES press releases of `queryset` matching the reader's query,
    best match first, each annotated with `search_matches` (how many were ranked): the search
    page shows the best few beside the coverage. Exclusions apply among the newest
    EXCLUSION_WINDOW matches of the words, as for articles."""
    return _search(queryset, parse_query(query), PRESS_RELEASE_INDEX, ranked=RANKED_PRESS_RELEASES)


# Indexing -------------------------------------------------------------------------------------

def insert_articles(rows: list[dict]) -> None:
    """New articles, as `bulk.insert` takes them, each with its id, title, excerpt and provider_id
    given; their providers, and their links to their topics, written first.

    On PostgreSQL one query computes the search vectors of all of them, with the functions
    migration 0003's trigger calls (migration 0010), and they go into the COPY with the rows: the
    trigger looked each article's topics and provider up in queries of its own (10,000 documents:
    0.3 s less of the server's CPU, docs/benchmarks.md). On SQLite the triggers index them (FTS5)."""
    if connection.vendor != "postgresql" or not rows:
        bulk.insert(Article, rows)
        return
    connection.ensure_connection()
    ids = [row["id"] for row in rows]
    # A cursor of psycopg's own, in the same transaction, for the vectors in PostgreSQL's binary
    # form (as the COPY sends them): Django's client-side cursors only read text.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute("""
            SELECT clippings_article_document(batch.title, batch.excerpt, topics.names, provider.name)
            FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[]) WITH ORDINALITY
                 AS batch (id, title, excerpt, provider_id, position)
            LEFT JOIN clippings_provider provider ON provider.id = batch.provider_id
            LEFT JOIN clippings_article_topic_names(%s::bigint[]) topics ON topics.article_id = batch.id
            ORDER BY batch.position
        """, [ids, [row["title"] for row in rows], [row["excerpt"] for row in rows],
              [row["provider_id"] for row in rows], ids], binary=True)
        vectors = [vector for vector, in cursor]
    bulk.insert(Article, rows, binary_columns={"search_vector": ("tsvector", vectors)})
