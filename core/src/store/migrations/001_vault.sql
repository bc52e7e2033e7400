-- Schema 1: the sealed vault. Every BLOB named payload or value (but `recipient`,
-- `format` and `vault_id`) is an age ciphertext; the only plaintext is opaque random
-- ids, sequence numbers and sizes.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- Entry numbers: allocated in order of recording, never reused.
CREATE TABLE entries (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    id     TEXT NOT NULL UNIQUE
);

-- The hash-chained log of every change (revision, withdrawal, erasure, exhibit).
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    entry_number INTEGER REFERENCES entries(number),
    payload      BLOB NOT NULL
);
CREATE INDEX events_by_entry ON events(entry_number, seq);

-- Entries written while the vault was locked, sealed to its public key; moved into
-- the chain at the next unlock.
CREATE TABLE inbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    entry_number INTEGER NOT NULL REFERENCES entries(number),
    payload      BLOB NOT NULL
);

-- A sealed, derived index of entries' current state, in pages, so that opening a
-- long diary costs one decryption per page rather than one per entry.
CREATE TABLE index_pages (
    page    INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    payload BLOB NOT NULL
);

-- Autosaved drafts of forms.
CREATE TABLE drafts (
    id      TEXT PRIMARY KEY,
    payload BLOB NOT NULL
) WITHOUT ROWID;
