//! Boundaries the architecture promises (D5, ARCHITECTURE.md): the engine is pure.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable source folder") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn d5_the_engine_does_no_io_draws_no_randomness_and_reads_no_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 10, "found the engine sources");
    let forbidden = [
        "polars",
        "plotters",
        "serde_yaml",
        "clap",
        "std::fs",
        "std::io",
        "std::net",
        "rand::",
        "rand_chacha",
        "rand_distr",
        "SystemTime",
        "Instant::",
        "thread_rng",
        "std::env",
    ];
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                assert!(!code.contains(word), "{}: the engine must not use `{word}`: {line}", f.display());
            }
        }
    }
}
