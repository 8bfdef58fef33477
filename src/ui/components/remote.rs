//! Tiered storage's remote store (KIP-405), drawn under the cluster diagram once tiered storage
//! is on: per tiered partition its copied segments (offset ranges, bytes), where the leader's
//! local log now starts (the segments below it are only in the remote store), and how many
//! fetches the store served or failed. An unreachable store (`remote-storage down`) says so in
//! words and with a dashed outline, not by colour alone.

use crate::sim::view::RemoteView;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct RemoteProps {
    pub(crate) remote: Rc<RemoteView>,
    /// The topic the diagram focuses on, if any: only its partitions are listed then.
    pub(crate) focus: Option<AttrValue>,
}

/// At most this many segments are drawn per partition (the newest); the count says the rest.
const MAX_SEGMENTS: usize = 8;

#[component]
pub(crate) fn RemoteStorePanel(props: &RemoteProps) -> Html {
    let r = &props.remote;
    if !r.enabled {
        return html! {};
    }
    let rows = r
        .partitions
        .iter()
        .filter(|p| props.focus.as_ref().map(|f| p.tp.topic == f.as_str()).unwrap_or(true))
        .map(|p| {
            let skipped = p.segments.len().saturating_sub(MAX_SEGMENTS);
            let cells = p.segments.iter().skip(skipped).map(|(base, end, bytes)| {
                let only_remote = p.local_log_start >= 0 && *end < p.local_log_start;
                html! {
                    <li class={classes!("remote__seg", only_remote.then_some("remote__seg--only"))}
                        title={format!("offsets {base}–{end}, {bytes} bytes{}", if only_remote { ", deleted locally" } else { ", still on the brokers too" })}>
                        { format!("{base}–{end}") }
                    </li>
                }
            });
            let reads = if p.failed_reads > 0 {
                format!("{} reads served, {} failed", p.remote_reads, p.failed_reads)
            } else {
                format!("{} reads served", p.remote_reads)
            };
            html! {
                <li class="remote__row" key={p.tp.to_string()} data-testid={format!("remote-{}", p.tp)}>
                    <span class="remote__tp">{ p.tp.to_string() }</span>
                    if p.segments.is_empty() {
                        <span class="remote__none">{ "nothing copied yet" }</span>
                    } else {
                        <ol class="remote__segs" aria-label={format!("segments of {} in remote storage", p.tp)}>
                            if skipped > 0 {
                                <li class="remote__more">{ format!("+{skipped} older") }</li>
                            }
                            { for cells }
                        </ol>
                    }
                    <span class="remote__local">{ format!("local log from {} · log from {} · LEO {}", p.local_log_start, p.log_start, p.leo) }</span>
                    <span class="remote__reads">{ reads }</span>
                </li>
            }
        });
    html! {
        <section class={classes!("remote", r.down.then_some("remote--down"))} aria-label="Remote storage" data-testid="remote-store">
            <h3 class="remote__title">
                { "Remote storage " }
                <span class="remote__state">{ if r.down { "✕ unreachable" } else { "reachable" } }</span>
            </h3>
            if r.partitions.is_empty() {
                <p class="remote__none">{ "No tiered topic yet (kafka-topics --create … --config remote.storage.enable=true)." }</p>
            } else {
                <ul class="remote__rows">{ for rows }</ul>
            }
        </section>
    }
}
