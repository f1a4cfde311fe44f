"""Full-text search storage, kept current by the database itself (see clippings/search.py).

Triggers rather than Python signals, so that every way of writing keeps the index current: save(),
the importer's bulk_create/bulk_update, queryset.update(), and the admin's topic and provider edits.

What is indexed, by weight (the same on both databases):
  articles:        A title, B topic names, C excerpt, D provider name
  press releases:  A title,                C body,    D organization and dateline

Provider and topic names live in other tables: they are denormalised into the index, and triggers
on clippings_article_topics, clippings_topic and clippings_provider refresh the articles concerned.

PostgreSQL: a `search_vector` tsvector column on each table (not a model field), filled by a
BEFORE trigger, with a GIN index. Refreshing an article means `UPDATE ... SET search_vector = NULL`,
which the trigger recomputes. (Since migration 0010 two functions define an article's vector, and the
importer computes new articles' vectors for a whole batch at once.)
SQLite: an FTS5 table per model (rowid = the record's id) holding a copy of the indexed text, kept
by AFTER triggers.

Caution for later migrations: on SQLite, an operation that rebuilds clippings_article,
clippings_pressrelease, clippings_topic or clippings_provider (Django copies the table to a new one)
drops these triggers. tests/test_search.py fails when that happens; recreate them in that migration.
"""

from django.db import migrations

from clippings.migrations._operations import RunSQLOn

# ---------------------------------------------------------------------------------------------
# PostgreSQL

PG_ARTICLE_TOPICS = """coalesce((
    SELECT string_agg(t.name, ' ' ORDER BY t.name)
    FROM clippings_article_topics l JOIN clippings_topic t ON t.id = l.topic_id
    WHERE l.article_id = NEW.id), '')"""

POSTGRESQL = [
    "ALTER TABLE clippings_article ADD COLUMN search_vector tsvector",
    f"""
    CREATE FUNCTION clippings_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', {PG_ARTICLE_TOPICS}), 'B')
            || setweight(to_tsvector('english', coalesce(NEW.excerpt, '')), 'C')
            || setweight(to_tsvector('english', coalesce(
                   (SELECT p.name FROM clippings_provider p WHERE p.id = NEW.provider_id), '')), 'D');
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER clippings_article_search BEFORE INSERT OR UPDATE OF title, excerpt, provider_id, search_vector
    ON clippings_article FOR EACH ROW EXECUTE FUNCTION clippings_article_search_vector()
    """,
    # Tagging and untagging: one UPDATE per statement, however many links it wrote.
    """
    CREATE FUNCTION clippings_article_topics_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE clippings_article SET search_vector = NULL WHERE id IN (SELECT article_id FROM new_links);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE clippings_article SET search_vector = NULL WHERE id IN (SELECT article_id FROM old_links);
        ELSE
            UPDATE clippings_article SET search_vector = NULL
            WHERE id IN (SELECT article_id FROM old_links UNION SELECT article_id FROM new_links);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER clippings_article_topics_search_insert AFTER INSERT ON clippings_article_topics
    REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION clippings_article_topics_search()
    """,
    """
    CREATE TRIGGER clippings_article_topics_search_delete AFTER DELETE ON clippings_article_topics
    REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION clippings_article_topics_search()
    """,
    """
    CREATE TRIGGER clippings_article_topics_search_update AFTER UPDATE ON clippings_article_topics
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION clippings_article_topics_search()
    """,
    """
    CREATE FUNCTION clippings_topic_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE clippings_article SET search_vector = NULL
        WHERE id IN (SELECT article_id FROM clippings_article_topics WHERE topic_id = NEW.id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER clippings_topic_search AFTER UPDATE OF name ON clippings_topic
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION clippings_topic_search()
    """,
    """
    CREATE FUNCTION clippings_provider_search() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE clippings_article SET search_vector = NULL WHERE provider_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER clippings_provider_search AFTER UPDATE OF name ON clippings_provider
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION clippings_provider_search()
    """,
    "UPDATE clippings_article SET search_vector = NULL",
    "CREATE INDEX clippings_article_search_vector ON clippings_article USING gin (search_vector)",
    # Press releases: everything indexed is on the row itself.
    "ALTER TABLE clippings_pressrelease ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION clippings_pressrelease_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C')
            || setweight(to_tsvector('english',
                   coalesce(NEW.organization, '') || ' ' || coalesce(NEW.dateline, '')), 'D');
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER clippings_pressrelease_search
    BEFORE INSERT OR UPDATE OF title, body, organization, dateline, search_vector
    ON clippings_pressrelease FOR EACH ROW EXECUTE FUNCTION clippings_pressrelease_search_vector()
    """,
    "UPDATE clippings_pressrelease SET search_vector = NULL",
    "CREATE INDEX clippings_pressrelease_search_vector ON clippings_pressrelease USING gin (search_vector)",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER clippings_pressrelease_search ON clippings_pressrelease",
    "DROP FUNCTION clippings_pressrelease_search_vector()",
    "ALTER TABLE clippings_pressrelease DROP COLUMN search_vector",
    "DROP TRIGGER clippings_provider_search ON clippings_provider",
    "DROP FUNCTION clippings_provider_search()",
    "DROP TRIGGER clippings_topic_search ON clippings_topic",
    "DROP FUNCTION clippings_topic_search()",
    "DROP TRIGGER clippings_article_topics_search_insert ON clippings_article_topics",
    "DROP TRIGGER clippings_article_topics_search_delete ON clippings_article_topics",
    "DROP TRIGGER clippings_article_topics_search_update ON clippings_article_topics",
    "DROP FUNCTION clippings_article_topics_search()",
    "DROP TRIGGER clippings_article_search ON clippings_article",
    "DROP FUNCTION clippings_article_search_vector()",
    "ALTER TABLE clippings_article DROP COLUMN search_vector",
]

# ---------------------------------------------------------------------------------------------
# SQLite

# The tokenizer closest to PostgreSQL's 'english' configuration: Porter stemming, case folded,
# accents kept (PostgreSQL keeps them too without the unaccent extension).
FTS5_OPTIONS = "tokenize = 'porter unicode61 remove_diacritics 0'"


def sqlite_topics(article_id: str) -> str:
    return f"""(SELECT group_concat(t.name, ' ')
        FROM clippings_article_topics l JOIN clippings_topic t ON t.id = l.topic_id
        WHERE l.article_id = {article_id})"""


SQLITE_INSERT_ARTICLE = f"""
    INSERT INTO clippings_article_fts (rowid, title, topics, excerpt, provider) VALUES (
        NEW.id, NEW.title, {sqlite_topics('NEW.id')}, NEW.excerpt,
        (SELECT p.name FROM clippings_provider p WHERE p.id = NEW.provider_id));
"""
SQLITE_INSERT_PRESS_RELEASE = """
    INSERT INTO clippings_pressrelease_fts (rowid, title, body, organization)
    VALUES (NEW.id, NEW.title, NEW.body, coalesce(NEW.organization, '') || ' ' || coalesce(NEW.dateline, ''));
"""

SQLITE = [
    f"CREATE VIRTUAL TABLE clippings_article_fts USING fts5(title, topics, excerpt, provider, {FTS5_OPTIONS})",
    f"CREATE TRIGGER clippings_article_fts_insert AFTER INSERT ON clippings_article BEGIN {SQLITE_INSERT_ARTICLE} END",
    f"""
    CREATE TRIGGER clippings_article_fts_update AFTER UPDATE OF id, title, excerpt, provider_id ON clippings_article
    BEGIN
        DELETE FROM clippings_article_fts WHERE rowid = OLD.id;
        {SQLITE_INSERT_ARTICLE}
    END
    """,
    """
    CREATE TRIGGER clippings_article_fts_delete AFTER DELETE ON clippings_article
    BEGIN DELETE FROM clippings_article_fts WHERE rowid = OLD.id; END
    """,
    f"""
    CREATE TRIGGER clippings_article_topics_fts_insert AFTER INSERT ON clippings_article_topics
    BEGIN
        UPDATE clippings_article_fts SET topics = {sqlite_topics('NEW.article_id')} WHERE rowid = NEW.article_id;
    END
    """,
    f"""
    CREATE TRIGGER clippings_article_topics_fts_delete AFTER DELETE ON clippings_article_topics
    BEGIN
        UPDATE clippings_article_fts SET topics = {sqlite_topics('OLD.article_id')} WHERE rowid = OLD.article_id;
    END
    """,
    f"""
    CREATE TRIGGER clippings_article_topics_fts_update AFTER UPDATE ON clippings_article_topics
    BEGIN
        UPDATE clippings_article_fts SET topics = {sqlite_topics('OLD.article_id')} WHERE rowid = OLD.article_id;
        UPDATE clippings_article_fts SET topics = {sqlite_topics('NEW.article_id')} WHERE rowid = NEW.article_id;
    END
    """,
    f"""
    CREATE TRIGGER clippings_topic_fts_rename AFTER UPDATE OF name ON clippings_topic WHEN OLD.name IS NOT NEW.name
    BEGIN
        UPDATE clippings_article_fts SET topics = {sqlite_topics('clippings_article_fts.rowid')}
        WHERE rowid IN (SELECT article_id FROM clippings_article_topics WHERE topic_id = NEW.id);
    END
    """,
    """
    CREATE TRIGGER clippings_provider_fts_rename AFTER UPDATE OF name ON clippings_provider
    WHEN OLD.name IS NOT NEW.name
    BEGIN
        UPDATE clippings_article_fts SET provider = NEW.name
        WHERE rowid IN (SELECT id FROM clippings_article WHERE provider_id = NEW.id);
    END
    """,
    f"""
    INSERT INTO clippings_article_fts (rowid, title, topics, excerpt, provider)
    SELECT a.id, a.title, {sqlite_topics('a.id')}, a.excerpt, p.name
    FROM clippings_article a LEFT JOIN clippings_provider p ON p.id = a.provider_id
    """,
    f"CREATE VIRTUAL TABLE clippings_pressrelease_fts USING fts5(title, body, organization, {FTS5_OPTIONS})",
    f"""
    CREATE TRIGGER clippings_pressrelease_fts_insert AFTER INSERT ON clippings_pressrelease
    BEGIN {SQLITE_INSERT_PRESS_RELEASE} END
    """,
    f"""
    CREATE TRIGGER clippings_pressrelease_fts_update
    AFTER UPDATE OF id, title, body, organization, dateline ON clippings_pressrelease
    BEGIN
        DELETE FROM clippings_pressrelease_fts WHERE rowid = OLD.id;
        {SQLITE_INSERT_PRESS_RELEASE}
    END
    """,
    """
    CREATE TRIGGER clippings_pressrelease_fts_delete AFTER DELETE ON clippings_pressrelease
    BEGIN DELETE FROM clippings_pressrelease_fts WHERE rowid = OLD.id; END
    """,
    """
    INSERT INTO clippings_pressrelease_fts (rowid, title, body, organization)
    SELECT id, title, body, coalesce(organization, '') || ' ' || coalesce(dateline, '') FROM clippings_pressrelease
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER clippings_pressrelease_fts_delete",
    "DROP TRIGGER clippings_pressrelease_fts_update",
    "DROP TRIGGER clippings_pressrelease_fts_insert",
    "DROP TABLE clippings_pressrelease_fts",
    "DROP TRIGGER clippings_provider_fts_rename",
    "DROP TRIGGER clippings_topic_fts_rename",
    "DROP TRIGGER clippings_article_topics_fts_update",
    "DROP TRIGGER clippings_article_topics_fts_delete",
    "DROP TRIGGER clippings_article_topics_fts_insert",
    "DROP TRIGGER clippings_article_fts_delete",
    "DROP TRIGGER clippings_article_fts_update",
    "DROP TRIGGER clippings_article_fts_insert",
    "DROP TABLE clippings_article_fts",
]


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0002_editorial_groups"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
    ]
