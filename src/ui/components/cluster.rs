//! The cluster area: brokers, topics and partitions. Until the engine is wired in it shows the
//! shape of a three-broker cluster as an outline.

use yew::prelude::*;

/// Number of outline brokers drawn before the simulator runs.
const OUTLINE_BROKERS: u32 = 3;
/// Outline partition slots per broker.
const OUTLINE_PARTITIONS: u32 = 3;

#[component]
pub fn ClusterView() -> Html {
    html! {
        <section id="cluster" class="area cluster" aria-labelledby="cluster-title" data-testid="cluster">
            <header class="area__header">
                <h2 id="cluster-title" class="area__title">{ "Cluster" }</h2>
                <span class="status" data-testid="cluster-status">
                    <span class="status__dot" aria-hidden="true"></span>
                    { "starting up" }
                </span>
            </header>
            <div class="cluster__body">
                <ul class="cluster__brokers" aria-hidden="true">
                    { for (1..=OUTLINE_BROKERS).map(|id| html! {
                        <li key={id} class="broker broker--outline">
                            <span class="broker__name">{ format!("broker {id}") }</span>
                            <span class="broker__slots">
                                { for (0..OUTLINE_PARTITIONS).map(|p| html! {
                                    <span key={p} class="broker__slot"></span>
                                }) }
                            </span>
                        </li>
                    }) }
                </ul>
                <p class="cluster__caption">
                    { "Brokers, topics and partitions will appear here as the simulated cluster runs." }
                </p>
            </div>
        </section>
    }
}
