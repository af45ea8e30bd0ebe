#include "core/rm.h"
#include "store/schema.h"

/* Times are Unix seconds (UTC) unless a column says _ms. JSON columns hold arrays of strings.
 * Never edit a migration that has shipped: add the next one. */
static const char v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    /* The per-database secret behind pseudonymous ids in exports (store/privacy.h). SQLite's
     * randomblob() draws from the OS's entropy. */
    "INSERT INTO meta(key, value) VALUES ('pseudonym_key', lower(hex(randomblob(32))));\n"
    "CREATE TABLE jobs(\n"
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);\n"
    "CREATE TABLE runs(\n"
    "  id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id),\n"
    "  started_at INTEGER NOT NULL, ended_at INTEGER,\n"
    "  outcome TEXT NOT NULL DEFAULT 'running',\n"  /* running|done|stopped|failed */
    "  pages INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,\n"
    "  status_2xx INTEGER NOT NULL DEFAULT 0, status_3xx INTEGER NOT NULL DEFAULT 0,\n"
    "  status_4xx INTEGER NOT NULL DEFAULT 0, status_5xx INTEGER NOT NULL DEFAULT 0,\n"
    "  not_modified INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,\n"
    "  retries INTEGER NOT NULL DEFAULT 0, robots_denied INTEGER NOT NULL DEFAULT 0,\n"
    "  bad_pages INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,\n"
    "  new_reviews INTEGER NOT NULL DEFAULT 0, price_changes INTEGER NOT NULL DEFAULT 0,\n"
    "  duration_ms INTEGER NOT NULL DEFAULT 0, stats TEXT);\n"
    "CREATE INDEX runs_job ON runs(job_id, started_at);\n"
    "CREATE TABLE hosts(\n"
    "  host TEXT PRIMARY KEY, robots_status INTEGER, robots_body TEXT,\n"
    "  robots_fetched_at INTEGER) WITHOUT ROWID;\n"
    /* state: 0 queued, 1 done, 2 failed, 3 denied by robots.txt, 4 skipped by policy */
    "CREATE TABLE frontier(\n"
    "  id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id),\n"
    "  url TEXT NOT NULL, host TEXT NOT NULL, kind INTEGER NOT NULL DEFAULT 0,\n"
    "  depth INTEGER NOT NULL DEFAULT 0, priority INTEGER NOT NULL DEFAULT 0,\n"
    "  state INTEGER NOT NULL DEFAULT 0, next_fetch_ms INTEGER NOT NULL DEFAULT 0,\n"
    "  run_id INTEGER, status INTEGER, etag TEXT, last_modified TEXT, content_hash TEXT,\n"
    "  fetched_at INTEGER, failures INTEGER NOT NULL DEFAULT 0, last_error TEXT,\n"
    "  discovered_at INTEGER NOT NULL, UNIQUE(job_id, url));\n"
    "CREATE INDEX frontier_queue ON frontier(job_id, state, priority DESC, id);\n"
    "CREATE TABLE pages(\n"
    "  url TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, content_type TEXT,\n"
    "  raw_len INTEGER NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE sites(id INTEGER PRIMARY KEY, host TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE products(\n"
    "  id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id),\n"
    "  url TEXT NOT NULL UNIQUE, schema_type TEXT, name TEXT, sku TEXT, brand TEXT,\n"
    "  category TEXT, price REAL, currency TEXT, rating REAL, rating_count INTEGER,\n"
    "  review_count INTEGER, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,\n"
    "  gone_at INTEGER);\n"
    "CREATE INDEX products_sku ON products(site_id, sku);\n"
    "CREATE TABLE prices(\n"
    "  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,\n"
    "  seen_at INTEGER NOT NULL, price REAL NOT NULL, currency TEXT);\n"
    "CREATE INDEX prices_product ON prices(product_id, seen_at);\n"
    "CREATE TABLE profiles(\n"
    "  id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, platform TEXT, handle TEXT,\n"
    "  name TEXT, city TEXT, country TEXT, gender TEXT, birth_year INTEGER, bio TEXT,\n"
    "  interests TEXT, followers INTEGER, following INTEGER, joined TEXT, links TEXT,\n"
    "  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);\n"
    "CREATE INDEX profiles_handle ON profiles(handle);\n"
    "CREATE TABLE reviews(\n"
    "  id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id),\n"
    "  review_key TEXT NOT NULL, product_id INTEGER REFERENCES products(id),\n"
    "  product_ref TEXT, page_url TEXT, ext_id TEXT, author TEXT, author_url TEXT,\n"
    "  profile_id INTEGER REFERENCES profiles(id), rating REAL, date TEXT, title TEXT,\n"
    "  body TEXT, text_hash TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,\n"
    "  gone_at INTEGER, UNIQUE(site_id, review_key));\n"
    "CREATE INDEX reviews_product ON reviews(product_id);\n"
    "CREATE INDEX reviews_product_ref ON reviews(product_ref) WHERE product_id IS NULL;\n"
    "CREATE INDEX reviews_author_url ON reviews(author_url);\n"
    "CREATE INDEX reviews_profile ON reviews(profile_id);\n"
    "CREATE INDEX reviews_page ON reviews(page_url);\n"
    "CREATE TABLE sentiment(\n"
    "  review_id INTEGER PRIMARY KEY REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  score REAL NOT NULL, label TEXT NOT NULL, lang TEXT NOT NULL,\n"
    "  scored_at INTEGER NOT NULL);\n"
    "CREATE TABLE aspects(\n"
    "  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  aspect TEXT NOT NULL, score REAL NOT NULL, label TEXT NOT NULL,\n"
    "  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, term TEXT);\n"
    "CREATE INDEX aspects_review ON aspects(review_id);\n"
    "CREATE INDEX aspects_aspect ON aspects(aspect);\n"
    "CREATE TABLE review_terms(\n"
    "  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  term TEXT NOT NULL, valence REAL NOT NULL);\n"
    "CREATE INDEX review_terms_review ON review_terms(review_id);\n"
    "CREATE VIRTUAL TABLE reviews_fts USING fts5(\n"
    "  title, body, content='reviews', content_rowid='id',\n"
    "  tokenize='unicode61 remove_diacritics 2');\n"
    "CREATE TRIGGER reviews_fts_ai AFTER INSERT ON reviews BEGIN\n"
    "  INSERT INTO reviews_fts(rowid, title, body) VALUES (new.id, new.title, new.body);\n"
    "END;\n"
    "CREATE TRIGGER reviews_fts_ad AFTER DELETE ON reviews BEGIN\n"
    "  INSERT INTO reviews_fts(reviews_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.id, old.title, old.body);\n"
    "END;\n"
    "CREATE TRIGGER reviews_fts_au AFTER UPDATE OF title, body ON reviews BEGIN\n"
    "  INSERT INTO reviews_fts(reviews_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.id, old.title, old.body);\n"
    "  INSERT INTO reviews_fts(rowid, title, body) VALUES (new.id, new.title, new.body);\n"
    "END;\n";

/* Scheduled runs: how many products a complete run found gone (products.gone_at), and each
 * job's schedule and next run as the daemon last computed them, for `revmine status`. */
static const char v2_schedules[] =
    "ALTER TABLE runs ADD COLUMN gone_products INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE jobs ADD COLUMN schedule TEXT;\n"
    "ALTER TABLE jobs ADD COLUMN next_run_at INTEGER;\n";


/* Portraits (store/portrait.h) and the privacy tables (store/forget.h). Every portrait table
 * is derived from profiles and reviews: a full rebuild recreates it. portrait_dirty is the
 * incremental rebuild's work list, filled by triggers when a profile or review changes in a
 * way a portrait can see (not on mere last_seen refreshes). */
/* Inside a trigger, INSERT OR IGNORE is not enough: the conflict policy of the statement that
 * fires it (INSERT OR ABORT, say) replaces the trigger's own. An upsert's DO NOTHING is not a
 * conflict policy and holds whatever fired it. It also needs no DISTINCT or NOT IN over the
 * table being filled, which made SQLite build a temporary table on every firing (schema v5). */
#define MARK_DIRTY(sel)                                                                         \
    "  INSERT INTO portrait_dirty(profile_id) SELECT d.id FROM (" sel ") d\n"                   \
    "    WHERE d.id IS NOT NULL ON CONFLICT DO NOTHING;\n"

/* The triggers that fill portrait_dirty (schema v3, rewritten in v5). */
#define PORTRAIT_TRIGGERS                                                                       \
    "CREATE TRIGGER portrait_profile_ai AFTER INSERT ON profiles BEGIN\n"                       \
    MARK_DIRTY("SELECT new.id AS id")                                                           \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_profile_au AFTER UPDATE ON profiles\n"                             \
    "WHEN old.handle IS NOT new.handle OR old.links IS NOT new.links\n"                         \
    "  OR old.name IS NOT new.name OR old.city IS NOT new.city\n"                               \
    "  OR old.country IS NOT new.country OR old.gender IS NOT new.gender\n"                     \
    "  OR old.birth_year IS NOT new.birth_year OR old.interests IS NOT new.interests\n"         \
    "  OR old.platform IS NOT new.platform OR old.followers IS NOT new.followers BEGIN\n"       \
    MARK_DIRTY("SELECT new.id AS id")                                                           \
    "END;\n"                                                                                    \
    /* Before the delete: the members' cascade would hide which portrait the profile was in. */ \
    "CREATE TRIGGER portrait_profile_bd BEFORE DELETE ON profiles BEGIN\n"                      \
    MARK_DIRTY("SELECT m.profile_id AS id FROM portrait_members m WHERE m.portrait_id = "       \
               "(SELECT portrait_id FROM portrait_members WHERE profile_id = old.id) "          \
               "AND m.profile_id <> old.id")                                                    \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_review_ai AFTER INSERT ON reviews\n"                               \
    "WHEN new.profile_id IS NOT NULL BEGIN\n"                                                   \
    MARK_DIRTY("SELECT new.profile_id AS id")                                                   \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_review_au AFTER UPDATE ON reviews\n"                               \
    "WHEN old.profile_id IS NOT new.profile_id OR old.rating IS NOT new.rating\n"               \
    "  OR old.date IS NOT new.date OR old.product_id IS NOT new.product_id\n"                   \
    "  OR old.text_hash IS NOT new.text_hash BEGIN\n"                                           \
    MARK_DIRTY("SELECT old.profile_id AS id UNION ALL SELECT new.profile_id")                   \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_review_ad AFTER DELETE ON reviews\n"                               \
    "WHEN old.profile_id IS NOT NULL BEGIN\n"                                                   \
    MARK_DIRTY("SELECT old.profile_id AS id")                                                   \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_product_au AFTER UPDATE OF price ON products\n"                    \
    "WHEN old.price IS NOT new.price BEGIN\n"                                                   \
    MARK_DIRTY("SELECT profile_id AS id FROM reviews WHERE product_id = new.id")                \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_sentiment_ai AFTER INSERT ON sentiment BEGIN\n"                    \
    MARK_DIRTY("SELECT profile_id AS id FROM reviews WHERE id = new.review_id")                 \
    "END;\n"                                                                                    \
    "CREATE TRIGGER portrait_sentiment_au AFTER UPDATE ON sentiment BEGIN\n"                    \
    MARK_DIRTY("SELECT profile_id AS id FROM reviews WHERE id = new.review_id")                 \
    "END;\n"

static const char v3_portraits[] =
    "CREATE TABLE portraits(\n"
    "  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, built_at INTEGER NOT NULL,\n"
    "  profiles INTEGER NOT NULL, name TEXT, city TEXT, country TEXT, gender TEXT,\n"
    "  birth_year INTEGER, interests TEXT, reviews INTEGER NOT NULL DEFAULT 0,\n"
    "  first_review TEXT, last_review TEXT, cadence_days REAL, categories TEXT,\n"
    "  price_level REAL, mean_rating REAL, mean_sentiment REAL, attitude REAL, stance TEXT,\n"
    "  aspects TEXT, segments TEXT, followers INTEGER);\n"
    "CREATE TABLE portrait_members(\n"
    "  profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,\n"
    "  portrait_id INTEGER NOT NULL REFERENCES portraits(id) ON DELETE CASCADE);\n"
    "CREATE INDEX portrait_members_portrait ON portrait_members(portrait_id);\n"
    /* kind: 'link' (a URL the profile links to) or 'handle' (folded handle). */
    "CREATE TABLE profile_keys(\n"
    "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,\n"
    "  kind TEXT NOT NULL, value TEXT NOT NULL);\n"
    "CREATE INDEX profile_keys_value ON profile_keys(kind, value);\n"
    "CREATE INDEX profile_keys_profile ON profile_keys(profile_id);\n"
    /* Either profile_b (profile to profile) or review_id (review to its author's profile). */
    "CREATE TABLE identity_links(\n"
    "  profile_a INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,\n"
    "  profile_b INTEGER REFERENCES profiles(id) ON DELETE CASCADE,\n"
    "  review_id INTEGER REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  reason TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT,\n"
    "  CHECK ((profile_b IS NULL) <> (review_id IS NULL)));\n"
    "CREATE INDEX identity_links_a ON identity_links(profile_a);\n"
    "CREATE INDEX identity_links_b ON identity_links(profile_b);\n"
    "CREATE INDEX identity_links_review ON identity_links(review_id);\n"
    "CREATE TABLE portrait_tags(\n"
    "  portrait_id INTEGER NOT NULL REFERENCES portraits(id) ON DELETE CASCADE,\n"
    "  tag TEXT NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY(portrait_id, tag));\n"
    "CREATE TABLE portrait_dirty(profile_id INTEGER PRIMARY KEY);\n"
    /* The median product price each site had at the last update: when it moves, every price
     * level on the site is stale. */
    "CREATE TABLE portrait_sites(site_id INTEGER PRIMARY KEY, median REAL);\n"
    /* Keyed hashes (rm_pseudonym) of forgotten profile URLs: never stored again. */
    "CREATE TABLE forgotten(hash TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;\n"
    PORTRAIT_TRIGGERS
    /* A database from before portraits gets them at the next rebuild. */
    "INSERT INTO portrait_dirty SELECT id FROM profiles;\n";

/* Search indexing in bulk. FTS5 writes its pending index out as a new segment at every
 * savepoint, and SQLite opens one for each statement that fires triggers, so indexing each
 * review as it is inserted wrote (and later merged) one tiny segment per review. The crawl's
 * writer now puts a row in fts_defer inside its own transaction (never committed: the row is
 * deleted before COMMIT) and indexes the batch's new reviews with one statement at its end;
 * any other insert is still indexed by the trigger. The update trigger fires only when the
 * text changed, not whenever title or body appear in an UPDATE. */
static const char v4_bulk_search[] =
    "CREATE TABLE fts_defer(x INTEGER);\n"
    "DROP TRIGGER reviews_fts_ai;\n"
    "CREATE TRIGGER reviews_fts_ai AFTER INSERT ON reviews\n"
    "WHEN NOT EXISTS (SELECT 1 FROM fts_defer) BEGIN\n"
    "  INSERT INTO reviews_fts(rowid, title, body) VALUES (new.id, new.title, new.body);\n"
    "END;\n"
    "DROP TRIGGER reviews_fts_au;\n"
    "CREATE TRIGGER reviews_fts_au AFTER UPDATE OF title, body ON reviews\n"
    "WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN\n"
    "  INSERT INTO reviews_fts(reviews_fts, rowid, title, body)\n"
    "    VALUES ('delete', old.id, old.title, old.body);\n"
    "  INSERT INTO reviews_fts(rowid, title, body) VALUES (new.id, new.title, new.body);\n"
    "END;\n";

/* Portrait triggers without a temporary table per firing (see MARK_DIRTY): on a first crawl the
 * sentiment and review triggers fire for every review, and building and dropping that table
 * was about 3% of the crawl's CPU. */
static const char v5_dirty_upsert[] =
    "DROP TRIGGER portrait_profile_ai;\n"
    "DROP TRIGGER portrait_profile_au;\n"
    "DROP TRIGGER portrait_profile_bd;\n"
    "DROP TRIGGER portrait_review_ai;\n"
    "DROP TRIGGER portrait_review_au;\n"
    "DROP TRIGGER portrait_review_ad;\n"
    "DROP TRIGGER portrait_product_au;\n"
    "DROP TRIGGER portrait_sentiment_ai;\n"
    "DROP TRIGGER portrait_sentiment_au;\n"
    PORTRAIT_TRIGGERS;

/* Aspects and review terms, keyed by review. Both were rowid tables with secondary indexes
 * (aspects two, review_terms one): three and two b-tree inserts per row, for about 50k aspect
 * and 90k term rows on the bench crawl. Keyed by (review, ...) WITHOUT ROWID they are one
 * b-tree each, and the key is the lookup every reader makes (a review's aspects, a
 * review's terms, the cascade on delete). An aspect is one per (review, clause start, aspect),
 * as rm_aspects_find() reports them. A term is one row per review with its mean valence, the
 * value the keyword queries computed from the per-mention rows anyway. */
static const char v6_keyed_aspects[] =
    "CREATE TABLE aspects_v6(\n"
    "  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  aspect TEXT NOT NULL, score REAL NOT NULL, label TEXT NOT NULL,\n"
    "  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, term TEXT,\n"
    "  PRIMARY KEY(review_id, span_start, aspect)) WITHOUT ROWID;\n"
    "INSERT OR IGNORE INTO aspects_v6 SELECT review_id, aspect, score, label, span_start,\n"
    "  span_end, term FROM aspects ORDER BY rowid;\n"
    "DROP TABLE aspects;\n"
    "ALTER TABLE aspects_v6 RENAME TO aspects;\n"
    "CREATE TABLE review_terms_v6(\n"
    "  review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,\n"
    "  term TEXT NOT NULL, valence REAL NOT NULL,\n"
    "  PRIMARY KEY(review_id, term)) WITHOUT ROWID;\n"
    "INSERT INTO review_terms_v6 SELECT review_id, term, avg(valence) FROM review_terms\n"
    "  GROUP BY review_id, term;\n"
    "DROP TABLE review_terms;\n"
    "ALTER TABLE review_terms_v6 RENAME TO review_terms;\n";

const char *const rm_schema_migrations[] = {v1, v2_schedules, v3_portraits, v4_bulk_search,
                                            v5_dirty_upsert, v6_keyed_aspects};
const size_t rm_schema_n_migrations = RM_ARRAY_LEN(rm_schema_migrations);
