//! Seeds for the tests that draw random numbers. Each run takes a new seed from the
//! clock and prints it; `DAYBOOK_SEED=<n>` replays that run exactly. The generator
//! is xorshift64* seeded through splitmix64, so every seed (even 0) is usable.
#![allow(dead_code)]

/// The environment variable that replays a run.
pub const ENV: &str = "DAYBOOK_SEED";

/// This run's seed for `test`: `DAYBOOK_SEED` when set, else from the clock.
/// Printed (shown by `cargo test` when the test fails, or with `--nocapture`).
pub fn seed(test: &str) -> u64 {
    let seed = match std::env::var(ENV) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{ENV}={v:?} is not a whole number")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
    };
    eprintln!("{test}: seed {seed} (replay with {ENV}={seed})");
    seed
}

/// A small, fast pseudo-random sequence (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64, so that nearby seeds give unrelated sequences and 0 is fine.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// A seeded sequence for `test`, its seed printed.
    pub fn for_test(test: &str) -> Rng {
        Rng::new(seed(test))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A non-zero byte, to XOR into a byte so that it really changes.
    pub fn flip(&mut self) -> u8 {
        (self.next() % 255 + 1) as u8
    }
}

/// One offset in each `block`-byte block of `0..len` (the last block may be
/// shorter), drawn from `rng`: every region of a file is touched in every run, and
/// a different byte of it in each run.
pub fn one_per_block(rng: &mut Rng, len: usize, block: usize) -> Vec<usize> {
    (0..len)
        .step_by(block)
        .map(|start| start + rng.below(block.min(len - start)))
        .collect()
}
