//! The app's binary is built with the tests: this integration test makes Cargo build
//! `daybook-app` in the same run (and with the same features) as every other test,
//! so the desktop end-to-end tests drive exactly that build and nothing is compiled
//! twice. It checks the binary is there and is a Linux executable.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn the_app_binary_is_built_with_the_tests() {
    let path = std::path::Path::new(env!("CARGO_BIN_EXE_daybook-app"));
    let bytes = std::fs::read(path).unwrap_or_default();
    assert!(bytes.len() > 1024, "{} is missing or empty", path.display());
    assert_eq!(
        &bytes[..4],
        b"\x7fELF",
        "{} is not an executable",
        path.display()
    );
}
