//! The shape of `src/`, checked on every `cargo test` so it stays as issue 13 left it:
//!
//! * the rooms are layered: the engine (`sim`) imports no other room, the console only the
//!   engine, and so on up to the page (`ui`), which may use everything; web crates appear only
//!   in `store` and `ui` (the engine and the lab stay native and testable);
//! * no import circles between the modules (files) of `src/`, test modules included: a module
//!   naming its own parent does not count (that is how Rust nests modules);
//! * no `#[allow(dead_code)]` hiding unused code, no `#[allow(clippy::too_many_arguments)]`;
//! * `pub(crate)` by default: an item is `pub` only when something outside the library crate
//!   (`src/main.rs`, `tests/`, `benches/`) names it or a `pub` item's interface needs it, so the
//!   compiler reports whatever the crate itself stops using as dead.
//!
//! References are read from the text: `use` trees and paths written inline (`crate::a::b`,
//! `super::x`, groups `{a, b::c}`), comments left out. A module is a file (`x/mod.rs` is `x`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each room and the rooms it may import, bottom up.
const LAYERS: &[(&str, &[&str])] = &[
    ("sim", &[]),
    ("console", &["sim"]),
    ("scenario", &["sim", "console"]),
    ("lessons", &["sim", "console", "scenario"]),
    ("lab", &["sim", "console", "scenario", "lessons"]),
    ("store", &["sim", "console", "scenario", "lessons", "lab"]),
    ("ui", &["sim", "console", "scenario", "lessons", "lab", "store"]),
];

const WEB_CRATES: &[&str] = &["yew", "web_sys", "js_sys", "gloo", "wasm_bindgen", "wasm_bindgen_futures", "rexie"];

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/sim/broker/group.rs` is `sim::broker::group`, `src/sim/mod.rs` is `sim`; the crate
/// roots are the empty path.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).expect("under src/").with_extension("");
    let mut parts: Module = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// The text without `//` comments (doc comments included).
fn code(text: &str) -> String {
    text.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads the use tree starting at `at` (just after `crate::` or the last `super::`), pushing
/// every path it names, each prefixed with `base`.
fn use_tree(text: &[char], mut at: usize, base: &Module, out: &mut Vec<Module>) -> usize {
    let mut path = base.clone();
    loop {
        while at < text.len() && text[at].is_whitespace() {
            at += 1;
        }
        if at < text.len() && text[at] == '{' {
            at += 1;
            loop {
                at = use_tree(text, at, &path, out);
                while at < text.len() && (text[at].is_whitespace() || text[at] == ',') {
                    at += 1;
                }
                if at >= text.len() || text[at] == '}' {
                    return at + 1;
                }
            }
        }
        let start = at;
        while at < text.len() && is_ident(text[at]) {
            at += 1;
        }
        if start == at {
            out.push(path);
            return at;
        }
        path.push(text[start..at].iter().collect());
        if text.get(at..at + 2) == Some(&[':', ':'][..]) {
            at += 2;
        } else {
            out.push(path);
            return at;
        }
    }
}

/// Every path `crate::…` or `super::…` in `text`, resolved from module `me`.
fn references(text: &str, me: &Module) -> Vec<Module> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != ':';
        let starts = |w: &str| chars[i..].iter().take(w.len()).copied().eq(w.chars());
        let (is_crate, is_super) = (boundary && starts("crate::"), boundary && starts("super::"));
        if is_crate {
            i = use_tree(&chars, i + "crate::".len(), &Vec::new(), &mut out);
        } else if is_super {
            let mut base = me.clone();
            while chars[i..].iter().take(7).copied().eq("super::".chars()) {
                base.pop();
                i += "super::".len();
            }
            i = use_tree(&chars, i, &base, &mut out);
        } else {
            i += 1;
        }
    }
    out
}

struct Source {
    module: Module,
    file: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .iter()
        .map(|f| Source {
            module: module_of(&src, f),
            file: f.strip_prefix(&src).expect("under src/").display().to_string(),
            code: code(&std::fs::read_to_string(f).expect("a source file is readable")),
        })
        .collect()
}

/// Module → the modules it names (resolved to the longest existing module), with the files
/// that do, for the message.
fn import_graph(sources: &[Source]) -> BTreeMap<Module, BTreeMap<Module, String>> {
    let modules: BTreeSet<&Module> = sources.iter().map(|s| &s.module).collect();
    let mut graph: BTreeMap<Module, BTreeMap<Module, String>> = BTreeMap::new();
    for s in sources {
        for path in references(&s.code, &s.module) {
            let Some(target) = (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p)) else {
                continue;
            };
            // A module naming itself, its parent or an ancestor is how Rust nests modules.
            if s.module.starts_with(&target) {
                continue;
            }
            graph.entry(s.module.clone()).or_default().entry(target).or_insert_with(|| s.file.clone());
        }
    }
    graph
}

#[test]
fn the_rooms_are_layered_and_web_crates_stay_in_the_page() {
    let mut wrong = Vec::new();
    for s in sources() {
        let Some(room) = s.module.first() else { continue };
        let Some((_, allowed)) = LAYERS.iter().find(|(r, _)| r == room) else {
            wrong.push(format!("{}: room `{room}` is not in LAYERS", s.file));
            continue;
        };
        for path in references(&s.code, &s.module) {
            if let Some(other) = path.first() {
                if other != room && LAYERS.iter().any(|(r, _)| r == other) && !allowed.contains(&other.as_str()) {
                    wrong.push(format!("{} imports crate::{other}", s.file));
                }
            }
        }
        if !matches!(room.as_str(), "store" | "ui") {
            for web in WEB_CRATES {
                if s.code.contains(&format!("{web}::")) {
                    wrong.push(format!("{} uses the web crate {web}", s.file));
                }
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_modules_of_src_import_each_other_without_circles() {
    let graph = import_graph(&sources());
    // Depth-first search for a back edge; the first circle found is reported with its files.
    fn visit(
        m: &Module,
        graph: &BTreeMap<Module, BTreeMap<Module, String>>,
        state: &mut BTreeMap<Module, bool>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        match state.get(m) {
            Some(true) => {
                let from = stack.iter().position(|x| x == m).expect("on the stack");
                return Some(stack[from..].to_vec());
            }
            Some(false) => return None,
            None => {}
        }
        state.insert(m.clone(), true);
        stack.push(m.clone());
        for next in graph.get(m).map(|e| e.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
            if let Some(circle) = visit(&next, graph, state, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        state.insert(m.clone(), false);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if let Some(circle) = visit(m, &graph, &mut state, &mut Vec::new()) {
            let mut lines = Vec::new();
            for (i, a) in circle.iter().enumerate() {
                let b = &circle[(i + 1) % circle.len()];
                lines.push(format!("  {} -> {} ({})", a.join("::"), b.join("::"), graph[a][b]));
            }
            panic!("an import circle in src/:\n{}", lines.join("\n"));
        }
    }
    assert!(graph.len() > 50, "the graph was read ({} modules import others)", graph.len());
}

#[test]
fn no_lint_is_silenced_to_hide_unused_code_or_long_signatures() {
    let mut found = Vec::new();
    for s in sources() {
        for lint in ["dead_code", "clippy::too_many_arguments"] {
            if s.code.contains(&format!("allow({lint})")) {
                found.push(format!("{}: allow({lint})", s.file));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_reader_resolves_groups_and_super() {
    let me: Module = vec!["sim".into(), "broker".into(), "group".into()];
    let got = references(
        "use super::{host::CoordinatorHost, txn};\nlet x = crate::sim::java::f(super::super::types::A);",
        &me,
    );
    let want: Vec<Module> = [
        &["sim", "broker", "host", "CoordinatorHost"][..],
        &["sim", "broker", "txn"],
        &["sim", "java", "f"],
        &["sim", "types", "A"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(got, want);
}

/// The identifiers in `text` (comments already left out).
fn identifiers(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !is_ident(c))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// Every identifier named by the code outside the library crate: the runner, the tests and
/// the benchmarks.
fn named_outside() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("src/main.rs")];
    for dir in ["tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.iter().flat_map(|f| identifiers(&code(&std::fs::read_to_string(f).expect("a file is readable")))).collect()
}

/// `pub struct Name`, `pub fn name` (methods too), … at any indentation: (kind, name). Fields
/// and `pub use` are left to the compiler.
fn pub_item(line: &str) -> Option<(&str, &str)> {
    let mut rest = line.trim_start().strip_prefix("pub ")?;
    while let Some(r) = ["async ", "unsafe ", "const fn "].iter().find_map(|q| rest.strip_prefix(q)) {
        rest = if rest.starts_with("const fn ") { &rest["const ".len()..] } else { r };
    }
    let (kind, rest) = rest.split_once(' ')?;
    if !matches!(kind, "fn" | "struct" | "enum" | "trait" | "type" | "const" | "static" | "mod" | "union") {
        return None;
    }
    let name = rest.trim_start_matches("r#").split(|c: char| !is_ident(c)).next()?;
    (!name.is_empty()).then_some((kind, name))
}

/// The identifiers of the crate's `pub` interface: every line declaring something `pub` (a
/// field's type, a function's signature up to its body), the variants of `pub` enums, the
/// items of `pub` traits and the associated types of trait impls.
fn public_interface(sources: &[Source]) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for s in sources {
        let lines: Vec<&str> = s.code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            // An associated type of a trait impl (`type Message = Msg;` of a Yew component).
            if let Some((_, ty)) = line.strip_prefix("    type ").and_then(|t| t.split_once('=')) {
                words.extend(identifiers(ty));
                continue;
            }
            let Some(rest) = line.trim_start().strip_prefix("pub ") else { continue };
            let indent = &line[..line.len() - line.trim_start().len()];
            let whole_body = rest.starts_with("enum ") || rest.starts_with("trait ");
            for (j, l) in lines[i..].iter().enumerate() {
                // The item's own name is not its interface.
                let l = match pub_item(l) {
                    Some((kind, name)) if j == 0 => {
                        l.split_once(&format!("{kind} {name}")).map_or(*l, |(_, after)| after)
                    }
                    _ => l,
                };
                if whole_body {
                    words.extend(identifiers(l));
                    if j > 0 && l.starts_with(&format!("{indent}}}"))
                        || j == 0 && (l.trim_end().ends_with(';') || l.trim_end().ends_with('}'))
                    {
                        break;
                    }
                } else {
                    let end = l.find(['{', ';']);
                    words.extend(identifiers(&l[..end.unwrap_or(l.len())]));
                    if end.is_some() || rest.starts_with("struct ") || j == 0 && l.trim_end().ends_with(',') {
                        break;
                    }
                }
            }
        }
    }
    words
}

#[test]
fn pub_items_are_named_outside_the_crate_or_needed_by_its_interface() {
    let sources = sources();
    let outside = named_outside();
    let interface = public_interface(&sources);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for s in &sources {
        if s.module.is_empty() {
            continue;
        }
        for (n, line) in s.code.lines().enumerate() {
            let Some((kind, name)) = pub_item(line) else { continue };
            checked += 1;
            let needed = matches!(kind, "struct" | "enum" | "trait" | "type" | "union") && interface.contains(name);
            if !outside.contains(name) && !needed {
                wrong.push(format!(
                    "src/{}:{}: `pub {kind} {name}` is named by nothing outside the library crate \
                     (src/main.rs, tests/, benches/): make it pub(crate) (or narrower)",
                    s.file,
                    n + 1
                ));
            }
        }
    }
    assert!(checked > 300, "the pub items were read ({checked})");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_pub_reader_finds_items_and_their_interface() {
    assert_eq!(pub_item("    pub(crate) fn f() {}"), None);
    assert_eq!(pub_item("    pub fn step<T>(&mut self) {"), Some(("fn", "step")));
    assert_eq!(pub_item("pub const fn ms(v: i64) -> SimTime {"), Some(("fn", "ms")));
    assert_eq!(pub_item("pub struct Flight {"), Some(("struct", "Flight")));
    assert_eq!(pub_item("    pub flights: Rc<Vec<Flight>>,"), None);
    let src = Source {
        module: vec!["lab".into()],
        file: "lab/x.rs".into(),
        code: "pub struct A {\n    pub b: Rc<B>,\n    c: C,\n}\npub enum E {\n    V(F),\n}\npub(crate) enum G {\n    H(I),\n}\npub fn f(\n    j: J,\n) -> K {\n    L\n}\n".into(),
    };
    let words = public_interface(&[src]);
    for w in ["Rc", "B", "V", "F", "J", "K"] {
        assert!(words.contains(w), "{w} in {words:?}");
    }
    for w in ["A", "C", "E", "G", "H", "I", "L"] {
        assert!(!words.contains(w), "{w} not in {words:?}");
    }
}
