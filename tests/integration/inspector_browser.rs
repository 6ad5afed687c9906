//! The web inspector in Debian's headless Chromium: runs tests/browser/inspector.test.mjs (node:test
//! driving the browser through playwright-core) against this build's `whk listen`, `whk trigger`
//! and an app that verifies signatures with stripe-node. ./scripts/test installs the pinned npm
//! packages; .ci/run installs chromium. Screenshots land in target/browser-screenshots
//! (`WHK_SCREENSHOT_DIR=doc` refreshes the README's).

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn the_inspector_works_in_a_real_browser() {
    let chromium = std::env::var_os("WHK_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        eprintln!(
            "\n******** SKIPPED the inspector browser test: {} is missing. Install it with \
             `apt-get install chromium` (.ci/run does) or point WHK_CHROMIUM at a Chromium. ********\n",
            chromium.display()
        );
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "{} has no node_modules: run ./scripts/test, which installs its package-lock.json (or `npm ci` there)",
        dir.display()
    );
    let run = Command::new("node")
        .args(["--test", "inspector.test.mjs"])
        .current_dir(&dir)
        .env("WHK_BIN", env!("CARGO_BIN_EXE_whk"))
        .env("WHK_CHROMIUM", &chromium)
        .output()
        .expect("node runs (the machine ships Node 20; .ci/run installs it otherwise)");
    assert!(
        run.status.success(),
        "the browser test failed\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}
