//! Export to a real Kafka cluster.
