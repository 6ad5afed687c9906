//! The fuzz targets on stable, in `cargo test`: every input of the committed corpus
//! (fuzz/corpus/TARGET/) goes through the target's body, then a bounded number of mutations of
//! them from a fixed seed, so a CI run is repeatable. Coverage-guided runs are cargo-fuzz's job
//! (./scripts/fuzz); this keeps what they found (and the seeds) passing on every change.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

/// Mutations per target on top of the corpus; `WHK_FUZZ_REPLAY_MUTATIONS` changes it.
const MUTATIONS: usize = 1_000;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    // A file can vanish between listing and reading while cargo-fuzz minimises the same folder.
    let inputs: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    assert!(!inputs.is_empty(), "no corpus in {}", dir.display());
    inputs
}

/// libFuzzer's cheapest moves: flip, insert, delete, duplicate a run, splice two inputs, insert syntax.
fn mutate(rng: &mut StdRng, inputs: &[Vec<u8>]) -> Vec<u8> {
    let mut data = inputs[rng.gen_range(0..inputs.len())].clone();
    for _ in 0..rng.gen_range(1..=4) {
        let at = if data.is_empty() { 0 } else { rng.gen_range(0..data.len()) };
        match rng.gen_range(0..6) {
            0 if !data.is_empty() => data[at] ^= 1 << rng.gen_range(0..8),
            1 => data.insert(at, rng.gen()),
            2 if !data.is_empty() => {
                data.remove(at);
            }
            3 => {
                let end = (at + rng.gen_range(1..16)).min(data.len());
                let run = data[at..end].to_vec();
                data.splice(at..at, run);
            }
            4 => {
                let other = &inputs[rng.gen_range(0..inputs.len())];
                let from = rng.gen_range(0..=other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            _ => {
                let syntax = b"{}[]\",:=.\\\r\n0-9ety";
                data.insert(at, syntax[rng.gen_range(0..syntax.len())]);
            }
        }
    }
    data
}

fn replay(target: &str, run: fn(&[u8])) {
    let inputs = corpus(target);
    for input in &inputs {
        run(input);
    }
    let mutations = std::env::var("WHK_FUZZ_REPLAY_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(MUTATIONS);
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..mutations {
        let input = mutate(&mut rng, &inputs);
        run(&input);
    }
}

#[test]
fn fuzz_corpus_signature_header() {
    replay("signature_header", harness::signature_header);
}

#[test]
fn fuzz_corpus_override_path() {
    replay("override_path", harness::override_path);
}

#[test]
fn fuzz_corpus_template_render() {
    replay("template_render", harness::template_render);
}

#[test]
fn fuzz_corpus_fixture_file() {
    replay("fixture_file", harness::fixture_file);
}

#[test]
fn fuzz_corpus_listen_request() {
    replay("listen_request", harness::listen_request);
}

#[test]
fn fuzz_corpus_store_line() {
    replay("store_line", harness::store_line);
}
