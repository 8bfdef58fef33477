//! The kinds of requests in flight, as the page names, colours and shapes them; shared by the
//! read model (`view`), the diagram's label layout (`diagram`) and the feed.

/// What a request in flight is for. The diagram gives each kind its own dot shape as well as
/// its own colour, and the legend names them, so colour is never the only signal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestKind {
    /// Produce: a producer writing to a partition leader.
    Produce,
    /// Fetch: a consumer reading, or a follower replicating from its leader.
    Fetch,
    /// The group protocol and committed offsets (JoinGroup, SyncGroup, Heartbeat,
    /// OffsetCommit, FindCoordinator, …).
    Group,
    /// Transactions and idempotence (InitProducerId, AddPartitionsToTxn, EndTxn,
    /// WriteTxnMarkers, …).
    Transaction,
    /// Metadata, admin calls and the KRaft control plane (Metadata, CreateTopics,
    /// BrokerHeartbeat, AlterPartition, Vote, …).
    Control,
}

impl RequestKind {
    pub const ALL: [RequestKind; 5] =
        [RequestKind::Produce, RequestKind::Fetch, RequestKind::Group, RequestKind::Transaction, RequestKind::Control];

    /// The kind of a Kafka API, by its name (`ApiKeys` names, as the trace records them).
    pub(crate) fn of_api(api: &str) -> RequestKind {
        match api {
            "Produce" => RequestKind::Produce,
            "Fetch" | "FetchSnapshot" | "ShareFetch" | "ShareAcknowledge" => RequestKind::Fetch,
            "JoinGroup"
            | "SyncGroup"
            | "Heartbeat"
            | "LeaveGroup"
            | "OffsetCommit"
            | "OffsetFetch"
            | "FindCoordinator"
            | "ConsumerGroupHeartbeat"
            | "ConsumerGroupDescribe"
            | "ShareGroupHeartbeat"
            | "ShareGroupDescribe"
            | "DescribeGroups"
            | "ListGroups"
            | "DeleteGroups"
            | "OffsetDelete" => RequestKind::Group,
            "InitProducerId"
            | "AddPartitionsToTxn"
            | "AddOffsetsToTxn"
            | "EndTxn"
            | "WriteTxnMarkers"
            | "TxnOffsetCommit"
            | "AllocateProducerIds" => RequestKind::Transaction,
            _ => RequestKind::Control,
        }
    }

    /// The legend's word for the kind.
    pub fn name(self) -> &'static str {
        match self {
            RequestKind::Produce => "Produce",
            RequestKind::Fetch => "Fetch",
            RequestKind::Group => "Group",
            RequestKind::Transaction => "Transaction",
            RequestKind::Control => "Metadata & control",
        }
    }

    /// The stylesheet's name for the kind (`flight--produce`, `legend__kind--produce`).
    pub fn class(self) -> &'static str {
        match self {
            RequestKind::Produce => "produce",
            RequestKind::Fetch => "fetch",
            RequestKind::Group => "group",
            RequestKind::Transaction => "txn",
            RequestKind::Control => "control",
        }
    }

    /// The dot's outline, an SVG path around (0, 0) about 10 units across: the shape tells
    /// the kinds apart without colour.
    pub fn shape(self) -> &'static str {
        match self {
            // Triangle pointing up.
            RequestKind::Produce => "M0 -6 L5.5 4 L-5.5 4 Z",
            // Diamond.
            RequestKind::Fetch => "M0 -6 L6 0 L0 6 L-6 0 Z",
            // Square.
            RequestKind::Group => "M-4.5 -4.5 H4.5 V4.5 H-4.5 Z",
            // Plus.
            RequestKind::Transaction => "M-2 -6 H2 V-2 H6 V2 H2 V6 H-2 V2 H-6 V-2 H-2 Z",
            // Circle.
            RequestKind::Control => "M-5 0 A5 5 0 1 0 5 0 A5 5 0 1 0 -5 0 Z",
        }
    }

    /// The same shape as one character, for the HTML legend.
    pub fn glyph(self) -> &'static str {
        match self {
            RequestKind::Produce => "▲",
            RequestKind::Fetch => "◆",
            RequestKind::Group => "■",
            RequestKind::Transaction => "✚",
            RequestKind::Control => "●",
        }
    }
}
