-- ChannelWatch store, SQLite, version 1. Times are integer microseconds since 1970 UTC (t_us);
-- JSON bodies are text. Spatial lookups use R*Tree indexes kept by triggers.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('ledger_applied', '-1');

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    centre TEXT,
    display_name TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    demo INTEGER NOT NULL DEFAULT 0,
    token_version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE revoked_tokens (token_id TEXT PRIMARY KEY, expires_us INTEGER NOT NULL) WITHOUT ROWID;

-- rows that come from ledger entries are keyed by the entry's index (the cursor of lists)
CREATE TABLE contacts (
    ledger_index INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    received_by TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX contacts_time ON contacts (t_us);
CREATE VIRTUAL TABLE contacts_rtree USING rtree (id, lon0, lon1, lat0, lat1);
CREATE TRIGGER contacts_rtree_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_rtree VALUES (new.ledger_index, new.lon, new.lon, new.lat, new.lat);
END;

CREATE TABLE tracks (
    rid INTEGER PRIMARY KEY,
    track_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    active INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE VIRTUAL TABLE tracks_rtree USING rtree (id, lon0, lon1, lat0, lat1);
CREATE TRIGGER tracks_rtree_insert AFTER INSERT ON tracks BEGIN
    INSERT INTO tracks_rtree VALUES (new.rid, new.lon, new.lon, new.lat, new.lat);
END;
CREATE TRIGGER tracks_rtree_update AFTER UPDATE OF lat, lon ON tracks BEGIN
    UPDATE tracks_rtree SET lon0 = new.lon, lon1 = new.lon, lat0 = new.lat, lat1 = new.lat
    WHERE id = new.rid;
END;

CREATE TABLE track_points (
    track_id TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    sog_kn REAL,
    cog_deg REAL,
    PRIMARY KEY (track_id, t_us)
) WITHOUT ROWID;

CREATE TABLE case_events (
    ledger_index INTEGER PRIMARY KEY,
    case_id TEXT,
    type TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL,
    policy_hash TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, ledger_index);

CREATE TABLE alerts (
    ledger_index INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    message TEXT NOT NULL,
    lat REAL,
    lon REAL,
    track_id TEXT,
    case_id TEXT,
    centre TEXT,
    details TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_us INTEGER
);
CREATE INDEX alerts_time ON alerts (t_us);
CREATE VIRTUAL TABLE alerts_rtree USING rtree (id, lon0, lon1, lat0, lat1);
CREATE TRIGGER alerts_rtree_insert AFTER INSERT ON alerts WHEN new.lat IS NOT NULL BEGIN
    INSERT INTO alerts_rtree VALUES (new.ledger_index, new.lon, new.lon, new.lat, new.lat);
END;

CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    case_id TEXT,
    created_us INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    ledger_index INTEGER NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX documents_case ON documents (case_id, created_us);
