//! Native checks that the build configuration agrees with itself: the wasm-bindgen version in
//! Cargo.toml, Cargo.lock and Trunk.toml must match exactly (Trunk refuses a mismatched CLI,
//! and with `offline = true` it cannot download another), and index.html must build the app.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> String {
    let lock = read("Cargo.lock");
    let header = format!("name = \"{package}\"\n");
    let start = lock.find(&header).unwrap_or_else(|| panic!("{package} is not in Cargo.lock"));
    let rest = &lock[start + header.len()..];
    let line = rest.lines().next().unwrap_or_default();
    line.trim_start_matches("version = ").trim_matches('"').to_owned()
}

#[test]
fn wasm_bindgen_versions_agree() {
    let locked = locked_version("wasm-bindgen");
    let cargo_toml = read("Cargo.toml");
    assert!(
        cargo_toml.contains(&format!("wasm-bindgen = \"={locked}\"")),
        "Cargo.toml must pin wasm-bindgen = \"={locked}\" (the CLI must match it exactly)"
    );
    let trunk = read("Trunk.toml");
    assert!(
        trunk.contains(&format!("wasm_bindgen = \"{locked}\"")),
        "Trunk.toml [tools] wasm_bindgen must be {locked}, as in Cargo.lock"
    );
}

#[test]
fn trunk_builds_offline_with_npm_wasm_opt() {
    let trunk = read("Trunk.toml");
    assert!(trunk.contains("offline = true"));
    assert!(trunk.contains("wasm_opt = \"version_132\""));
    let package = read("package.json");
    assert!(
        package.contains("\"binaryen\": \"132.0.0\""),
        "package.json must pin binaryen 132.0.0 to match Trunk.toml's wasm_opt"
    );
}

#[test]
fn index_html_builds_the_app_with_its_assets() {
    let index = read("index.html");
    for needle in [
        // The page fetches its lessons from the copied `lessons/` folder (feature lazy-lessons).
        r#"<link data-trunk rel="rust" data-bin="brokerlab" data-wasm-opt="z" data-cargo-features="lazy-lessons" />"#,
        r#"<link data-trunk rel="css" href="www/style.css" />"#,
        r#"<link data-trunk rel="copy-dir" href="www/lessons" />"#,
        r#"<div id="app"></div>"#,
    ] {
        assert!(index.contains(needle), "index.html lacks {needle}");
    }
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("www/lessons").is_dir());
}
