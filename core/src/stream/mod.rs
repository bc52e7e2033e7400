//! Moving large files through the vault in constant memory: pipelines that read,
//! hash, encrypt and store on two threads (`pipe`), and syncing output to disk in the
//! background while it is written (`syncer`). Nothing here knows about entries.

pub(crate) mod pipe;
pub(crate) mod syncer;
