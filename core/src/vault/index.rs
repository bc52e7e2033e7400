//! The sealed index of entries' current state. Opening a long diary must be quick, and
//! every age record costs an X25519 operation to open, so entries' current states are
//! sealed together in pages of `PAGE_ENTRIES`: 10,000 entries are 79 decryptions, not
//! 10,000. The index is derived: every change is applied to it in the same
//! transaction that appends the change to the chain, by the same `chain::apply`, and
//! `verify` rebuilds it from the chain and compares.
//!
//! Each page is an authenticated record, and the chain's head records the version of
//! every page (`digest`), checked whenever the index is read: an older page, even an
//! authentic one (from an old copy, or an old log), cannot be put back unnoticed.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::chain::{self, Change};
use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::record::Keys;
use crate::record::{self, Place};
use crate::store;

/// Entries per sealed index page.
pub const PAGE_ENTRIES: u64 = 128;

/// Opened pages, with the version they were opened at.
#[derive(Default)]
pub struct Cache {
    pages: HashMap<u64, (u64, Vec<Entry>)>,
    /// The digest of page versions last found to agree with the head.
    checked: Option<String>,
}

/// What the head records of the index: SHA-256 over every page's number and version.
pub fn digest(versions: &[(u64, u64)]) -> String {
    let mut text = String::from("daybook/index/v1");
    for (page, version) in versions {
        text.push_str(&format!("\n{page}:{version}"));
    }
    record::sha256_hex(text.as_bytes())
}

/// Checks the pages' versions against the head (cheap: one query, and one opening of
/// the head when they changed since the last check).
pub(crate) fn check(conn: &Connection, keys: &Keys, cache: &mut Cache) -> Result<()> {
    let now = digest(&store::index::versions(conn)?);
    if cache.checked.as_deref() == Some(now.as_str()) {
        return Ok(());
    }
    match super::head::head_index(conn, keys)? {
        Some(recorded) if recorded == now => {}
        // A vault from before the head kept it, not upgraded (only read).
        None if keys.is_legacy() => {}
        _ => {
            cache.pages.clear();
            return Err(Error::tampered(
                "the index of entries",
                "it is not the one the diary's last change left: a page of it was \
                 replaced, removed or put back from an older copy",
            ));
        }
    }
    cache.checked = Some(now);
    Ok(())
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
    keys: &Keys,
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
                    keys,
                    Place {
                        table: "index_pages",
                        id: &id,
                    },
                    &sealed,
                )?;
                if body.version != v {
                    return Err(Error::tampered(
                        format!("index page {page}"),
                        "it is not the version it claims to be",
                    ));
                }
                (v, body.entries)
            }
            None => (0, Vec::new()),
        };
        cache.pages.insert(page, opened);
    }
    let (v, entries) = cache.pages.get_mut(&page).ok_or_else(|| vanished(page))?;
    Ok((*v, entries))
}

/// A page that was just read or changed is no longer in the cache.
fn vanished(page: u64) -> Error {
    Error::tampered(
        format!("index page {page}"),
        "it vanished from the diary's cache",
    )
}

/// Rebuilds one entry from its changes in the chain.
pub(crate) fn rebuild_entry(conn: &Connection, keys: &Keys, number: u64) -> Result<Option<Entry>> {
    let mut entry = None;
    for row in store::events::for_entry(conn, number)? {
        if let Some(change) = super::open_change(keys, &row)? {
            chain::apply(&mut entry, &change);
        }
    }
    Ok(entry)
}

/// The current state of entry `number`.
pub fn current(conn: &Connection, keys: &Keys, cache: &mut Cache, number: u64) -> Result<Entry> {
    if store::entries::id_of(conn, number)?.is_none() {
        return Err(Error::NoSuchEntry(number));
    }
    check(conn, keys, cache)?;
    let (_, entries) = load(conn, keys, cache, page_of(number), None)?;
    if let Some(e) = entries.iter().find(|e| e.number == number) {
        return Ok(e.clone());
    }
    // Not indexed: rebuild from the chain (or it is still waiting in the inbox).
    rebuild_entry(conn, keys, number)?.ok_or(Error::NoSuchEntry(number))
}

/// Every entry, ordered by number.
pub fn all(conn: &Connection, keys: &Keys, cache: &mut Cache) -> Result<Vec<Entry>> {
    check(conn, keys, cache)?;
    let versions = store::index::versions(conn)?;
    cache
        .pages
        .retain(|p, _| versions.iter().any(|(q, _)| q == p));
    let mut out = Vec::new();
    for (page, version) in versions {
        let (_, entries) = load(conn, keys, cache, page, Some(version))?;
        out.extend(entries.iter().cloned());
    }
    out.sort_by_key(|e| e.number);
    Ok(out)
}

/// Every entry as the pages say, each page authenticated but the pages' versions not
/// checked against the head: for `verify`, to name the entries of a page that was put
/// back from an older copy.
pub(crate) fn all_unchecked(conn: &Connection, keys: &Keys) -> Result<Vec<Entry>> {
    let mut cache = Cache::default();
    let mut out = Vec::new();
    for (page, version) in store::index::versions(conn)? {
        let (_, entries) = load(conn, keys, &mut cache, page, Some(version))?;
        out.extend(entries.iter().cloned());
    }
    out.sort_by_key(|e| e.number);
    Ok(out)
}

/// Applies a change to its entry's page and reseals the page.
pub fn apply(
    conn: &Connection,
    keys: &Keys,
    cache: &mut Cache,
    number: u64,
    change: &Change,
) -> Result<()> {
    check(conn, keys, cache)?;
    let page = page_of(number);
    let (version, entries) = load(conn, keys, cache, page, None)?;
    let mut entry = entries
        .iter()
        .position(|e| e.number == number)
        .map(|i| entries.remove(i));
    if entry.is_none() && !matches!(change, Change::Created { .. }) {
        // Missing from the index: the chain, which already holds this change, is the truth.
        entries.extend(rebuild_entry(conn, keys, number)?);
    } else {
        chain::apply(&mut entry, change);
        entries.extend(entry);
    }
    entries.sort_by_key(|e| e.number);
    reseal(conn, keys, cache, page, version)
}

/// Seals a page at its next version and records the new versions in the head.
fn reseal(
    conn: &Connection,
    keys: &Keys,
    cache: &mut Cache,
    page: u64,
    version: u64,
) -> Result<()> {
    let Some((_, entries)) = cache.pages.remove(&page) else {
        return Err(vanished(page));
    };
    let version = version + 1;
    let body = PageBody { version, entries };
    let id = page.to_string();
    let sealed = record::seal(
        keys,
        Place {
            table: "index_pages",
            id: &id,
        },
        &body,
    )?;
    store::index::put(conn, page, version, &sealed)?;
    cache.pages.insert(page, (version, body.entries));
    let now = digest(&store::index::versions(conn)?);
    if !keys.is_legacy() {
        super::head::put_head_index(conn, keys, now.clone())?;
    }
    cache.checked = Some(now);
    Ok(())
}

/// Rebuilds every entry from the chain (for verification).
pub(crate) fn rebuild_all(conn: &Connection, keys: &Keys) -> Result<Vec<Entry>> {
    let mut entries: HashMap<u64, Option<Entry>> = HashMap::new();
    store::events::each(conn, |row| {
        if let (Some(n), Some(change)) = (row.entry_number, super::open_change(keys, &row)?) {
            chain::apply(entries.entry(n).or_insert(None), &change);
        }
        Ok(())
    })?;
    let mut out: Vec<Entry> = entries.into_values().flatten().collect();
    out.sort_by_key(|e| e.number);
    Ok(out)
}
