-- ChannelWatch store, PostgreSQL with PostGIS, version 1 (in the schema named by the store).
-- Positions are PostGIS points (SRID 4326) generated from lat/lon, with GiST indexes.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('ledger_applied', '-1');

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    centre TEXT,
    display_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    token_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE revoked_tokens (token_id TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL);

-- rows that come from ledger entries are keyed by the entry's index (the cursor of lists)
CREATE TABLE contacts (
    ledger_index BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    received_by TEXT NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX contacts_time ON contacts (time);
CREATE INDEX contacts_geom ON contacts USING GIST (geom);

CREATE TABLE tracks (
    track_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    active BOOLEAN NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX tracks_geom ON tracks USING GIST (geom);

CREATE TABLE track_points (
    track_id TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    sog_kn DOUBLE PRECISION,
    cog_deg DOUBLE PRECISION,
    PRIMARY KEY (track_id, time)
);
CREATE INDEX track_points_geom ON track_points USING GIST (geom);

CREATE TABLE case_events (
    ledger_index BIGINT PRIMARY KEY,
    case_id TEXT,
    type TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    payload JSONB NOT NULL,
    policy_hash TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, ledger_index);

CREATE TABLE alerts (
    ledger_index BIGINT PRIMARY KEY,
    alert_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    message TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    track_id TEXT,
    case_id TEXT,
    centre TEXT,
    details JSONB NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ
);
CREATE INDEX alerts_time ON alerts (time);
CREATE INDEX alerts_geom ON alerts USING GIST (geom);

CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    case_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    ledger_index BIGINT NOT NULL,
    summary JSONB NOT NULL,
    body JSONB NOT NULL
);
CREATE INDEX documents_case ON documents (case_id, created_at);
