//! Seeded random streams, one per concern (SIM5).
//!
//! Every source of randomness in a run (arrivals, handling times, patience, the mix of
//! channels, …) draws from its own ChaCha8 stream. A stream's key is derived from the scenario
//! seed and the concern's *name* only, never from the order in which streams are created or
//! from how many draws another concern made. Two consequences follow:
//!
//! * **Reproducibility**: the same seed gives byte-identical draws on every platform (the
//!   derivation below uses only wrapping 64-bit integer arithmetic and little-endian bytes).
//! * **Common random numbers**: changing one concern's parameters (say, a longer handling
//!   time) changes how many draws *that* concern makes, but every other concern still sees
//!   exactly the same sequence, so what-if comparisons differ only where they should.
//!
//! # Derivation (fixed; changing it changes every result, and the golden tests catch that)
//!
//! ```text
//! h      = FNV-1a-64(bytes)                       bytes = concern name (UTF-8)
//! key    = SplitMix64-next(state = seed ^ h)      one SplitMix64 step
//! s      = key;  wᵢ = SplitMix64-next(&mut s)     for i in 0..4
//! ChaCha8Rng::from_seed(w₀ ‖ w₁ ‖ w₂ ‖ w₃)         each wᵢ as 8 little-endian bytes
//! ```
//!
//! A substream (one per agent, per room, …) uses the same derivation on the bytes
//! `name ‖ 0xFF ‖ index as 8 little-endian bytes`. The byte `0xFF` never occurs in UTF-8, so
//! no substream's bytes equal any concern name's bytes, and distinct `(name, index)` pairs give
//! distinct byte strings.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
/// SplitMix64 increment (2⁶⁴ / φ).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
/// Domain separator of replication seeds (the ASCII bytes of `REPLICAT`), so that deriving a
/// replication seed is never the same computation as deriving a stream key.
const REPLICATION_DOMAIN: u64 = 0x5245_504c_4943_4154;

/// FNV-1a, 64-bit, over `bytes`.
///
/// Chosen because it is tiny, byte-order independent and specified exactly, so a concern name
/// hashes to the same value on every platform and Rust version (unlike `std`'s `Hasher`s,
/// whose output is not guaranteed to be stable).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// One SplitMix64 step: advances `state` and returns the next output.
///
/// SplitMix64's output function is a bijective avalanche mix, so nearby inputs (seeds 1, 2, 3;
/// replication 0, 1, 2) give unrelated outputs.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN_GAMMA);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Builds a ChaCha8 generator from a 64-bit key by expanding it to the 32-byte ChaCha seed
/// with four SplitMix64 steps (little-endian bytes, so the result is platform independent).
fn chacha_from_key(key: u64) -> ChaCha8Rng {
    let mut state = key;
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    ChaCha8Rng::from_seed(seed)
}

/// The factory of a run's random streams: holds only the scenario seed, so it is cheap to copy
/// and every stream can be (re)created independently at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Streams {
    seed: u64,
}

impl Streams {
    /// Streams of the scenario seed `seed`.
    pub fn new(seed: u64) -> Streams {
        Streams { seed }
    }

    /// The scenario seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream of one concern, e.g. `"arrivals"` or `"handling"`.
    ///
    /// Calling this twice with the same name returns two generators at the same starting
    /// point; a concern should create its stream once and keep drawing from it.
    pub fn stream(&self, concern: &str) -> ChaCha8Rng {
        chacha_from_key(self.key(concern.as_bytes()))
    }

    /// The `index`-th substream of a concern, for per-entity randomness (one per agent, say),
    /// so that adding an entity does not shift the draws of the others.
    ///
    /// Distinct from [`Streams::stream`] of every name and from every other `(concern, index)`.
    pub fn substream(&self, concern: &str, index: u64) -> ChaCha8Rng {
        let mut bytes = Vec::with_capacity(concern.len() + 9);
        bytes.extend_from_slice(concern.as_bytes());
        bytes.push(0xFF);
        bytes.extend_from_slice(&index.to_le_bytes());
        chacha_from_key(self.key(&bytes))
    }

    /// The 64-bit ChaCha key material of a byte string under this seed.
    fn key(&self, bytes: &[u8]) -> u64 {
        let mut state = self.seed ^ fnv1a64(bytes);
        splitmix64(&mut state)
    }
}

/// The scenario seed of replication `replication` of a run seeded with `seed`.
///
/// Replications are hashed rather than added (`seed + r`) so that replication 1 of seed 1 is
/// not replication 0 of seed 2; for a fixed `seed` the map `replication ↦ result` is a
/// bijection (SplitMix64's mix is invertible), so distinct replications never share a seed.
/// Replication 0 is *not* the base seed itself: every replication is derived the same way.
///
/// ```text
/// base = SplitMix64-next(state = seed ^ REPLICATION_DOMAIN)
/// out  = SplitMix64-next(state = base ^ replication)
/// ```
pub fn derive_seed(seed: u64, replication: u64) -> u64 {
    let mut state = seed ^ REPLICATION_DOMAIN;
    let base = splitmix64(&mut state);
    let mut state = base ^ replication;
    splitmix64(&mut state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(mut r: ChaCha8Rng, n: usize) -> Vec<u64> {
        (0..n).map(|_| r.next_u64()).collect()
    }

    #[test]
    fn fnv_and_splitmix_reference_values() {
        // Published FNV-1a-64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        // SplitMix64 reference output for state 0 (as in Vigna's splitmix64.c).
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut s), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn same_seed_and_name_give_same_sequence() {
        let a = Streams::new(42);
        let b = Streams::new(42);
        assert_eq!(first(a.stream("arrivals"), 16), first(b.stream("arrivals"), 16));
        assert_eq!(first(a.substream("agent", 7), 16), first(b.substream("agent", 7), 16));
    }

    #[test]
    fn different_names_seeds_and_indices_differ() {
        let s = Streams::new(42);
        let arrivals = first(s.stream("arrivals"), 4);
        assert_ne!(arrivals, first(s.stream("handling"), 4));
        assert_ne!(arrivals, first(Streams::new(43).stream("arrivals"), 4));
        assert_ne!(first(s.substream("agent", 0), 4), first(s.substream("agent", 1), 4));
        assert_ne!(first(s.substream("agent", 0), 4), first(s.stream("agent"), 4));
    }

    #[test]
    fn a_concern_is_unaffected_by_other_concerns() {
        // Common random numbers: however much another stream is used, this one is unchanged.
        let s = Streams::new(7);
        let alone = first(s.stream("patience"), 8);
        let mut other = s.stream("handling");
        for _ in 0..1000 {
            other.next_u64();
        }
        assert_eq!(alone, first(s.stream("patience"), 8));
    }

    #[test]
    fn golden_first_values() {
        // Pinned: a change here means every scenario's results change.
        let s = Streams::new(0);
        assert_eq!(s.stream("arrivals").next_u64(), GOLDEN_ARRIVALS_0);
        assert_eq!(Streams::new(42).stream("handling").next_u64(), GOLDEN_HANDLING_42);
        assert_eq!(Streams::new(42).substream("agent", 3).next_u64(), GOLDEN_AGENT3_42);
        assert_eq!(derive_seed(42, 0), GOLDEN_REPL_42_0);
        assert_eq!(derive_seed(42, 1), GOLDEN_REPL_42_1);
    }

    const GOLDEN_ARRIVALS_0: u64 = 0xd23e_beab_71eb_604b;
    const GOLDEN_HANDLING_42: u64 = 0xe8f5_3d61_9a2a_1b42;
    const GOLDEN_AGENT3_42: u64 = 0x5c72_11b1_4831_37e5;
    const GOLDEN_REPL_42_0: u64 = 0xc230_650c_a65b_1dd1;
    const GOLDEN_REPL_42_1: u64 = 0xfe79_fd86_b3aa_11ae;

    #[test]
    fn replication_seeds_are_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..20 {
            for r in 0..50 {
                assert!(seen.insert(derive_seed(seed, r)));
            }
        }
    }
}
