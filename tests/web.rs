//! Browser tests: `cargo test --target wasm32-unknown-unknown --test web` runs them in headless
//! Chromium through wasm-bindgen-test-runner (see `.cargo/config.toml`, `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use brokerlab::store::{Store, StoreError};
use brokerlab::ui::components::console::STARTING_UP;
use brokerlab::ui::components::header::TAGLINE;
use brokerlab::ui::App;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlFormElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Progress {
    lesson: String,
    step: u32,
    done: Vec<String>,
}

#[wasm_bindgen_test]
async fn store_writes_and_reads_back_through_indexeddb() -> Result<(), StoreError> {
    let name = "brokerlab-test-roundtrip";
    Store::delete_database(name).await?;
    let store = Store::open_named(name).await?;
    assert_eq!(store.name(), name);

    let missing: Option<Progress> = store.get("progress").await?;
    assert_eq!(missing, None, "a fresh database has no value");

    let progress = Progress { lesson: "topics-and-partitions".into(), step: 2, done: vec!["what-is-a-broker".into()] };
    store.put("progress", &progress).await?;
    let read: Option<Progress> = store.get("progress").await?;
    assert_eq!(read.as_ref(), Some(&progress));

    let next = Progress { step: 3, ..progress };
    store.put("progress", &next).await?;
    let read: Option<Progress> = store.get("progress").await?;
    assert_eq!(read, Some(next), "put replaces the previous value");

    store.close();
    Store::delete_database(name).await
}

#[wasm_bindgen_test]
async fn store_reports_a_value_of_the_wrong_shape_as_an_error() -> Result<(), StoreError> {
    let name = "brokerlab-test-decode";
    Store::delete_database(name).await?;
    let store = Store::open_named(name).await?;
    store.put("progress", "not a progress record").await?;
    let read = store.get::<Progress>("progress").await;
    assert!(matches!(read, Err(StoreError::Decode { .. })), "expected a decode error, got {read:?}");
    if let Err(error) = read {
        assert!(error.to_string().contains("`progress`"), "{error}");
    }
    store.close();
    Store::delete_database(name).await
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn cast<T: JsCast>(element: Element, what: &str) -> T {
    element.dyn_into::<T>().unwrap_or_else(|_| panic!("{what} has an unexpected element type"))
}

#[wasm_bindgen_test]
async fn app_shows_the_three_areas_and_the_console_answers() {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a root element");
    document.body().expect("page has a body").append_child(&root).expect("attach root");

    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    assert_eq!(find(&root, "#title").text_content().as_deref(), Some("Brokerlab"));
    assert_eq!(find(&root, "[data-testid=tagline]").text_content().as_deref(), Some(TAGLINE));
    for area in ["#cluster", "#console", "#lesson", "#console-output", "#console-input"] {
        find(&root, area);
    }

    // Typing a command and pressing Enter (submitting the prompt) echoes it with a reply.
    let input: HtmlInputElement = cast(find(&root, "#console-input"), "#console-input");
    input.set_value("  kafka-topics.sh --list ");
    let form: HtmlFormElement = cast(find(&root, "#console form"), "console form");
    form.request_submit().expect("submit the console prompt");
    yew::scheduler::flush().await;

    let lines: Vec<String> = {
        let items = find(&root, "#console-output").query_selector_all("li").expect("list console lines");
        (0..items.length()).filter_map(|i| items.item(i)).filter_map(|node| node.text_content()).collect()
    };
    let n = lines.len();
    assert!(n >= 2, "expected the command and its reply, got {lines:?}");
    assert_eq!(lines[n - 2], "$ kafka-topics.sh --list");
    assert_eq!(lines[n - 1], STARTING_UP);
    assert_eq!(input.value(), "", "the prompt is cleared after Enter");

    // An empty command adds nothing.
    form.request_submit().expect("submit an empty prompt");
    yew::scheduler::flush().await;
    let after = find(&root, "#console-output").child_element_count();
    assert_eq!(after as usize, n);

    // The header button hides and shows the lesson panel.
    let lesson = find(&root, "#lesson");
    let toggle: HtmlElement = cast(find(&root, "#lesson-toggle"), "#lesson-toggle");
    assert!(!lesson.has_attribute("hidden"));
    toggle.click();
    yew::scheduler::flush().await;
    assert!(find(&root, "#lesson").has_attribute("hidden"));
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("false"));
    toggle.click();
    yew::scheduler::flush().await;
    assert!(!find(&root, "#lesson").has_attribute("hidden"));

    app.destroy();
    root.remove();
}

/// Engine I: the same seed gives the same trace in wasm as natively (tests/determinism.rs
/// checks the native side against the same pinned value).
#[wasm_bindgen_test]
fn the_reference_scenario_hashes_the_same_in_wasm() {
    let sim = brokerlab::sim::scenarios::reference_scenario(42);
    assert_eq!(sim.trace_hash(), brokerlab::sim::scenarios::REFERENCE_TRACE_HASH);
}
