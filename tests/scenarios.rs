//! The regression suite: every scenario file under `scenarios/` is one test, named by its path,
//! that runs the scenario (invariants on) and checks its `expect:` section.

use std::path::Path;

use consult_sim::check::runner::{check_file, collect};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = collect(&[root.join("scenarios")]);
    let trials = files
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "bench"))
        .map(|p| {
            let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            Trial::test(name, move || {
                let r = check_file(&p);
                if r.passed() { Ok(()) } else { Err(Failed::from(r.failures())) }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
