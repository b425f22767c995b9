//! The conformance suites of the guests (mksh's check.t, toybox's
//! tests/*.test), natively and under forkless in the same run, compared
//! by tests/conformance/run.sh.
//!
//! Prints the tables; fails when a test passes natively but not under
//! forkless and docs/conformance.md does not explain it (a test that also
//! failed in a native re-run is flaky, not a difference).
//!
//! `cargo test --test conformance`

use std::collections::BTreeSet;
use std::path::Path;

use harness::TestDir;

#[path = "conformance/runner.rs"]
mod runner;

fn lines(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Every `mksh:NAME` / `toybox:NAME` named in backticks in the docs.
fn explained(doc: &str) -> BTreeSet<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.starts_with("mksh:") || t.starts_with("toybox:") || t.starts_with("mawk:"))
        .map(String::from)
        .collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TestDir::new("conformance").expect("a directory for the run");
    let work = dir.path();
    // Both suites' files, and whatever their tests put in $TMPDIR or $HOME,
    // stay in the run's own directory.
    let home = work.join("home");
    std::fs::create_dir_all(&home).expect("the run's directory is writable");
    let status = runner::command(work, &home, &[]).status().expect("bash runs tests/conformance/run.sh");
    assert!(status.success(), "tests/conformance/run.sh failed: {status}");

    let differences = lines(&work.join("differences.txt"));
    let flaky = lines(&work.join("flaky-native.txt"));
    let doc = std::fs::read_to_string(root.join("docs/conformance.md")).expect("docs/conformance.md");
    let known = explained(&doc);
    let unexplained: Vec<&String> = differences.iter().filter(|d| !known.contains(*d) && !flaky.contains(*d)).collect();
    let fixed: Vec<&String> = known.iter().filter(|k| !differences.contains(*k)).collect();
    if !fixed.is_empty() {
        println!("explained in docs/conformance.md but passing under forkless now: {fixed:?}");
    }
    assert!(
        unexplained.is_empty(),
        "pass natively, fail under forkless, and docs/conformance.md does not say why:\n{}",
        unexplained.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    println!("conformance: {} differences, each explained in docs/conformance.md", differences.len());
}
