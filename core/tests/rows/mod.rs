//! Every row of a diary file, as text to compare before and after something that
//! must not write: every table but the count of recent wrong passphrases
//! (`meta.failed_unlocks`, which a wrong passphrase does change, by design).
#![allow(dead_code)]

use std::path::Path;

/// Every row of every table of the diary at `path`, but `meta.failed_unlocks`.
pub fn rows_but_failures(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|t| t.unwrap())
        .collect();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            let row = format!("{table}: {:?}\n", row.unwrap());
            if !row.starts_with("meta: [Text(\"failed_unlocks\")") {
                out.push_str(&row);
            }
        }
    }
    out
}
