//! Encryption, and the only module that imports `age`.
//!
//! Everything the vault stores is an age ciphertext: records are sealed to the vault's
//! X25519 recipient; the vault's identity is stored twice, each sealed with age's
//! scrypt passphrase recipient (once with the passphrase, once with the recovery
//! code). Because these are standard age files, anyone with the passphrase can recover
//! the diary with the `age` command-line tool (see `docs/vault-format.md`).
//!
//! This module never touches SQL and never logs a secret.

use std::io::{self, Read, Write};
use std::iter;
use std::str::FromStr;

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// scrypt work factor (N = 2^18) for passphrase-sealed identities: about a second on
/// a 2-core laptop, the cost an attacker pays for every guess.
pub const SCRYPT_LOG_N: u8 = 18;
/// The most work we accept when opening a diary, a backup or a handover file: four
/// times Daybook's own, so a slower machine, or a file made on a faster one, still
/// opens, while a hostile file cannot make us use more than 1 GiB of memory
/// (scrypt needs 128 × 8 × 2^20 bytes) or about 4 seconds on a 2-core machine.
pub const SCRYPT_MAX_LOG_N: u8 = 20;
/// The least we accept when making a vault (tests use low values for speed).
pub const SCRYPT_MIN_LOG_N: u8 = 10;

/// Alphabet of recovery codes: Crockford's base32 (no I, L, O or U to misread).
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// A recovery code is 6 groups of 5 characters: 150 bits.
const RECOVERY_GROUPS: usize = 6;
const RECOVERY_GROUP_CHARS: usize = 5;

/// Bytes that are an age ciphertext. Storage accepts only this type, so an opened
/// record cannot be stored by mistake.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl Sealed {
    /// Wraps bytes read from storage (they are checked when opened).
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Sealed(bytes)
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

/// The vault's secret key. Dropping it zeroizes the key material.
pub struct Identity(age::x25519::Identity);

/// The vault's public key: anyone holding it can seal, nobody can open.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl Identity {
    /// A new random identity.
    pub fn generate() -> Self {
        Identity(age::x25519::Identity::generate())
    }

    /// A second copy, for a worker thread. Both are zeroized when dropped.
    pub(crate) fn duplicate(&self) -> Identity {
        Identity(self.0.clone())
    }

    /// Its public recipient.
    pub fn recipient(&self) -> Recipient {
        Recipient(self.0.to_public())
    }

    /// The standard `AGE-SECRET-KEY-1…` text. Named to look dangerous: only for
    /// sealing it under a passphrase or writing a key file the user asked for.
    pub fn dangerously_expose_text(&self) -> SecretString {
        self.0.to_string()
    }

    /// Reads a standard age identity (`AGE-SECRET-KEY-1…`), e.g. from a key file;
    /// comment lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<Self> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        age::x25519::Identity::from_str(line)
            .map(Identity)
            .map_err(|_| Error::InvalidField {
                field: "identity".into(),
                message: "this is not an age identity (a line starting AGE-SECRET-KEY-1)".into(),
            })
    }
}

impl Recipient {
    /// Reads an `age1…` public key.
    pub fn parse(text: &str) -> Result<Self> {
        age::x25519::Recipient::from_str(text.trim())
            .map(Recipient)
            .map_err(|_| Error::InvalidField {
                field: "recipient".into(),
                message: format!("'{}' is not an age public key (age1…)", text.trim()),
            })
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn crypto_err(err: impl std::fmt::Display) -> Error {
    Error::Crypto(err.to_string())
}

/// The place of a record that failed to open here: the caller, which knows where it
/// was found, names it instead (see `record::open_envelope`).
const SEALED_RECORD: &str = "sealed record";

/// The place of a sealed stream (an original, a handover) that failed to open.
const SEALED_FILE: &str = "sealed file";

/// Seals bytes to a recipient.
pub fn seal(recipient: &Recipient, plaintext: &[u8]) -> Result<Sealed> {
    age::encrypt(&recipient.0, plaintext)
        .map(Sealed)
        .map_err(crypto_err)
}

/// Opens sealed bytes. A failure means the record is damaged, altered or not ours.
pub fn open(identity: &Identity, sealed: &Sealed) -> Result<Zeroizing<Vec<u8>>> {
    let decryptor = age::Decryptor::new_buffered(sealed.as_bytes())
        .map_err(|e| Error::tampered(SEALED_RECORD, format!("not a sealed record ({e})")))?;
    let mut reader = decryptor
        .decrypt(iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|e| {
            Error::tampered(
                SEALED_RECORD,
                format!("the sealed record does not open ({e})"),
            )
        })?;
    let mut plaintext = Zeroizing::new(Vec::with_capacity(sealed.len()));
    reader.read_to_end(&mut plaintext).map_err(|e| {
        Error::tampered(SEALED_RECORD, format!("the sealed record is damaged ({e})"))
    })?;
    Ok(plaintext)
}

fn scrypt_recipient(passphrase: &SecretString, log_n: u8) -> age::scrypt::Recipient {
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(log_n.clamp(SCRYPT_MIN_LOG_N, SCRYPT_MAX_LOG_N));
    recipient
}

fn scrypt_identity(passphrase: &SecretString) -> age::scrypt::Identity {
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(SCRYPT_MAX_LOG_N);
    identity
}

/// The comment line written after the key in a passphrase-sealed identity of a vault
/// whose records are authenticated. It lives there because only the passphrase (or
/// recovery code) can make that file: someone who can write to the vault cannot take
/// it away to make the vault look older than it is, which would let unauthenticated
/// records in. age reads it as a comment, so `age -d -i` still works.
pub const AUTHENTICATED_MARKER: &str = "# daybook: records authenticated (v1)";

/// Seals the identity under a passphrase (or recovery code) as a standard
/// passphrase-encrypted age file holding the `AGE-SECRET-KEY-1…` line and the
/// `AUTHENTICATED_MARKER` comment.
pub fn wrap_identity(identity: &Identity, passphrase: &SecretString, log_n: u8) -> Result<Sealed> {
    wrap_identity_as(identity, passphrase, log_n, true)
}

/// `wrap_identity`, with or without the marker (without: as Daybook 0.1 wrote it, for
/// tests of the upgrade from such vaults).
pub fn wrap_identity_as(
    identity: &Identity,
    passphrase: &SecretString,
    log_n: u8,
    authenticated: bool,
) -> Result<Sealed> {
    let text = identity.dangerously_expose_text();
    let recipient = scrypt_recipient(passphrase, log_n);
    let mut content = Zeroizing::new(text.expose_secret().as_bytes().to_vec());
    content.push(b'\n');
    if authenticated {
        content.extend_from_slice(AUTHENTICATED_MARKER.as_bytes());
        content.push(b'\n');
    }
    age::encrypt(&recipient, &content)
        .map(Sealed)
        .map_err(crypto_err)
}

/// An identity opened from its passphrase-sealed copy.
pub struct Unwrapped {
    pub identity: Identity,
    /// Whether the copy carries `AUTHENTICATED_MARKER`.
    pub authenticated: bool,
}

/// Why a passphrase-sealed file did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnwrapFailure {
    /// The passphrase is not the right one.
    WrongKey,
    /// The file asks for more work than `SCRYPT_MAX_LOG_N` allows.
    TooMuchWork,
    /// The file is not a passphrase-sealed age file.
    Damaged,
}

fn open_with_passphrase(
    sealed: &[u8],
    passphrase: &SecretString,
) -> std::result::Result<Zeroizing<Vec<u8>>, UnwrapFailure> {
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|_| UnwrapFailure::Damaged)?;
    let identity = scrypt_identity(passphrase);
    let mut reader = decryptor
        .decrypt(iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::ExcessiveWork { .. } => UnwrapFailure::TooMuchWork,
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                UnwrapFailure::WrongKey
            }
            _ => UnwrapFailure::Damaged,
        })?;
    let mut plaintext = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut plaintext)
        .map_err(|_| UnwrapFailure::Damaged)?;
    Ok(plaintext)
}

/// Opens an identity sealed by `wrap_identity`.
pub fn unwrap_identity(
    sealed: &Sealed,
    passphrase: &SecretString,
) -> std::result::Result<Unwrapped, UnwrapFailure> {
    let plaintext = open_with_passphrase(sealed.as_bytes(), passphrase)?;
    let text = std::str::from_utf8(&plaintext).map_err(|_| UnwrapFailure::Damaged)?;
    let identity = Identity::parse(text).map_err(|_| UnwrapFailure::Damaged)?;
    let authenticated = text.lines().any(|l| l.trim() == AUTHENTICATED_MARKER);
    Ok(Unwrapped {
        identity,
        authenticated,
    })
}

/// A key that authenticates records (HMAC-SHA256), derived from the vault's identity
/// with HKDF-SHA256 and a label per purpose (per table). Records sealed to the public
/// key can be made by anyone; a valid tag can only be made with the identity.
pub struct MacKey(Zeroizing<[u8; MAC_KEY_BYTES]>);

/// HMAC-SHA256's block size: a key of this length is used as it is.
const MAC_KEY_BYTES: usize = 64;

/// Domain separation for record-authentication keys.
const MAC_SALT: &[u8] = b"daybook/mac/v1";

impl Identity {
    /// The authentication key for `purpose` (e.g. `record/events`).
    pub fn mac_key(&self, purpose: &str) -> MacKey {
        let secret = self.0.to_string();
        let hk = hkdf::Hkdf::<Sha256>::new(Some(MAC_SALT), secret.expose_secret().as_bytes());
        let mut key = Zeroizing::new([0u8; MAC_KEY_BYTES]);
        // 64 bytes is always a valid HKDF-SHA256 output length (at most 8160).
        let _ = hk.expand(purpose.as_bytes(), key.as_mut());
        MacKey(key)
    }
}

impl MacKey {
    fn hmac(&self) -> hmac::Hmac<Sha256> {
        use hmac::digest::KeyInit as _;
        hmac::Hmac::<Sha256>::new(&(*self.0).into())
    }

    /// The tag of `data`, as 64 lowercase hex digits.
    pub fn tag(&self, data: &[u8]) -> String {
        use hmac::Mac as _;
        let mut mac = self.hmac();
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `tag` is the tag of `data` (compared in constant time).
    pub fn verify(&self, data: &[u8], tag: &str) -> bool {
        use hmac::Mac as _;
        let Ok(tag) = hex::decode(tag) else {
            return false;
        };
        let mut mac = self.hmac();
        mac.update(data);
        mac.verify_slice(&tag).is_ok()
    }
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(..)")
    }
}

/// Reads the scrypt work factor a passphrase-sealed file was made with.
pub fn work_factor(sealed: &Sealed) -> Option<u8> {
    // The header is text: "-> scrypt <salt> <log_n>".
    let head = &sealed.as_bytes()[..sealed.len().min(512)];
    let text = String::from_utf8_lossy(head);
    text.lines()
        .find_map(|l| l.strip_prefix("-> scrypt "))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Whether `sealed` still has the shape of a key sealed with a passphrase or
/// recovery code (an age header whose one stanza is scrypt, with a work factor):
/// the most that can be checked without the passphrase or code.
pub fn is_passphrase_sealed(sealed: &Sealed) -> bool {
    work_factor(sealed).is_some()
        && age::Decryptor::new_buffered(sealed.as_bytes()).is_ok_and(|d| d.is_scrypt())
}

/// A new recovery code: `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` (150 bits).
pub fn generate_recovery_code() -> SecretString {
    let mut rng = rand::rngs::OsRng;
    let mut code = String::with_capacity(RECOVERY_GROUPS * (RECOVERY_GROUP_CHARS + 1));
    for group in 0..RECOVERY_GROUPS {
        if group > 0 {
            code.push('-');
        }
        for _ in 0..RECOVERY_GROUP_CHARS {
            let i = rng.gen_range(0..RECOVERY_ALPHABET.len());
            code.push(RECOVERY_ALPHABET[i] as char);
        }
    }
    SecretString::from(code)
}

/// Normalises a typed recovery code: case, spaces and dashes do not matter, and the
/// letters people confuse with digits (O, I, L) count as those digits.
pub fn normalise_recovery_code(typed: &SecretString) -> SecretString {
    let mut out = String::new();
    for c in typed.expose_secret().chars() {
        let c = c.to_ascii_uppercase();
        let c = match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if RECOVERY_ALPHABET.contains(&(c as u8)) && c.is_ascii() {
            if !out.is_empty() && out.len() % (RECOVERY_GROUP_CHARS + 1) == RECOVERY_GROUP_CHARS {
                out.push('-');
            }
            out.push(c);
        }
    }
    SecretString::from(out)
}

/// A readable random passphrase for a handover file, to pass on by phone:
/// six words from a small list plus digits is fine to read aloud; we use groups of
/// recovery-code characters, which are unambiguous over the phone.
pub fn generate_handover_passphrase() -> SecretString {
    generate_recovery_code()
}

/// The first line of every binary age file.
const AGE_VERSION_LINE: &[u8] = b"age-encryption.org/v1\n";
/// The payload nonce that follows the header; the payload's key is derived from it.
const PAYLOAD_NONCE_BYTES: usize = 16;
/// The longest header accepted before the start of a stream is called damaged.
/// Daybook's own (one X25519 stanza) are about 200 bytes.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// SHA-256 of the start of a sealed stream: its age header and payload nonce, which
/// fix the key every chunk of the payload is sealed with.
///
/// Why it is worth recording: the vault's public key is stored in plaintext, so
/// anyone could seal other bytes to it and put them in an original's place. They
/// cannot keep the header, though: the payload key comes from a file key that only
/// the identity can unwrap. So when the start of a stored stream still has the digest
/// recorded when it was sealed, age's authentication of every chunk (in order, to the
/// last) proves that what it opens to is, byte for byte, what was sealed then.
#[derive(Default)]
pub struct HeaderDigest {
    head: Vec<u8>,
    digest: Option<String>,
}

impl HeaderDigest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next bytes of the sealed stream. An error when they cannot be the
    /// start of a binary age file.
    pub fn update(&mut self, bytes: &[u8]) -> Result<()> {
        if self.digest.is_some() {
            return Ok(());
        }
        let room = MAX_HEADER_BYTES + PAYLOAD_NONCE_BYTES - self.head.len();
        self.head.extend_from_slice(&bytes[..bytes.len().min(room)]);
        let known = self.head.len().min(AGE_VERSION_LINE.len());
        if self.head[..known] != AGE_VERSION_LINE[..known] {
            return Err(Error::tampered(SEALED_FILE, "it is not an age file"));
        }
        if let Some(end) = header_end(&self.head) {
            let end = end + PAYLOAD_NONCE_BYTES;
            if self.head.len() >= end {
                self.digest = Some(hex::encode(Sha256::digest(&self.head[..end])));
                self.head = Vec::new();
            }
        } else if self.head.len() >= MAX_HEADER_BYTES {
            return Err(Error::tampered(SEALED_FILE, "its header is damaged"));
        }
        Ok(())
    }

    /// Whether the header and nonce have all been seen.
    pub fn is_complete(&self) -> bool {
        self.digest.is_some()
    }

    /// The digest (lowercase hex), or `None` if the stream ended before its header did.
    pub fn finish(self) -> Option<String> {
        self.digest
    }
}

/// Where an age header ends: just after the newline of its MAC line (the first line
/// that starts with `---`; stanza lines start with `->` and their bodies are base64).
fn header_end(head: &[u8]) -> Option<usize> {
    let mac_line = head.windows(4).position(|w| w == b"\n---")? + 1;
    let newline = head[mac_line..].iter().position(|&b| b == b'\n')?;
    Some(mac_line + newline + 1)
}

/// A writer that seals a stream to a recipient or passphrase as one standard age file.
pub struct SealWriter<W: Write>(age::stream::StreamWriter<W>);

impl<W: Write> SealWriter<W> {
    /// Seals to the vault's (or a support worker's) public key.
    pub fn to_recipient(recipient: &Recipient, out: W) -> Result<Self> {
        let encryptor =
            age::Encryptor::with_recipients(iter::once(&recipient.0 as &dyn age::Recipient))
                .map_err(crypto_err)?;
        encryptor
            .wrap_output(out)
            .map(SealWriter)
            .map_err(Error::Io)
    }

    /// Seals to a passphrase (scrypt).
    pub fn to_passphrase(passphrase: &SecretString, log_n: u8, out: W) -> Result<Self> {
        let recipient = scrypt_recipient(passphrase, log_n);
        let encryptor =
            age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
                .map_err(crypto_err)?;
        encryptor
            .wrap_output(out)
            .map(SealWriter)
            .map_err(Error::Io)
    }

    /// Ends the age stream; without this the file is truncated.
    pub fn finish(self) -> io::Result<W> {
        self.0.finish()
    }
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A reader that opens a sealed stream.
pub struct OpenReader<R: Read>(age::stream::StreamReader<R>);

impl<R: Read> Read for OpenReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

/// A sealed stream read from a seekable source can be read anywhere: only the
/// 64 KiB pieces actually read are decrypted (and authenticated).
impl<R: Read + io::Seek> io::Seek for OpenReader<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.0.seek(pos)
    }
}

impl<R: Read> OpenReader<R> {
    /// Opens a stream sealed to `identity`.
    pub fn with_identity(identity: &Identity, input: R) -> Result<Self> {
        let decryptor = age::Decryptor::new(input)
            .map_err(|e| Error::tampered(SEALED_FILE, format!("not an age file ({e})")))?;
        decryptor
            .decrypt(iter::once(&identity.0 as &dyn age::Identity))
            .map(OpenReader)
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => {
                    Error::bundle("this file was not encrypted to that key")
                }
                e => Error::tampered(SEALED_FILE, format!("the file does not open ({e})")),
            })
    }

    /// Opens a passphrase-sealed stream.
    pub fn with_passphrase(passphrase: &SecretString, input: R) -> Result<Self> {
        let decryptor = age::Decryptor::new(input)
            .map_err(|e| Error::tampered(SEALED_FILE, format!("not an age file ({e})")))?;
        let identity = scrypt_identity(passphrase);
        decryptor
            .decrypt(iter::once(&identity as &dyn age::Identity))
            .map(OpenReader)
            .map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                    Error::WrongPassphrase
                }
                age::DecryptError::ExcessiveWork { .. } => Error::tampered(
                    SEALED_FILE,
                    format!(
                        "the file asks for more passphrase work than Daybook allows \
                         (more than 2^{SCRYPT_MAX_LOG_N}, which needs over 1 GiB of memory), \
                         so it was not made by Daybook"
                    ),
                ),
                e => Error::tampered(SEALED_FILE, format!("the file does not open ({e})")),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() {
        let id = Identity::generate();
        let sealed = seal(&id.recipient(), b"the canary sentence").unwrap();
        assert!(!sealed.as_bytes().windows(6).any(|w| w == b"canary"));
        assert_eq!(&open(&id, &sealed).unwrap()[..], b"the canary sentence");
    }

    #[test]
    fn another_identity_cannot_open() {
        let sealed = seal(&Identity::generate().recipient(), b"x").unwrap();
        assert!(matches!(
            open(&Identity::generate(), &sealed),
            Err(Error::Tampered { .. })
        ));
    }

    #[test]
    fn flipped_byte_is_refused() {
        let id = Identity::generate();
        let mut bytes = seal(&id.recipient(), b"some words").unwrap().into_bytes();
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        assert!(open(&id, &Sealed::from_stored(bytes)).is_err());
    }

    fn sealed_stream(recipient: &Recipient, plaintext: &[u8]) -> Vec<u8> {
        let mut w = SealWriter::to_recipient(recipient, Vec::new()).unwrap();
        w.write_all(plaintext).unwrap();
        w.finish().unwrap()
    }

    fn digest_in_pieces(stream: &[u8], piece: usize) -> Option<String> {
        let mut digest = HeaderDigest::new();
        for part in stream.chunks(piece) {
            digest.update(part).unwrap();
        }
        digest.finish()
    }

    #[test]
    fn header_digest_covers_the_header_and_nonce_only() {
        let id = Identity::generate();
        let stream = sealed_stream(&id.recipient(), &[7u8; 100_000]);
        let end = header_end(&stream).unwrap() + PAYLOAD_NONCE_BYTES;
        assert!(stream[..end - PAYLOAD_NONCE_BYTES].ends_with(b"\n"));
        assert!(std::str::from_utf8(&stream[..end - PAYLOAD_NONCE_BYTES])
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .starts_with("--- "));
        let whole = digest_in_pieces(&stream, stream.len()).unwrap();
        assert_eq!(whole, hex::encode(Sha256::digest(&stream[..end])));
        // The same however the stream is cut.
        for piece in [1, 7, 64, 1000] {
            assert_eq!(
                digest_in_pieces(&stream, piece).as_deref(),
                Some(&whole[..])
            );
        }
        // The payload is not part of it; the nonce is.
        let mut changed = stream.clone();
        changed[end] ^= 1;
        assert_eq!(digest_in_pieces(&changed, 4096).unwrap(), whole);
        changed[end - 1] ^= 1;
        assert_ne!(digest_in_pieces(&changed, 4096).unwrap(), whole);
    }

    #[test]
    fn other_bytes_sealed_to_the_same_key_have_another_header() {
        let id = Identity::generate();
        let a = sealed_stream(&id.recipient(), b"the original");
        let b = sealed_stream(&id.recipient(), b"the original");
        assert_ne!(digest_in_pieces(&a, 512), digest_in_pieces(&b, 512));
    }

    #[test]
    fn header_digest_refuses_what_is_not_age() {
        let mut digest = HeaderDigest::new();
        assert!(matches!(
            digest.update(b"PK\x03\x04 a zip file"),
            Err(Error::Tampered { .. })
        ));
        // A header that never ends.
        let mut digest = HeaderDigest::new();
        digest.update(AGE_VERSION_LINE).unwrap();
        let stanza = b"-> X25519 abc\n".repeat(MAX_HEADER_BYTES / 14 + 1);
        assert!(digest.update(&stanza).is_err());
        // A stream that ends inside its header has no digest.
        let mut digest = HeaderDigest::new();
        digest
            .update(b"age-encryption.org/v1\n-> X25519 abc\n")
            .unwrap();
        assert!(!digest.is_complete());
        assert_eq!(digest.finish(), None);
    }

    /// A passphrase-sealed file whose header asks for 2^`log_n` work (the header is
    /// then not authentic, but the work factor is checked before anything else).
    fn asking_for_work(log_n: u8) -> Vec<u8> {
        let id = Identity::generate();
        let wrapped = wrap_identity(&id, &SecretString::from("p".repeat(12)), 10).unwrap();
        let text = wrapped.into_bytes();
        let at = text
            .windows(3)
            .position(|w| w == b" 10")
            .expect("work factor in the header");
        let mut out = text[..at].to_vec();
        out.extend_from_slice(format!(" {log_n}").as_bytes());
        out.extend_from_slice(&text[at + 3..]);
        out
    }

    #[test]
    fn too_much_passphrase_work_is_refused_before_it_is_done() {
        let pass = SecretString::from("p".repeat(12));
        let started = std::time::Instant::now();
        let hostile = Sealed::from_stored(asking_for_work(SCRYPT_MAX_LOG_N + 1));
        assert_eq!(
            unwrap_identity(&hostile, &pass).err(),
            Some(UnwrapFailure::TooMuchWork)
        );
        let hostile = asking_for_work(40);
        let opened = OpenReader::with_passphrase(&pass, &hostile[..]);
        assert!(
            matches!(&opened, Err(Error::Tampered { why, .. }) if why.contains("more passphrase work")),
            "{:?}",
            opened.err()
        );
        // Refused without doing the work (2^40 would take days).
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    }

    #[test]
    fn mac_keys_differ_by_purpose_and_identity() {
        let id = Identity::generate();
        let a = id.mac_key("record/events");
        let tag = a.tag(b"data");
        assert!(a.verify(b"data", &tag));
        assert!(!a.verify(b"datb", &tag));
        assert!(!a.verify(b"data", "not hex"));
        assert!(!id.mac_key("record/drafts").verify(b"data", &tag));
        assert!(!Identity::generate()
            .mac_key("record/events")
            .verify(b"data", &tag));
        // The same identity derives the same key (a reopened diary checks its tags).
        assert!(id.mac_key("record/events").verify(b"data", &tag));
    }

    #[test]
    fn identity_wraps_under_passphrase() {
        let id = Identity::generate();
        let pass = SecretString::from("correct horse".to_string());
        let wrapped = wrap_identity(&id, &pass, 10).unwrap();
        assert_eq!(work_factor(&wrapped), Some(10));
        let back = unwrap_identity(&wrapped, &pass).ok().unwrap();
        assert_eq!(
            back.identity.recipient().to_string(),
            id.recipient().to_string()
        );
        assert!(back.authenticated);
        let old = wrap_identity_as(&id, &pass, 10, false).unwrap();
        assert!(!unwrap_identity(&old, &pass).ok().unwrap().authenticated);
        let wrong = SecretString::from("wrong horse".to_string());
        assert_eq!(
            unwrap_identity(&wrapped, &wrong).err(),
            Some(UnwrapFailure::WrongKey)
        );
    }

    #[test]
    fn recovery_codes_normalise() {
        let code = generate_recovery_code();
        assert_eq!(code.expose_secret().len(), 35);
        let typed = SecretString::from(code.expose_secret().to_lowercase().replace('-', " "));
        assert_eq!(
            normalise_recovery_code(&typed).expose_secret(),
            code.expose_secret()
        );
        let confusable = SecretString::from("o1il0-abcde".to_string());
        assert_eq!(
            normalise_recovery_code(&confusable).expose_secret(),
            "01110-ABCDE"
        );
    }
}
