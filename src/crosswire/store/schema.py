"""The store's schema: named migrations, applied in order, and the tables a user may export."""

from __future__ import annotations

DEFAULT_DB = "crosswire.duckdb"

#: Named migrations, applied in order, each in its own transaction. Never edit one that shipped:
#: add a new one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_articles",
        """
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            outlet VARCHAR,
            outlet_guess VARCHAR,
            outlet_confidence DOUBLE,
            outlet_method VARCHAR,
            outlet_evidence VARCHAR,
            url VARCHAR,
            title VARCHAR,
            author VARCHAR,
            published_year INTEGER,
            published_month INTEGER,
            published_day INTEGER,
            published_precision VARCHAR,
            published_provenance VARCHAR,
            published_confidence DOUBLE,
            published_evidence VARCHAR,
            published_not_before DATE,
            language VARCHAR,
            source VARCHAR,
            source_line INTEGER,
            format VARCHAR,
            encoding VARCHAR,
            body VARCHAR,
            original VARCHAR,
            ingested_at TIMESTAMP
        );
        CREATE TABLE segments (
            article_id VARCHAR, idx INTEGER, kind VARCHAR, text VARCHAR,
            start_char INTEGER, end_char INTEGER, removed BOOLEAN, reason VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE sentences (
            article_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE mentions (
            article_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
            label VARCHAR, sentence_idx INTEGER, canonical_id VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE rejections (
            source VARCHAR NOT NULL, line INTEGER NOT NULL, stage VARCHAR, code VARCHAR NOT NULL,
            reason VARCHAR, first_seen TIMESTAMP,
            PRIMARY KEY (source, line, code)
        );
        """,
    ),
    (
        "0002_place_mentions",
        """
        CREATE TABLE place_mentions (
            article_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
            sentence_idx INTEGER, place_id VARCHAR, name VARCHAR, feature_class VARCHAR, feature_code VARCHAR,
            country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE, population BIGINT, source VARCHAR,
            citation VARCHAR, precision VARCHAR, confidence DOUBLE, reason VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        """,
    ),
    (
        "0003_actor_mentions",
        """
        CREATE TABLE actor_mentions (
            article_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
            sentence_idx INTEGER, actor_id VARCHAR, name VARCHAR, type VARCHAR, country VARCHAR,
            affiliation VARCHAR, parent VARCHAR, method VARCHAR, confidence DOUBLE, role VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        """,
    ),
    (
        "0004_events",
        """
        CREATE TABLE events (
            article_id VARCHAR, idx INTEGER, event_id VARCHAR,
            acled_type VARCHAR, acled_subtype VARCHAR, plover_root VARCHAR, plover_mode VARCHAR,
            actor_id VARCHAR, actor_name VARCHAR, actor_text VARCHAR,
            target_id VARCHAR, target_name VARCHAR, target_text VARCHAR,
            place_id VARCHAR, place_name VARCHAR, country VARCHAR, admin1 VARCHAR, lat DOUBLE, lon DOUBLE,
            place_precision VARCHAR,
            date_year INTEGER, date_month INTEGER, date_day INTEGER, date_precision VARCHAR, date_text VARCHAR,
            modality VARCHAR, claim_kind VARCHAR, claimant VARCHAR, claimant_org VARCHAR, claim_chain VARCHAR,
            claim_text VARCHAR, trigger VARCHAR, fatalities DOUBLE, evidence VARCHAR,
            confidence DOUBLE, reliable BOOLEAN, record JSON,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE flags (
            article_id VARCHAR, idx INTEGER, kind VARCHAR, message VARCHAR, record JSON,
            PRIMARY KEY (article_id, idx)
        );
        """,
    ),
    (
        "0005_stories",
        """
        CREATE TABLE story_assignments (
            article_id VARCHAR PRIMARY KEY, story_id VARCHAR, score DOUBLE, is_new BOOLEAN,
            reasons JSON, assigned_at TIMESTAMP
        );
        CREATE INDEX story_assignments_story ON story_assignments (story_id);
        CREATE TABLE linking_state (name VARCHAR PRIMARY KEY, state JSON, saved_at TIMESTAMP);
        """,
    ),
    (
        "0006_framing",
        """
        CREATE TABLE framing (
            article_id VARCHAR PRIMARY KEY, sentences INTEGER, unattributed_share DOUBLE, tagger VARCHAR,
            record JSON
        );
        CREATE TABLE frame_spans (
            article_id VARCHAR, idx INTEGER, kind VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR,
            sentence_idx INTEGER, label VARCHAR, category VARCHAR, target_id VARCHAR, target_name VARCHAR,
            source VARCHAR, score DOUBLE, in_quote BOOLEAN,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE naming_choices (
            article_id VARCHAR, idx INTEGER, kind VARCHAR, canonical_id VARCHAR, canonical_name VARCHAR,
            surface VARCHAR, count INTEGER, method VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE attribution_shares (
            article_id VARCHAR, idx INTEGER, key VARCHAR, label VARCHAR, side VARCHAR, country VARCHAR,
            actor_type VARCHAR, attributed BOOLEAN, sentences INTEGER, share DOUBLE, speakers VARCHAR,
            PRIMARY KEY (article_id, idx)
        );
        """,
    ),
    (
        # Loading one article reads each of these tables by article_id alone. Their primary keys are
        # (article_id, idx), which DuckDB does not use for a filter on the first column, so every
        # lookup scanned the whole table (40 ms per table at 100,000 articles; 1 ms with these).
        "0007_indexes",
        """
        CREATE INDEX segments_article ON segments (article_id);
        CREATE INDEX sentences_article ON sentences (article_id);
        CREATE INDEX mentions_article ON mentions (article_id);
        CREATE INDEX place_mentions_article ON place_mentions (article_id);
        CREATE INDEX actor_mentions_article ON actor_mentions (article_id);
        CREATE INDEX events_article ON events (article_id);
        CREATE INDEX flags_article ON flags (article_id);
        CREATE INDEX frame_spans_article ON frame_spans (article_id);
        CREATE INDEX naming_choices_article ON naming_choices (article_id);
        CREATE INDEX attribution_shares_article ON attribution_shares (article_id);
        """,
    ),
    (
        # Built story responses of the web server, kept across restarts. A row is valid while its
        # signature (a hash of the story's article ids and the code version) matches the story's
        # current articles; a write that changes a story makes its row stale until rebuilt.
        "0008_story_cache",
        """
        CREATE TABLE story_cache (story_id VARCHAR PRIMARY KEY, signature VARCHAR, body BLOB, built_at TIMESTAMP);
        """,
    ),
)

#: Tables a user may export, with their columns in order.
EXPORT_TABLES = (
    "articles", "segments", "sentences", "mentions", "place_mentions", "actor_mentions", "events", "flags",
    "story_assignments", "frame_spans", "naming_choices", "attribution_shares", "rejections",
)  # fmt: skip
