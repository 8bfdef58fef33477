//! `kafka-console-consumer`: `DefaultMessageFormatter`,
//! the exit lines (`ConsoleConsumer`) and the option errors (`ConsoleConsumer`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};

use super::log_line;

/// `ConsoleConsumerOptions.checkRequiredArgs` through `CommandLineUtils.checkOneOfArgs` (options in its array order).
pub(crate) const EXACTLY_ONE_TOPIC_OR_INCLUDE: &str =
    "Exactly one of the following arguments is required: [topic], [include]";
/// `ConsoleConsumer`
pub(crate) const TOPIC_REQUIRED_WITH_PARTITION: &str = "The topic is required when partition is specified.";
/// `ConsoleConsumer`
pub(crate) const PARTITION_REQUIRED_WITH_OFFSET: &str = "The partition is required when offset is specified.";
/// `ConsoleConsumer`
pub(crate) const FROM_BEGINNING_AND_OFFSET: &str = "Options from-beginning and offset cannot be specified together.";
/// `ConsoleConsumer`
pub(crate) const GROUP_AND_PARTITION: &str = "Options group and partition cannot be specified together.";

/// Kafka 4.4 `ConsoleConsumerOptions`, stdout, when `--consumer-property` is used (KIP-1147).
pub(crate) const CONSUMER_PROPERTY_DEPRECATED: &str =
    "Option --consumer-property is deprecated and will be removed in a future version. Use --command-property instead.";
/// Kafka 4.4 `ConsoleConsumerOptions`, stdout, when `--consumer.config` is used (KIP-1147).
pub(crate) const CONSUMER_CONFIG_DEPRECATED: &str =
    "Option --consumer.config is deprecated and will be removed in a future version. Use --command-config instead.";
/// Kafka 4.4 `ConsoleConsumerOptions.buildFormatter`, stdout, when `--property` is used (KIP-1147).
pub(crate) const PROPERTY_DEPRECATED: &str =
    "Option --property is deprecated and will be removed in a future version. Use --formatter-property instead.";
/// Kafka 4.4 `ConsoleConsumer.maybePrintConsumerProtocolMessage`, stderr: a console consumer
/// that subscribes (no `--partition`) with the classic protocol, its INFO log being off.
pub(crate) const CONSUMER_PROTOCOL_NOTICE: &str = "The consumer rebalance protocol (KIP-848) is production-ready! Set group.protocol=consumer to try it out. See https://kafka.apache.org/documentation/#consumer_rebalance_protocol";

/// `ConsoleConsumer`: `The provided offset value '<v>' is incorrect. ...`
pub(crate) fn invalid_offset(value: &str) -> String {
    format!(
        "The provided offset value '{value}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."
    )
}

/// `ConsoleConsumer`: group ids given in several places differ. `ids` in the order the
/// tool's `HashSet` yields them (see `opts::java_hash_set_order`).
pub(crate) fn group_ids_mismatch(ids: &[String]) -> String {
    let quoted: Vec<String> = ids.iter().map(|g| format!("'{g}'")).collect();
    format!(
        "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: {}",
        quoted.join(", ")
    )
}

/// `ConsoleConsumer`: `--from-beginning` with `auto.offset.reset` other than earliest.
pub(crate) fn from_beginning_conflict(value: &str) -> String {
    format!("Can't simultaneously specify --from-beginning and 'auto.offset.reset={value}', please remove one option")
}

/// Where `--offset` starts (`ConsoleConsumer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum StartOffset {
    Earliest,
    Latest,
    At(i64),
}

/// Parses `--offset` (case-insensitive `earliest`/`latest`, or a
/// non-negative long), with the tool's message on failure (`ConsoleConsumer`).
pub(crate) fn parse_offset(value: &str) -> Result<StartOffset, String> {
    match value.to_ascii_lowercase().as_str() {
        "earliest" => Ok(StartOffset::Earliest),
        "latest" => Ok(StartOffset::Latest),
        _ => match crate::sim::java::java_parse_long(value) {
            Some(v) if v >= 0 => Ok(StartOffset::At(v)),
            _ => Err(invalid_offset(value)),
        },
    }
}

/// The timestamp type of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) enum TimestampType {
    NoTimestamp,
    CreateTime,
    LogAppendTime,
}

/// A consumed record, as the formatter sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct ConsumedRecord {
    pub partition: i32,
    pub offset: i64,
    pub(crate) timestamp_type: TimestampType,
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    /// Share-consumer delivery count (`Delivery:`), usually `None`.
    pub(crate) delivery_count: Option<i32>,
    /// Leader epoch (`Epoch:`); the 4.0 console consumer passes none.
    pub leader_epoch: Option<i32>,
}

/// `DefaultMessageFormatter` properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub(crate) struct FormatterConfig {
    pub(crate) print_timestamp: bool,
    pub(crate) print_partition: bool,
    pub(crate) print_offset: bool,
    pub(crate) print_delivery: bool,
    pub(crate) print_epoch: bool,
    pub(crate) print_headers: bool,
    pub(crate) print_key: bool,
    pub(crate) print_value: bool,
    pub(crate) key_separator: String,
    pub(crate) line_separator: String,
    pub(crate) headers_separator: String,
    pub(crate) null_literal: String,
}

impl Default for FormatterConfig {
    fn default() -> Self {
        FormatterConfig {
            print_timestamp: false,
            print_partition: false,
            print_offset: false,
            print_delivery: false,
            print_epoch: false,
            print_headers: false,
            print_key: false,
            print_value: true,
            key_separator: "\t".to_string(),
            line_separator: "\n".to_string(),
            headers_separator: ",".to_string(),
            null_literal: "null".to_string(),
        }
    }
}

impl FormatterConfig {
    /// Reads `--property` pairs (`DefaultMessageFormatter`): booleans are true only for `true`
    /// (case-insensitive, trimmed); unknown keys are ignored.
    pub(crate) fn from_properties(props: &[(String, String)]) -> FormatterConfig {
        let mut c = FormatterConfig::default();
        for (k, v) in props {
            let b = v.trim().eq_ignore_ascii_case("true");
            match k.as_str() {
                "print.timestamp" => c.print_timestamp = b,
                "print.partition" => c.print_partition = b,
                "print.offset" => c.print_offset = b,
                "print.delivery" => c.print_delivery = b,
                "print.epoch" => c.print_epoch = b,
                "print.headers" => c.print_headers = b,
                "print.key" => c.print_key = b,
                "print.value" => c.print_value = b,
                "key.separator" => c.key_separator = v.clone(),
                "line.separator" => c.line_separator = v.clone(),
                "headers.separator" => c.headers_separator = v.clone(),
                "null.literal" => c.null_literal = v.clone(),
                _ => {}
            }
        }
        c
    }
}

/// Formats one record (`DefaultMessageFormatter`): fields in the fixed order timestamp,
/// partition, offset, delivery, epoch, headers, key, value; `key.separator`
/// between every two printed fields, `line.separator` after the last.
/// Bytes are returned as is (keys and values may be any bytes).
pub(crate) fn format_record(r: &ConsumedRecord, c: &FormatterConfig) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = Vec::new();
    if c.print_timestamp {
        let t = match r.timestamp_type {
            TimestampType::NoTimestamp => "NO_TIMESTAMP".to_string(),
            TimestampType::CreateTime => format!("CreateTime:{}", r.timestamp),
            TimestampType::LogAppendTime => format!("LogAppendTime:{}", r.timestamp),
        };
        fields.push(t.into_bytes());
    }
    if c.print_partition {
        fields.push(format!("Partition:{}", r.partition).into_bytes());
    }
    if c.print_offset {
        fields.push(format!("Offset:{}", r.offset).into_bytes());
    }
    if c.print_delivery {
        let d = match r.delivery_count {
            Some(n) => format!("Delivery:{n}"),
            None => "Delivery:NOT_PRESENT".to_string(),
        };
        fields.push(d.into_bytes());
    }
    if c.print_epoch {
        let e = match r.leader_epoch {
            Some(n) => format!("Epoch:{n}"),
            None => "Epoch:NOT_PRESENT".to_string(),
        };
        fields.push(e.into_bytes());
    }
    if c.print_headers {
        if r.headers.is_empty() {
            fields.push(b"NO_HEADERS".to_vec());
        } else {
            let mut h: Vec<u8> = Vec::new();
            for (i, (k, v)) in r.headers.iter().enumerate() {
                if i > 0 {
                    h.extend_from_slice(c.headers_separator.as_bytes());
                }
                h.extend_from_slice(k.as_bytes());
                h.push(b':');
                match v {
                    Some(bytes) => h.extend_from_slice(bytes),
                    None => h.extend_from_slice(c.null_literal.as_bytes()),
                }
            }
            fields.push(h);
        }
    }
    let or_null = |v: &Option<Vec<u8>>| match v {
        Some(b) => b.clone(),
        None => c.null_literal.as_bytes().to_vec(),
    };
    if c.print_key {
        fields.push(or_null(&r.key));
    }
    if c.print_value {
        fields.push(or_null(&r.value));
    }
    let mut out: Vec<u8> = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(c.key_separator.as_bytes());
        }
        out.extend_from_slice(f);
    }
    // The last printed field is followed by line.separator; with nothing
    // to print the formatter writes nothing at all.
    if !fields.is_empty() {
        out.extend_from_slice(c.line_separator.as_bytes());
    }
    out
}

/// [`format_record`] as text (invalid UTF-8 replaced, as a terminal would).
pub(crate) fn format_record_text(r: &ConsumedRecord, c: &FormatterConfig) -> String {
    String::from_utf8_lossy(&format_record(r, c)).into_owned()
}

/// `Processed a total of <N> messages` (`ConsoleConsumer`), stderr, with newline. Always
/// "messages".
pub(crate) fn processed_total(n: i64) -> String {
    format!("Processed a total of {n} messages\n")
}

/// The `--timeout-ms` expiry lines (`ConsoleConsumer`), stderr, before the total. Note
/// the two spaces before `(`.
pub(crate) fn timeout_error(timestamp: &str) -> String {
    format!(
        "{}\norg.apache.kafka.common.errors.TimeoutException\n",
        log_line(
            timestamp,
            "ERROR",
            "Error processing message, terminating consumer process: ",
            "org.apache.kafka.tools.consumer.ConsoleConsumer"
        )
    )
}
