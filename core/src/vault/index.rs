//! The sealed index of entries' current state. Opening a long diary must be quick, and
//! every age record costs an X25519 operation to open, so entries' current states are
//! sealed together in pages of `PAGE_ENTRIES`: 10,000 entries are 79 decryptions, not
//! 10,000. The index is derived: every change is applied to it in the same
//! transaction that appends the change to the chain, by the same `chain::apply`, and
//! `verify` rebuilds it from the chain and compares.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::chain::{self, Change};
use crate::crypto::{Identity, Recipient};
use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store;

/// Entries per sealed index page.
pub const PAGE_ENTRIES: u64 = 128;

/// Opened pages, with the version they were opened at.
#[derive(Default)]
pub struct Cache {
    pages: HashMap<u64, (u64, Vec<Entry>)>,
}

#[derive(Serialize, Deserialize)]
struct PageBody {
    version: u64,
    entries: Vec<Entry>,
}

fn page_of(number: u64) -> u64 {
    number / PAGE_ENTRIES
}

/// Loads a page (from the cache when it is current) and returns its entries.
fn load<'c>(
    conn: &Connection,
    identity: &Identity,
    cache: &'c mut Cache,
    page: u64,
    version_hint: Option<u64>,
) -> Result<(u64, &'c mut Vec<Entry>)> {
    let version = match version_hint {
        Some(v) => Some(v),
        None => store::index::get(conn, page)?.map(|(v, _)| v),
    };
    let fresh =
        matches!((cache.pages.get(&page), version), (Some((cached, _)), Some(v)) if *cached == v);
    if !fresh {
        let opened = match store::index::get(conn, page)? {
            Some((v, sealed)) => {
                let id = page.to_string();
                let body: PageBody = record::open(
                    identity,
                    Place {
                        table: "index_pages",
                        id: &id,
                    },
                    &sealed,
                )?;
                if body.version != v {
                    return Err(Error::Tampered(format!(
                        "index page {page} is not the version it claims to be"
                    )));
                }
                (v, body.entries)
            }
            None => (0, Vec::new()),
        };
        cache.pages.insert(page, opened);
    }
    let (v, entries) = cache
        .pages
        .get_mut(&page)
        .ok_or_else(|| Error::Tampered("index page vanished".into()))?;
    Ok((*v, entries))
}

/// Rebuilds one entry from its changes in the chain.
pub(crate) fn rebuild_entry(
    conn: &Connection,
    identity: &Identity,
    number: u64,
) -> Result<Option<Entry>> {
    let mut entry = None;
    for row in store::events::for_entry(conn, number)? {
        if let Some(change) = super::open_change(identity, &row)? {
            chain::apply(&mut entry, &change);
        }
    }
    Ok(entry)
}

/// The current state of entry `number`.
pub fn current(
    conn: &Connection,
    identity: &Identity,
    cache: &mut Cache,
    number: u64,
) -> Result<Entry> {
    if store::entries::id_of(conn, number)?.is_none() {
        return Err(Error::NoSuchEntry(number));
    }
    let (_, entries) = load(conn, identity, cache, page_of(number), None)?;
    if let Some(e) = entries.iter().find(|e| e.number == number) {
        return Ok(e.clone());
    }
    // Not indexed: rebuild from the chain (or it is still waiting in the inbox).
    rebuild_entry(conn, identity, number)?.ok_or(Error::NoSuchEntry(number))
}

/// Every entry, ordered by number.
pub fn all(conn: &Connection, identity: &Identity, cache: &mut Cache) -> Result<Vec<Entry>> {
    let versions = store::index::versions(conn)?;
    cache
        .pages
        .retain(|p, _| versions.iter().any(|(q, _)| q == p));
    let mut out = Vec::new();
    for (page, version) in versions {
        let (_, entries) = load(conn, identity, cache, page, Some(version))?;
        out.extend(entries.iter().cloned());
    }
    out.sort_by_key(|e| e.number);
    Ok(out)
}

/// Applies a change to its entry's page and reseals the page.
pub fn apply(
    conn: &Connection,
    recipient: &Recipient,
    identity: &Identity,
    cache: &mut Cache,
    number: u64,
    change: &Change,
) -> Result<()> {
    let page = page_of(number);
    let (version, entries) = load(conn, identity, cache, page, None)?;
    let mut entry = entries
        .iter()
        .position(|e| e.number == number)
        .map(|i| entries.remove(i));
    if entry.is_none() && !matches!(change, Change::Created { .. }) {
        // Missing from the index: the chain, which already holds this change, is the truth.
        entries.extend(rebuild_entry(conn, identity, number)?);
    } else {
        chain::apply(&mut entry, change);
        entries.extend(entry);
    }
    entries.sort_by_key(|e| e.number);
    reseal(conn, recipient, cache, page, version)
}

fn reseal(
    conn: &Connection,
    recipient: &Recipient,
    cache: &mut Cache,
    page: u64,
    version: u64,
) -> Result<()> {
    let Some((_, entries)) = cache.pages.remove(&page) else {
        return Err(Error::Tampered("index page vanished".into()));
    };
    let version = version + 1;
    let body = PageBody { version, entries };
    let id = page.to_string();
    let sealed = record::seal(
        recipient,
        Place {
            table: "index_pages",
            id: &id,
        },
        &body,
    )?;
    store::index::put(conn, page, version, &sealed)?;
    cache.pages.insert(page, (version, body.entries));
    Ok(())
}

/// Rebuilds every entry from the chain (for verification).
pub(crate) fn rebuild_all(conn: &Connection, identity: &Identity) -> Result<Vec<Entry>> {
    let mut entries: HashMap<u64, Option<Entry>> = HashMap::new();
    store::events::each(conn, |row| {
        if let (Some(n), Some(change)) = (row.entry_number, super::open_change(identity, &row)?) {
            chain::apply(entries.entry(n).or_insert(None), &change);
        }
        Ok(())
    })?;
    let mut out: Vec<Entry> = entries.into_values().flatten().collect();
    out.sort_by_key(|e| e.number);
    Ok(out)
}
