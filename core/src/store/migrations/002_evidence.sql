-- Schema 2: evidence files. The record of each exhibit is an event in the chain;
-- this table allocates exhibit sequence numbers (never reused) and finds the chunks.
CREATE TABLE exhibits (
    sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    entry_number INTEGER NOT NULL REFERENCES entries(number),
    event_id     TEXT NOT NULL,
    size         INTEGER NOT NULL
);
CREATE INDEX exhibits_by_entry ON exhibits(entry_number);

-- The original file as one age stream (sealed to the vault), cut into chunks whose
-- concatenation in `idx` order is a standard age file.
-- An ordinary (rowid) table: its key index holds only (exhibit_id, idx), so finding
-- a chunk never reads other chunks' megabytes, as a WITHOUT ROWID table would.
CREATE TABLE exhibit_chunks (
    exhibit_id TEXT NOT NULL,
    idx        INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    UNIQUE (exhibit_id, idx)
);

-- Sealed JPEG previews.
CREATE TABLE thumbnails (
    exhibit_id TEXT PRIMARY KEY,
    payload    BLOB NOT NULL
) WITHOUT ROWID;
