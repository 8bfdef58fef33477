//! The Learn tab: the way into the lessons and the free sandbox.

use yew::prelude::*;

#[component]
pub fn LearnPanel() -> Html {
    html! {
        <section class="learn" aria-labelledby="learn-title" data-testid="learn">
            <h2 id="learn-title">{ "A live Kafka cluster" }</h2>
            <p>{ "Three brokers and a KRaft controller are running. A producer called " }<code>{ "checkout" }</code>
               { " writes keyed records to the topic " }<code>{ "orders" }</code>
               { "; two consumers in the group " }<code>{ "billing" }</code>{ " share its partitions. Every dot is a real Kafka request." }</p>
            <ul class="learn__tips">
                <li>{ "Click a broker, a partition or a record cell to inspect it." }</li>
                <li>{ "Right-click a broker (or select it and press Enter) to kill it, slow it, or cut its network." }</li>
                <li>{ "Type the real Kafka tools in the console below: " }<code>{ "kafka-topics --bootstrap-server localhost:9092 --describe --topic orders" }</code></li>
                <li>{ "Drag the timeline back to any earlier moment." }</li>
            </ul>
        </section>
    }
}
