-- Schema 3: imported messages and calls. Each row is a sealed page of up to a
-- thousand messages of one entry (one day's contact); the chain's record of the
-- entry names every page with the SHA-256 of its sealed bytes, so a page that is
-- removed, added or altered is found by `verify`.
CREATE TABLE message_pages (
    id           TEXT PRIMARY KEY,
    entry_number INTEGER NOT NULL REFERENCES entries(number),
    payload      BLOB NOT NULL
);
CREATE INDEX message_pages_by_entry ON message_pages(entry_number);
