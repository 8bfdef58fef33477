//! Save and share: whether the session is saved (and if not, why), a link to this exact
//! scenario (and a read-only embed link), JSON export and import, and the real-Kafka export.

use crate::lab::Event as LabEvent;
use crate::ui::context::LabContext;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct ShareProps {
    /// Saving state in words ("" when saving works).
    pub(crate) saving: AttrValue,
    pub(crate) saved_at: Option<u64>,
    pub(crate) linked: bool,
    pub(crate) shared_link: Option<AttrValue>,
    /// Another tab saves this session: offer to take over.
    #[prop_or_default]
    pub(crate) read_only: bool,
}

#[component]
pub(crate) fn Share(props: &ShareProps) -> Html {
    let ctx = use_context::<LabContext>().expect("LabContext");
    let details_ref = use_node_ref();
    // A click outside the open panel, or Escape, closes it, as a popover does.
    {
        let details_ref = details_ref.clone();
        use_effect_with((), move |_| {
            let doc = gloo::utils::document();
            let close = {
                let details_ref = details_ref.clone();
                move |target: Option<web_sys::Node>| {
                    if let Some(d) = details_ref.cast::<web_sys::HtmlDetailsElement>() {
                        let inside = target.map(|t| d.contains(Some(&t))).unwrap_or(false);
                        if d.open() && !inside {
                            d.set_open(false);
                        }
                    }
                }
            };
            let close_click = close.clone();
            let click = gloo::events::EventListener::new(&doc, "click", move |e| {
                close_click(e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok()));
            });
            let key = gloo::events::EventListener::new(&doc, "keydown", move |e| {
                if let Some(k) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(e) {
                    if k.key() == "Escape" {
                        close(None);
                    }
                }
            });
            move || drop((click, key))
        });
    }
    let send = |a: LabEvent| {
        let d = ctx.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let import = {
        let d = ctx.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => d.emit(LabEvent::ImportJson(text.as_string().unwrap_or_default())),
                    Err(_) => d.emit(LabEvent::ImportJson(String::new())),
                }
            });
        })
    };
    let state = if props.linked {
        "shared scenario · not saved".to_string()
    } else if props.saving.is_empty() {
        match props.saved_at {
            Some(ms) => format!("saved in this browser (the moment t = {})", crate::lab::view::fmt_clock(ms)),
            None => "saving in this browser".to_string(),
        }
    } else {
        props.saving.to_string()
    };
    html! {
        <details class="share" data-testid="share" ref={details_ref}>
            <summary class="button">{ "Save & share" }</summary>
            <div class="share__panel">
                <p class={classes!("share__state", (!props.saving.is_empty() || props.linked).then_some("share__state--off"))} data-testid="saving-state">{ state }</p>
                if props.read_only {
                    <button type="button" class="button button--primary" onclick={send(LabEvent::TakeOver)} data-testid="take-over">{ "Take over: save in this tab" }</button>
                }
                if props.linked {
                    <button type="button" class="button button--primary" onclick={send(LabEvent::KeepLinked)} data-testid="keep-linked">{ "Keep as my sandbox" }</button>
                }
                <button type="button" class="button" onclick={send(LabEvent::CopyLink { embed: false })} data-testid="copy-link">{ "Copy link to this scenario" }</button>
                <button type="button" class="button" onclick={send(LabEvent::CopyLink { embed: true })}>{ "Copy read-only embed link" }</button>
                if let Some(l) = &props.shared_link {
                    <input class="share__link" type="text" readonly=true value={l.clone()} aria-label="The link" data-testid="shared-link" />
                }
                <button type="button" class="button" onclick={send(LabEvent::ExportJson)}>{ "Export scenario (JSON)" }</button>
                <label class="button share__import">
                    { "Import scenario (JSON)…" }
                    <input type="file" accept="application/json,.json" onchange={import} class="visually-hidden" data-testid="import" />
                </label>
                <button type="button" class="button" onclick={send(LabEvent::DraftLesson)}>{ "Turn this sandbox into a lesson draft (file)" }</button>
                <button type="button" class="button" onclick={send(LabEvent::DraftLink)} data-testid="draft-link">{ "Copy a link to it as a lesson draft" }</button>
                <button type="button" class="button" onclick={send(LabEvent::ExportRealKafka)}>{ "Run it on real Kafka (docker-compose + script)" }</button>
            </div>
        </details>
    }
}
