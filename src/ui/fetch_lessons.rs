//! The page's release build keeps the lesson files out of the WebAssembly (feature
//! `lazy-lessons`, see [`crate::lessons::catalogue`]): [`WithLessons`] fetches them from
//! `lessons/` — every file at once — and then shows the [`App`]. If a file cannot be
//! fetched the app starts all the same (the cluster and the console need no lesson) and says
//! which lesson file failed and that a reload tries again.

use super::App;
use crate::lessons::catalogue::{provide, FILE_NAMES};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

pub(crate) enum Msg {
    Fetched(Result<Vec<(&'static str, String)>, String>),
}

/// Fetches the lessons, then shows the app.
pub(crate) struct WithLessons {
    /// `None` while fetching; then why the lessons could not be had, if they could not.
    done: Option<Result<(), String>>,
}

impl Component for WithLessons {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            link.send_message(Msg::Fetched(fetch_all().await));
        });
        WithLessons { done: None }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Msg) -> bool {
        let Msg::Fetched(result) = msg;
        self.done = Some(result.map(provide));
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        match &self.done {
            None => html! {},
            Some(Ok(())) => html! { <App /> },
            Some(Err(why)) => html! {
                <>
                    <div class="notice notice--error notice--lessons" role="alert" data-testid="lessons-unavailable">
                        { format!("The lessons could not be loaded ({why}); the cluster and the console work without them. Reload the page to try again.") }
                    </div>
                    <App />
                </>
            },
        }
    }
}

/// Every lesson file, requested all at once and then read in order.
async fn fetch_all() -> Result<Vec<(&'static str, String)>, String> {
    let window = web_sys::window().ok_or("there is no window")?;
    let pending: Vec<_> =
        FILE_NAMES.iter().map(|name| (*name, window.fetch_with_str(&format!("lessons/{name}")))).collect();
    let mut files = Vec::with_capacity(pending.len());
    for (name, promise) in pending {
        files.push((name, fetch_text(name, promise).await?));
    }
    Ok(files)
}

async fn fetch_text(name: &str, promise: js_sys::Promise) -> Result<String, String> {
    let failed = |what: &str| format!("lessons/{name}: {what}");
    let response = JsFuture::from(promise).await.map_err(|_| failed("the network request failed"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed("not an HTTP response"))?;
    if !response.ok() {
        return Err(failed(&format!("HTTP {}", response.status())));
    }
    let text = response.text().map_err(|_| failed("the body cannot be read"))?;
    let text = JsFuture::from(text).await.map_err(|_| failed("the body cannot be read"))?;
    text.as_string().ok_or_else(|| failed("the body is not text"))
}
