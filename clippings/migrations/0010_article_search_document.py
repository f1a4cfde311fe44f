"""PostgreSQL: an article's search vector is defined once, by two functions:
`clippings_article_document(title, excerpt, topic names, provider name)` and
`clippings_article_topic_names(article ids)`. Migration 0003's trigger now calls them, and so does
the importer, for all of a batch's new articles in one query (`clippings.search.insert_articles`):
the trigger looked up each new article's topics and provider with queries of its own, a join does
it for all of them at once (10,000 documents, about 9,800 new articles: 0.3 s less of the
server's CPU, of 3.1 s; docs/benchmarks.md).

So the trigger leaves an INSERT's search vector as it is when the INSERT brings one. Nothing else
writes that column (it is not a model field); an UPDATE always recomputes it, as before. What is
indexed, and with which weight, does not change (tests/test_search.py compares both ways).
"""

from django.db import migrations

from clippings.migrations._operations import RunSQLOn

FORWARDS = [
    # Weights as migration 0003 gives them: A title, B topic names, C excerpt, D provider name.
    """
    CREATE FUNCTION clippings_article_document(title text, excerpt text, topics text, provider text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(topics, '')), 'B')
            || setweight(to_tsvector('english', coalesce(excerpt, '')), 'C')
            || setweight(to_tsvector('english', coalesce(provider, '')), 'D')
    $$
    """,
    # The topic names of some articles, in the order they are indexed (the order sets the words'
    # positions, which phrases match on). A function rather than a view: PostgreSQL would refuse
    # to alter a column a view uses (a longer topic name, say); a simple SQL function is inlined
    # into the query that calls it, so the article ids still pick the rows by index.
    """
    CREATE FUNCTION clippings_article_topic_names(articles bigint[])
    RETURNS TABLE (article_id bigint, names text) LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT link.article_id, string_agg(topic.name, ' ' ORDER BY topic.name)
        FROM clippings_article_topics link JOIN clippings_topic topic ON topic.id = link.topic_id
        WHERE link.article_id = ANY(articles)
        GROUP BY link.article_id
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION clippings_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
            RETURN NEW;  -- computed with the row, by clippings.search.insert_articles
        END IF;
        NEW.search_vector := clippings_article_document(
            NEW.title, NEW.excerpt,
            (SELECT names FROM clippings_article_topic_names(ARRAY[NEW.id])),
            (SELECT name FROM clippings_provider WHERE id = NEW.provider_id));
        RETURN NEW;
    END $$
    """,
]

PG_ARTICLE_TOPICS = """coalesce((
    SELECT string_agg(t.name, ' ' ORDER BY t.name)
    FROM clippings_article_topics l JOIN clippings_topic t ON t.id = l.topic_id
    WHERE l.article_id = NEW.id), '')"""
PG_ARTICLE_PROVIDER = "(SELECT p.name FROM clippings_provider p WHERE p.id = NEW.provider_id)"

# Migration 0003's trigger function, as it was.
BACKWARDS = [
    f"""
    CREATE OR REPLACE FUNCTION clippings_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', {PG_ARTICLE_TOPICS}), 'B')
            || setweight(to_tsvector('english', coalesce(NEW.excerpt, '')), 'C')
            || setweight(to_tsvector('english', coalesce({PG_ARTICLE_PROVIDER}, '')), 'D');
        RETURN NEW;
    END $$
    """,
    "DROP FUNCTION clippings_article_topic_names(bigint[])",
    "DROP FUNCTION clippings_article_document(text, text, text, text)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0009_drop_indexes_covered_by_others"),
    ]

    operations = [
        RunSQLOn("postgresql", FORWARDS, BACKWARDS),
    ]
