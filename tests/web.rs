//! Browser tests: `cargo test --target wasm32-unknown-unknown --test web` runs them in headless
//! Chromium through wasm-bindgen-test-runner (see `.cargo/config.toml`, `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use brokerlab::store::{Store, StoreError};
use brokerlab::ui::components::header::TAGLINE;
use brokerlab::ui::App;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

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

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// Presses a key in an element the way a person does (a bubbling `keydown`).
fn press(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keyboard event");
    el.dispatch_event(&e).expect("dispatch keydown");
}

#[wasm_bindgen_test]
async fn the_app_shows_a_live_cluster_and_runs_kafka_tools_typed_in_its_console() {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a root element");
    document.body().expect("page has a body").append_child(&root).expect("attach root");

    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    assert_eq!(find(&root, "#title").text_content().as_deref(), Some("Brokerlab"));
    assert_eq!(find(&root, "[data-testid=tagline]").text_content().as_deref(), Some(TAGLINE));
    // The first-visit cluster: three brokers, a controller, the demo producer.
    for id in
        ["broker-1", "broker-2", "broker-3", "controller-1001", "client-checkout", "diagram", "console", "scrubber"]
    {
        find(&root, &format!("[data-testid={id}]"));
    }

    // The requests in flight are drawn on a canvas over the diagram: an image with a name,
    // described by the legend that counts each kind in flight as text.
    let flights = find(&root, "[data-testid=flights]");
    assert_eq!(flights.tag_name().to_lowercase(), "canvas");
    assert_eq!(flights.get_attribute("role").as_deref(), Some("img"));
    assert!(flights.get_attribute("aria-label").unwrap_or_default().starts_with("Requests in flight"));
    let described = flights.get_attribute("aria-describedby").expect("the canvas is described");
    assert!(
        text(&root, &format!("#{described}")).starts_with("In flight:"),
        "{}",
        text(&root, &format!("#{described}"))
    );

    // A Kafka tool typed in the console and Enter: the topic is created and the focus list
    // offers it.
    let input: HtmlInputElement = cast(find(&root, "#console-input"), "#console-input");
    input.set_value("kafka-topics --bootstrap-server localhost:9092 --create --topic payments --partitions 2 --replication-factor 3");
    press(&input, "Enter");
    yew::scheduler::flush().await;
    let out = text(&root, "[data-testid=console-output]");
    assert!(out.contains("Created topic payments."), "console output: {out}");
    assert_eq!(input.value(), "", "the prompt is cleared after Enter");
    let focus: web_sys::HtmlSelectElement = cast(find(&root, "[data-testid=focus]"), "focus select");
    let options: Vec<String> =
        (0..focus.length()).filter_map(|i| focus.item(i)).filter_map(|o| o.text_content()).collect();
    assert!(options.iter().any(|o| o == "payments"), "topic focus options: {options:?}");

    // ↑ brings the command back from the history.
    press(&input, "ArrowUp");
    assert!(input.value().contains("--topic payments"), "history: {}", input.value());
    input.set_value("");

    // A malformed command gets a clear error, marked as such, and the page keeps going.
    input.set_value("kafka-topics --bootstrap-server localhost:9092 --create");
    press(&input, "Enter");
    yew::scheduler::flush().await;
    let errors = root.query_selector_all(".term__line--stderr").expect("query").length();
    assert!(errors >= 1, "the error line is marked as stderr");

    // Pause, then a single step advances simulated time by exactly one event.
    let play: HtmlElement = cast(find(&root, "[data-testid=play]"), "play");
    play.click();
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-testid=play]").contains("Play"), "paused: {}", text(&root, "[data-testid=play]"));

    // Clicking a broker opens its details in the inspector.
    let head = find(&root, "[data-testid=broker-2] .node__head");
    let click = web_sys::MouseEventInit::new();
    click.set_bubbles(true);
    let _ = &click;
    head.dispatch_event(&web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &click).expect("click"))
        .expect("click broker 2");
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-testid=inspector]").contains("Broker 2"), "{}", text(&root, "[data-testid=inspector]"));

    // The partition table lists every partition of the new topic.
    let table: HtmlElement = cast(find(&root, "[data-testid=mode-partitions]"), "partitions mode");
    table.click();
    yew::scheduler::flush().await;
    let rows = text(&root, "[data-testid=partition-table]");
    assert!(rows.contains("payments-0") && rows.contains("payments-1"), "{rows}");

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

/// The overview at 10 brokers × 200 partitions (`?bench=ui-large`): shown by default, a cell
/// per replica with its letter, named and keyboard-operable zoom into a topic, back, and into
/// a broker.
#[wasm_bindgen_test]
async fn a_large_cluster_opens_on_the_overview_which_zooms_by_keyboard() {
    let window = gloo::utils::window();
    let history = window.history().expect("history");
    let before = window.location().href().expect("href");
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?bench=ui-large")).expect("set query");
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a root element");
    document.body().expect("page has a body").append_child(&root).expect("attach root");
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before)).expect("restore the address");

    let summary = text(&root, "[data-testid=overview-summary]");
    assert!(summary.starts_with("200 partitions on 10 brokers;"), "{summary}");
    let grid = find(&root, "[data-testid=overview-grid]");
    assert!(grid.get_attribute("aria-label").unwrap_or_default().contains("200 partitions"));
    let cells = || root.query_selector_all(".ocell").expect("query").length();
    assert_eq!(cells(), 600, "one cell per replica (200 partitions × RF 3)");
    let letters = root.query_selector_all(".ocell--leader text").expect("query");
    assert_eq!(letters.length(), 200, "one leader per partition");
    assert_eq!(letters.item(0).and_then(|n| n.text_content()).as_deref(), Some("L"), "the state reads without colour");
    // The overview's mode button is the pressed one.
    assert_eq!(find(&root, "[data-testid=mode-overview]").get_attribute("aria-pressed").as_deref(), Some("true"));

    // Every zoom target is a named, focusable button.
    let titles = root.query_selector_all(".ov__title").expect("query");
    assert_eq!(titles.length(), 4, "one title per topic");
    let rows = root.query_selector_all(".ov__row").expect("query");
    assert_eq!(rows.length(), 40, "ten broker rows in each of the four topics' blocks");
    for i in 0..titles.length() {
        let t: Element = cast(titles.item(i).expect("title").dyn_into().expect("element"), "title");
        assert_eq!(t.get_attribute("tabindex").as_deref(), Some("0"));
        assert!(t.get_attribute("aria-label").unwrap_or_default().starts_with("Zoom into topic "));
    }

    // Enter on a topic's title zooms into it; the back button returns.
    let first: Element = cast(titles.item(0).expect("title").dyn_into().expect("element"), "title");
    let topic = first.get_attribute("aria-label").unwrap_or_default();
    press(&first, "Enter");
    yew::scheduler::flush().await;
    let summary = text(&root, "[data-testid=overview-summary]");
    assert!(summary.starts_with("topic ") && summary.contains(": 50 partitions"), "{summary} (after {topic})");
    assert_eq!(cells(), 150, "the topic's 50 partitions × RF 3");
    let back: HtmlElement = cast(find(&root, "[data-testid=overview-back]"), "back");
    back.click();
    yew::scheduler::flush().await;
    assert_eq!(cells(), 600);

    // Enter on a broker's label zooms into its row.
    let row: Element = cast(root.query_selector(".ov__row").ok().flatten().expect("a row"), "row");
    assert!(row.get_attribute("aria-label").unwrap_or_default().starts_with("Zoom into broker 1"));
    press(&row, "Enter");
    yew::scheduler::flush().await;
    let summary = text(&root, "[data-testid=overview-summary]");
    assert!(summary.starts_with("broker 1: replicas of 200 partitions"), "{summary}");
    let on_1 = cells();
    assert!(on_1 > 0 && on_1 < 600, "broker 1 hosts some of the replicas: {on_1}");
    // Its row in every band (a topic's 50 larger cells take two bands), and no other broker's.
    let rows = root.query_selector_all(".ov__row").expect("query");
    assert_eq!(rows.length(), 8, "one row in each of the 4 topics' 2 bands");
    for i in 0..rows.length() {
        let r: Element = cast(rows.item(i).expect("row").dyn_into().expect("element"), "row");
        assert_eq!(r.get_attribute("aria-label").as_deref(), Some("Zoom into broker 1"));
    }

    app.destroy();
    root.remove();
}

/// Resolves at the next animation frame (the app advances the simulation once per frame).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = gloo::utils::window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits up to `frames` animation frames for `selector` to match something under `root`.
async fn frames_until(root: &Element, selector: &str, frames: u32) -> bool {
    for _ in 0..frames {
        if root.query_selector(selector).ok().flatten().is_some() {
            return true;
        }
        next_frame().await;
        yew::scheduler::flush().await;
    }
    root.query_selector(selector).ok().flatten().is_some()
}

/// The Metrics tab lists each node's metrics under their MBean names; ticking one's checkbox
/// charts it, unticking takes the chart away.
#[wasm_bindgen_test]
async fn the_metrics_tab_lists_mbeans_and_a_tick_charts_one() {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a root element");
    document.body().expect("page has a body").append_child(&root).expect("attach root");
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let tab: HtmlElement = cast(find(&root, "#tab-metrics"), "metrics tab");
    tab.click();
    yew::scheduler::flush().await;
    find(&root, "[data-testid=metrics-panel]");
    let row = "[data-testid=metric-row][data-scope='broker 1'][data-metric=UnderReplicatedPartitions]";
    assert!(frames_until(&root, row, 600).await, "the first sample lists broker 1's metrics");
    assert!(
        text(&root, row).contains("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"),
        "{}",
        text(&root, row)
    );
    assert!(root.query_selector("[data-testid=metric-chart]").ok().flatten().is_none(), "nothing charted yet");
    let tick: HtmlElement = cast(find(&root, &format!("{row} input[type=checkbox]")), "checkbox");
    tick.click();
    yew::scheduler::flush().await;
    let chart = "[data-testid=metric-chart][data-metric=UnderReplicatedPartitions]";
    assert!(frames_until(&root, chart, 60).await, "ticked: charted");
    let label = find(&root, &format!("{chart} svg[role=img]")).get_attribute("aria-label").unwrap_or_default();
    assert!(label.starts_with("broker 1 · UnderReplicatedPartitions from second "), "{label}");
    let tick: HtmlElement = cast(find(&root, &format!("{row} input[type=checkbox]")), "checkbox");
    tick.click();
    yew::scheduler::flush().await;
    assert!(frames_until(&root, "[data-testid=metrics-no-chart]", 60).await, "unticked: no chart");
    app.destroy();
    root.remove();
}
