//! Option tables of the jopt-simple tools (`TopicCommand`, `ConsoleProducer`,
//! `ConsoleConsumer`, `ConsumerGroupCommand`, `ConfigCommand`, `GetOffsetShell`,
//! `LeaderElectionCommand`, `ReassignPartitionsCommand`). Names, `describedAs` texts, types and
//! defaults are Kafka's; descriptions were read from `apache/kafka`
//! (`tools/src/main/java/org/apache/kafka/tools/...`) and adjusted to 4.0
//! where the stored source was newer or older (noted per table).
//! `--help` and `--version` are added by `ToolSpec::all_options`.

use super::{OptionSpec as O, ParseErrorStyle, Tool, ToolSpec, ValueType as T};
use crate::sim::config::{broker_configs, topic_configs};
use std::sync::LazyLock;

/// Suffix of `--alter`/`--config` in kafka-topics (`TopicCommand`).
pub(crate) const KAFKA_CONFIGS_HINT: &str = " (To alter topic configurations, the kafka-configs tool can be used.)";

/// `--config`'s description (`TopicCommand.TopicCommandOptions`): the topic configs that are not
/// internal (`LogConfig.nonInternalConfigNames()`, sorted), from Brokerlab's checked catalogue.
static TOPICS_CONFIG_DESC: LazyLock<String> = LazyLock::new(|| {
    let names: Vec<String> = topic_config_names().iter().map(|n| format!("\t{n}")).collect();
    format!(
        "A topic configuration override for the topic being created. The following is a list of valid configurations: \n{}\nSee the Kafka documentation for full details on the topic configs. It is supported only in combination with --create.{KAFKA_CONFIGS_HINT}",
        names.join("\n")
    )
});

/// `LogConfig.nonInternalConfigNames()`: the catalogue's topic configs that are not internal,
/// sorted by name.
fn topic_config_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = topic_configs().iter().filter(|d| !d.internal).map(|d| d.name).collect();
    v.sort_unstable();
    v
}

/// `kafka-topics` (`TopicCommand.TopicCommandOptions`).
pub(crate) static TOPICS: LazyLock<ToolSpec> = LazyLock::new(|| ToolSpec {
    tool: Tool::Topics,
    description_help: "This tool helps to create, delete, describe, or change a topic.",
    description_noargs: "Create, delete, describe, or change a topic.",
    parse_errors: ParseErrorStyle::MessageAndStackTrace,
    options: TOPICS_OPTIONS.as_slice(),
});

static TOPICS_OPTIONS: LazyLock<Vec<O>> = LazyLock::new(|| {
    vec![
        O::flag("alter", "Alter the number of partitions and replica assignment. (To alter topic configurations, the kafka-configs tool can be used.)"),
        O::flag("at-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is equal to the configured minimum."),
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The Kafka server to connect to."),
        O::req("command-config", "command config property file", T::String, "Property file containing configs to be passed to Admin Client."),
        O::req("config", "name=value", T::String, TOPICS_CONFIG_DESC.as_str()).repeatable(),
        O::flag("create", "Create a new topic."),
        O::flag("delete", "Delete a topic."),
        O::req("delete-config", "name", T::String, "This option is no longer supported and has been deprecated since 4.0"),
        O::flag("describe", "List details for the given topics."),
        O::flag("exclude-internal", "Exclude internal topics when listing or describing topics. By default, the internal topics are included."),
        O::flag("if-exists", "If set when altering or deleting or describing topics, the action will only execute if the topic exists."),
        O::flag("if-not-exists", "If set when creating topics, the create request will not fail if the topic already exists, but the request will still be sent."),
        O::flag("list", "List all available topics."),
        O::req("partition-size-limit-per-response", "maximum number of partitions per response", T::Integer, "The maximum partition size to be included in one DescribeTopicPartitions response."),
        O::req("partitions", "# of partitions", T::Integer, "The number of partitions for the topic being created or altered. If not supplied with --create, the topic uses the cluster default. (WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected)."),
        O::req("replica-assignment", "broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...", T::String, "A list of manual partition-to-broker assignments for the topic being created or altered."),
        O::req("replication-factor", "replication factor", T::Integer, "The replication factor for each partition in the topic being created. If not supplied, the topic uses the cluster default."),
        O::req("topic", "topic", T::String, "The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option."),
        O::req("topic-id", "topic-id", T::String, "The topic-id to describe."),
        O::flag("topics-with-overrides", "If set when describing topics, only show topics that have overridden configs."),
        O::flag("unavailable-partitions", "If set when describing topics, only show partitions whose leader is not available."),
        O::flag("under-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is less than the configured minimum."),
        O::flag("under-replicated-partitions", "If set when describing topics, only show under-replicated partitions."),
    ]
});

const READER_PROPERTY_DESC: &str = "A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader.\nDefault properties include:\n parse.key=false\n parse.headers=false\n ignore.error=false\n key.separator=\\t\n headers.delimiter=\\t\n headers.separator=,\n headers.key.separator=:\n null.marker=   When set, any fields (key, value and headers) equal to this will be replaced by null\nDefault parsing pattern when:\n parse.headers=true and parse.key=true:\n  \"h1:v1,h2:v2...\\tkey\\tvalue\"\n parse.key=true:\n  \"key\\tvalue\"\n parse.headers=true:\n  \"h1:v1,h2:v2...\\tvalue\"";

const PROPERTY_DEPRECATED_DESC: &str = "(DEPRECATED) A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader.\nDefault properties include:\n parse.key=false\n parse.headers=false\n ignore.error=false\n key.separator=\\t\n headers.delimiter=\\t\n headers.separator=,\n headers.key.separator=:\n null.marker=   When set, any fields (key, value and headers) equal to this will be replaced by null\nDefault parsing pattern when:\n parse.headers=true and parse.key=true:\n  \"h1:v1,h2:v2...\\tkey\\tvalue\"\n parse.key=true:\n  \"key\\tvalue\"\n parse.headers=true:\n  \"h1:v1,h2:v2...\\tvalue\"\n This option will be removed in a future version. Use --reader-property instead.";

/// `kafka-console-producer` (Kafka 4.4 `ConsoleProducer.ConsoleProducerConfig`, with the
/// KIP-1147 `--command-property`/`--command-config`/`--reader-property` and their deprecated
/// predecessors).
pub(crate) static CONSOLE_PRODUCER: ToolSpec = ToolSpec {
    tool: Tool::ConsoleProducer,
    description_help: "This tool helps to read data from standard input and publish it to Kafka.",
    description_noargs: "This tool helps to read data from standard input and publish it to Kafka.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: &[
        O::req("batch-size", "size", T::Integer, "The buffer size in bytes allocated for a partition. When records are received which are smaller than this size the producer will attempt to optimistically group them together until this size is reached. This is the option to control batch.size in producer configs. Please note that this option will be replaced if max-partition-memory-bytes is also set.").with_default("16384"),
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The server(s) to connect to. The broker list string in the form HOST1:PORT1,HOST2:PORT2."),
        O::req("command-config", "config file", T::String, "Producer config properties file. Note that [command-property] takes precedence over this config."),
        O::req("command-property", "producer_prop", T::String, "Producer config properties in the form key=value.").repeatable(),
        O::opt("compression-codec", "compression-codec", T::String, "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'.If specified without value, then it defaults to 'gzip'"),
        O::req("line-reader", "reader_class", T::String, "The class name of the class to use for reading lines from standard in. By default each line is read as a separate message.").with_default("org.apache.kafka.tools.LineMessageReader"),
        O::req("max-block-ms", "max block on send", T::Long, "The max time that the producer will block for during a send request.").with_default("60000"),
        O::req("max-memory-bytes", "total memory in bytes", T::Long, "The total memory used by the producer to buffer records waiting to be sent to the server. This is the option to control `buffer.memory` in producer configs.").with_default("33554432"),
        O::req("max-partition-memory-bytes", "memory in bytes per partition", T::Integer, "(Deprecated) The buffer size in bytes allocated for a partition. When records are received which are smaller than this size the producer will attempt to optimistically group them together until this size is reached. This is the option to control batch.size in producer configs. This option will be removed in Apache Kafka 5.0. Use --batch-size instead.").with_default("16384"),
        O::req("message-send-max-retries", "", T::Integer, "Brokers can fail receiving the message for multiple reasons, and being unavailable transiently is just one of them. This property specifies the number of retries before the producer give up and drop this message. This is the option to control `retries` in producer configs.").with_default("3"),
        O::req("metadata-expiry-ms", "metadata expiration interval", T::Long, "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any leadership changes. This is the option to control `metadata.max.age.ms` in producer configs.").with_default("300000"),
        O::req("producer-property", "producer_prop", T::String, "(DEPRECATED) Producer config properties in the form key=value. This option will be removed in a future version. Use --command-property instead.").repeatable(),
        O::req("producer.config", "config file", T::String, "(DEPRECATED) Producer config properties file. Note that [command-property] takes precedence over this config. This option will be removed in a future version. Use --command-config instead."),
        O::req("property", "prop", T::String, PROPERTY_DEPRECATED_DESC).repeatable(),
        O::req("reader-config", "config file", T::String, "Config properties file for the message reader. Note that [reader-property] takes precedence over this config."),
        O::req("reader-property", "prop", T::String, READER_PROPERTY_DESC).repeatable(),
        O::req("request-required-acks", "request required acks", T::String, "The required `acks` of the producer requests").with_default("-1"),
        O::req("request-timeout-ms", "request timeout ms", T::Integer, "The ack timeout of the producer requests. Value must be non-negative and non-zero.").with_default("1500"),
        O::req("retry-backoff-ms", "", T::Long, "Before each retry, the producer refreshes the metadata of relevant topics. Since leader election takes a bit of time, this property specifies the amount of time that the producer waits before refreshing the metadata. This is the option to control `retry.backoff.ms` in producer configs.").with_default("100"),
        O::req("socket-buffer-size", "size", T::Integer, "The size of the tcp RECV size. This is the option to control `send.buffer.bytes` in producer configs.").with_default("102400"),
        O::flag("sync", "If set message send requests to the brokers are synchronously, one at a time as they arrive."),
        O::req("timeout", "timeout_ms", T::Long, "If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms. This is the option to control `linger.ms` in producer configs.").with_default("1000"),
        O::req("topic", "topic", T::String, "REQUIRED: The topic name to produce messages to."),
    ],
};

const FORMATTER_PROPERTY_DESC: &str = "The properties to initialize the message formatter. Default properties include: \n print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n print.epoch=true|false\n print.partition=true|false\n print.headers=true|false\n print.value=true|false\n key.separator=<key.separator>\n line.separator=<line.separator>\n headers.separator=<headers.separator>\n null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers.";

/// The 4.4 `--property` of the console consumer (deprecated since 4.2 by KIP-1147).
const FORMATTER_PROPERTY_DEPRECATED_DESC: &str = "(DEPRECATED) The properties to initialize the message formatter. Default properties include: \n print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n print.epoch=true|false\n print.partition=true|false\n print.headers=true|false\n print.value=true|false\n key.separator=<key.separator>\n line.separator=<line.separator>\n headers.separator=<headers.separator>\n null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers. \nThis option will be removed in a future version. Use --formatter-property instead.";

/// `kafka-console-consumer` (Kafka 4.4 `ConsoleConsumerOptions`, with the KIP-1147
/// `--command-property`/`--command-config`/`--formatter-property` and their deprecated
/// predecessors).
pub(crate) static CONSOLE_CONSUMER: ToolSpec = ToolSpec {
    tool: Tool::ConsoleConsumer,
    description_help: "This tool helps to read data from Kafka topics and outputs it to standard output.",
    description_noargs: "This tool helps to read data from Kafka topics and outputs it to standard output.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: &[
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The server(s) to connect to."),
        O::req("command-config", "config file", T::String, "Consumer config properties file. Note that [command-property] takes precedence over this config."),
        O::req("command-property", "consumer_prop", T::String, "Consumer config properties in the form key=value.").repeatable(),
        O::req("consumer-property", "consumer_prop", T::String, "(DEPRECATED) Consumer config properties in the form key=value. This option will be removed in a future version. Use --command-property instead.").repeatable(),
        O::req("consumer.config", "config file", T::String, "(DEPRECATED) Consumer config properties file. Note that [command-property] takes precedence over this config. This option will be removed in a future version. Use --command-config instead."),
        O::flag("enable-systest-events", "Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.)"),
        O::req("formatter", "class", T::String, "The name of a class to use for formatting kafka messages for display.").with_default("org.apache.kafka.tools.consumer.DefaultMessageFormatter"),
        O::req("formatter-config", "config file", T::String, "Config properties file to initialize the message formatter. Note that [formatter-property] takes precedence over this config."),
        O::req("formatter-property", "prop", T::String, FORMATTER_PROPERTY_DESC).repeatable(),
        O::flag("from-beginning", "If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message."),
        O::req("group", "consumer group id", T::String, "The consumer group id of the consumer."),
        O::req("include", "Java regex (String)", T::String, "Regular expression specifying list of topics to include for consumption."),
        O::req("isolation-level", "", T::String, "Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.").with_default("read_uncommitted"),
        O::req("key-deserializer", "deserializer for keys", T::String, "The name of the class to use for deserializing keys."),
        O::req("max-messages", "num_messages", T::Integer, "The maximum number of messages to consume before exiting. If not set, consumption is continual."),
        O::req("offset", "consume offset", T::String, "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end").with_default("latest"),
        O::req("partition", "partition", T::Integer, "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified."),
        O::req("property", "prop", T::String, FORMATTER_PROPERTY_DEPRECATED_DESC).repeatable(),
        O::flag("skip-message-on-error", "If there is an error when processing a message, skip it instead of halt."),
        O::req("timeout-ms", "timeout_ms", T::Long, "If specified, exit if no message is available for consumption for the specified interval."),
        O::req("topic", "topic", T::String, "The topic to consume from."),
        O::req("value-deserializer", "deserializer for values", T::String, "The name of the class to use for deserializing values."),
    ],
};

/// `kafka-consumer-groups` (Kafka 4.4 `ConsumerGroupCommandOptions`: its `*_DOC` texts, with
/// `NL` as `\n`; `--validate-regex` is new in 4.x and `--timeout` defaults to 30000).
pub(crate) static CONSUMER_GROUPS: ToolSpec = ToolSpec {
    tool: Tool::ConsumerGroups,
    description_help: "This tool helps to list, describe, delete and manage the offsets of consumer groups.",
    description_noargs: "This tool helps to list, describe, delete and manage the offsets of consumer groups.",
    parse_errors: ParseErrorStyle::UncaughtJvm,
    options: &[
        O::flag("all-groups", "Apply to all consumer groups."),
        O::flag("all-topics", "Apply to all topics."),
        O::req("bootstrap-server", "server to connect to", T::String, "The server(s) to connect to. REQUIRED for all options except for --validate-regex."),
        O::req("by-duration", "duration", T::String, "Reset offsets by duration from current timestamp. Format: 'PnDTnHnMnS'"),
        O::req("command-config", "command config property file", T::String, "Property file containing configs to be passed to Admin Client and Consumer."),
        O::flag("delete", "Delete topic partition offsets and ownership information for one or more consumer groups."),
        O::flag("delete-offsets", "Delete offsets of consumer group. Supports one consumer group at a time, and multiple topics."),
        O::flag("describe", "Describe consumer group and list offset lag (number of messages not yet processed) related to given group."),
        O::flag("dry-run", "Output offset reset information without executing the operation. Supported operation: reset-offsets."),
        O::flag("execute", "Execute the offset reset operation. Supported operation: reset-offsets."),
        O::flag("export", "Generate offset reset information in CSV format for export to a file. Supported operation: reset-offsets."),
        O::req("from-file", "path to CSV file", T::String, "Reset offsets to values defined in CSV file."),
        O::req("group", "group id", T::String, "The consumer group id.").repeatable(),
        O::flag("list", "List all consumer groups."),
        O::flag("members", "Describe members of the group. This option may be used with the --describe option only.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --members").available_if(&["describe"]),
        O::flag("offsets", "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with the --describe option only.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --offsets").available_if(&["describe"]),
        O::flag("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at a time, and instances should be inactive\nHas 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. \nAdditionally, the --export option can be used to generate the offsets in CSV format for export to a file.\nYou must choose one of the following reset specifications: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --from-file, --to-current, --to-offset.\nTo define the scope, use --all-topics or --topic. The scope must be specified unless you use --from-file."),
        O::req("shift-by", "number-of-offsets", T::Long, "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative."),
        O::opt("state", "", T::String, "When specified with --describe, it displays the state of the group.\nExample: --bootstrap-server localhost:9092 --describe --group group1 --state\nWhen specified with --list, it displays the states of the groups. It can also be used to list groups with specific states.\nExample: --bootstrap-server localhost:9092 --list --state stable,empty\nThis option may be used with --describe and --list options only.").available_if(&["describe", "list"]),
        O::req("timeout", "timeout (ms)", T::Long, "The timeout that can be set for some use cases. For example, it can be used when describing the group to specify the maximum amount of time in milliseconds to wait before the group stabilizes (when the group is just created, or is going through some changes).").with_default("30000"),
        O::flag("to-current", "Reset offsets to current offset."),
        O::req("to-datetime", "datetime", T::String, "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDThh:mm:ss.sss'"),
        O::flag("to-earliest", "Reset offsets to earliest offset."),
        O::flag("to-latest", "Reset offsets to latest offset."),
        O::req("to-offset", "offset", T::Long, "Reset offsets to a specific offset."),
        O::req("topic", "topic", T::String, "The topic whose offset information should be deleted or reset. In `reset-offsets` case, partitions can be specified using this format: `topic:0,1,2`, where 0,1,2 are the partitions to be included. Reset-offsets also supports multiple topics.").repeatable(),
        O::opt("type", "", T::String, "When specified with --list, it displays the types of the groups. It can also be used to list groups with specific types.\nExample: --bootstrap-server localhost:9092 --list --type classic,consumer\nThis option may be used with the --list option only.").available_if(&["list"]),
        O::req("validate-regex", "regex", T::String, "Validate the syntax of the regular expression according to the RE2 format."),
        O::flag("verbose", "Provide additional information, if any, when describing the group. This option may be used with the --describe option only.").available_if(&["describe"]),
    ],
};

/// `ConfigCommandOptions.formatConfigNames`: the names sorted, each on its own line after a tab,
/// with a line break before and after.
fn format_config_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = names.into_iter().collect();
    v.sort_unstable();
    let lines: Vec<String> = v.iter().map(|n| format!("\t{n}")).collect();
    format!("\n{}\n", lines.join("\n"))
}

/// `QuotaConfig.scramMechanismsPlusUserAndClientQuotaConfigs().names()`.
const USER_CONFIG_NAMES: &[&str] = &[
    "SCRAM-SHA-256",
    "SCRAM-SHA-512",
    "consumer_byte_rate",
    "controller_mutation_rate",
    "producer_byte_rate",
    "request_percentage",
];
/// `QuotaConfig.userAndClientQuotaConfigs().names()`.
const CLIENT_CONFIG_NAMES: &[&str] =
    &["consumer_byte_rate", "controller_mutation_rate", "producer_byte_rate", "request_percentage"];
/// `QuotaConfig.ipConfigs().names()`.
const IP_CONFIG_NAMES: &[&str] = &["connection_creation_rate"];
/// `ClientMetricsConfigs.configNames()`.
const CLIENT_METRICS_CONFIG_NAMES: &[&str] = &["interval.ms", "match", "metrics"];
/// `GroupConfig.configNames()` (Kafka 4.4).
const GROUP_CONFIG_NAMES: &[&str] = &[
    "consumer.assignment.interval.ms",
    "consumer.assignor.offload.enable",
    "consumer.heartbeat.interval.ms",
    "consumer.session.timeout.ms",
    "errors.deadletterqueue.copy.record.enable",
    "errors.deadletterqueue.topic.name",
    "share.assignment.interval.ms",
    "share.assignor.offload.enable",
    "share.auto.offset.reset",
    "share.delivery.count.limit",
    "share.heartbeat.interval.ms",
    "share.isolation.level",
    "share.partition.max.record.locks",
    "share.record.lock.duration.ms",
    "share.renew.acknowledge.enable",
    "share.session.timeout.ms",
    "streams.acceptable.recovery.lag",
    "streams.assignment.interval.ms",
    "streams.assignor.name",
    "streams.assignor.offload.enable",
    "streams.heartbeat.interval.ms",
    "streams.initial.rebalance.delay.ms",
    "streams.num.standby.replicas",
    "streams.num.warmup.replicas",
    "streams.rack.aware.assignment.tags",
    "streams.session.timeout.ms",
    "streams.task.offset.interval.ms",
];

/// `--add-config`'s description (`ConfigCommand.ConfigCommandOptions`): per entity type, the
/// configs it takes. Topics: `LogConfig.nonInternalConfigNames()`; brokers:
/// `DynamicConfig.Broker.names()`, the broker configs that may change at run time — both from
/// Brokerlab's checked catalogues.
static CONFIGS_ADD_CONFIG_DESC: LazyLock<String> = LazyLock::new(|| {
    let brokers = broker_configs().iter().filter(|d| d.dynamic()).map(|d| d.name);
    format!(
        "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'. The following is a list of valid configurations: For entity-type 'topics': {}For entity-type 'brokers': {}For entity-type 'users': {}For entity-type 'clients': {}For entity-type 'ips': {}For entity-type 'client-metrics': {}For entity-type 'groups': {}Entity types 'users' and 'clients' may be specified together to update config for clients of a specific user.",
        format_config_names(topic_config_names()),
        format_config_names(brokers),
        format_config_names(USER_CONFIG_NAMES.iter().copied()),
        format_config_names(CLIENT_CONFIG_NAMES.iter().copied()),
        format_config_names(IP_CONFIG_NAMES.iter().copied()),
        format_config_names(CLIENT_METRICS_CONFIG_NAMES.iter().copied()),
        format_config_names(GROUP_CONFIG_NAMES.iter().copied()),
    )
});

/// `kafka-configs` (option texts from the Java `ConfigCommandOptions`,
/// which kept the Scala wording; `--zookeeper` is gone in 4.0 and is left
/// out; there is no `--force`). `--add-config` lists the configs of each entity type.
pub(crate) static CONFIGS: LazyLock<ToolSpec> = LazyLock::new(|| {
    ToolSpec {
    tool: Tool::Configs,
    description_help: "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group",
    description_noargs: "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group",
    parse_errors: ParseErrorStyle::MessageOnly,
    options: CONFIGS_OPTIONS.as_slice(),
}
});

static CONFIGS_OPTIONS: LazyLock<Vec<O>> = LazyLock::new(|| {
    vec![
        O::req("add-config", "", T::String, CONFIGS_ADD_CONFIG_DESC.as_str()),
        O::req("add-config-file", "", T::String, "Path to a properties file with configs to add. See add-config for a list of valid configurations."),
        O::flag("all", "List all configs for the given entity, including static configs if available."),
        O::flag("alter", "Alter the configuration for the entity."),
        O::req("bootstrap-controller", "controller to connect to", T::String, "The Kafka controllers to connect to."),
        O::req("bootstrap-server", "server to connect to", T::String, "The Kafka servers to connect to."),
        O::req("broker", "", T::String, "The broker's ID."),
        O::flag("broker-defaults", "The config defaults for all brokers."),
        O::req("broker-logger", "", T::String, "The broker's ID for its logger config."),
        O::req("client", "", T::String, "The client's ID."),
        O::flag("client-defaults", "The config defaults for all clients."),
        O::req("client-metrics", "", T::String, "The client metrics config resource name."),
        O::req("command-config", "command config property file", T::String, "Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs."),
        O::req("delete-config", "", T::String, "config keys to remove 'k1,k2'").repeatable(),
        O::flag("describe", "List configs for the given entity."),
        O::flag("entity-default", "Default entity name for clients/users/brokers/ips (applies to corresponding entity type)"),
        O::req("entity-name", "", T::String, "Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)").repeatable(),
        O::req("entity-type", "", T::String, "Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)").repeatable(),
        O::req("group", "", T::String, "The group's ID."),
        O::req("ip", "", T::String, "The IP address."),
        O::flag("ip-defaults", "The config defaults for all IPs."),
        O::req("topic", "", T::String, "The topic's name."),
        O::req("user", "", T::String, "The user's principal name."),
        O::flag("user-defaults", "The config defaults for all users."),
    ]
});

/// `kafka-get-offsets` (`GetOffsetShell.GetOffsetShellOptions`;
/// `--broker-list` is gone in 4.0, the extended `--time` text is assumed).
pub(crate) static GET_OFFSETS: ToolSpec = ToolSpec {
    tool: Tool::GetOffsets,
    description_help: "An interactive shell for getting topic-partition offsets.",
    description_noargs: "An interactive shell for getting topic-partition offsets.",
    parse_errors: ParseErrorStyle::ErrorOccurred,
    options: &[
        O::req("bootstrap-server", "HOST1:PORT1,...,HOST3:PORT3", T::String, "REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2."),
        O::req("command-config", "config file", T::String, "Property file containing configs to be passed to Admin Client."),
        O::flag("exclude-internal-topics", "By default, internal topics are included. If specified, internal topics are excluded."),
        O::req("partitions", "partition ids", T::String, "Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present."),
        O::req("time", "<timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload", T::String, "timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.]").with_default("latest"),
        O::req("topic", "topic", T::String, "The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present."),
        O::req("topic-partitions", "topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3", T::String, "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'. The first group is an optional regex for the topic name, if omitted, it matches any topic name. The section after ':' describes a 'partition' pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions."),
    ],
};

/// The constants of `ElectionType` (`LeaderElectionCommand`).
pub(crate) const ELECTION_TYPES: &[&str] = &["PREFERRED", "UNCLEAN"];

/// `kafka-leader-election` (`LeaderElectionCommand.LeaderElectionCommandOptions`).
pub(crate) static LEADER_ELECTION: ToolSpec = ToolSpec {
    tool: Tool::LeaderElection,
    description_help: "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.",
    description_noargs: "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.",
    parse_errors: ParseErrorStyle::MessageAndStackTrace,
    options: &[
        O::req("admin.config", "config file", T::String, "(DEPRECATED) Configuration properties files to pass to the admin client. This option will be removed in a future version. Use --command-config instead."),
        O::flag("all-topic-partitions", "Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified."),
        O::req("bootstrap-server", "host:port", T::String, "A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED."),
        O::req("command-config", "Config file", T::String, "Config properties file to pass to the admin client."),
        O::req("election-type", "election type", T::Enum("[PREFERRED,UNCLEAN]", ELECTION_TYPES), "Type of election to attempt. Possible values are \"preferred\" for preferred leader election or \"unclean\" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED."),
        O::req("partition", "partition id", T::Integer, "Partition id for which to perform an election. REQUIRED if --topic is specified."),
        O::req("path-to-json-file", "Path to JSON file", T::String, "The JSON file with the list  of partition for which leader elections should be performed. This is an example format. \n{\"partitions\":\n\t[{\"topic\": \"foo\", \"partition\": 1},\n\t {\"topic\": \"foobar\", \"partition\": 2}]\n}\nNot allowed if --all-topic-partitions or --topic flags are specified."),
        O::req("topic", "topic name", T::String, "Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified."),
    ],
};

/// `kafka-reassign-partitions` (`ReassignPartitionsCommandOptions`).
pub(crate) static REASSIGN_PARTITIONS: ToolSpec = ToolSpec {
    tool: Tool::ReassignPartitions,
    description_help: "This tool helps to move topic partitions between replicas.",
    description_noargs: "This command moves topic partitions between replicas.",
    parse_errors: ParseErrorStyle::UncaughtJvm,
    options: &[
        O::flag("additional", "Execute this reassignment in addition to any other ongoing ones. This option can also be used to change the throttle of an ongoing reassignment."),
        O::opt("bootstrap-controller", "bootstrap controller to connect to", T::String, "The controller to use for reassignment. By default, the tool will get the quorum controller. This option supports the actions --cancel and --list."),
        O::opt("bootstrap-server", "Server(s) to use for bootstrapping", T::String, "the server(s) to use for bootstrapping."),
        O::req("broker-list", "brokerlist", T::String, "The list of brokers to which the partitions need to be reassigned in the form \"0,1,2\". This is required if --topics-to-move-json-file is used to generate reassignment configuration"),
        O::flag("cancel", "Cancel an active reassignment."),
        O::req("command-config", "Admin client property file", T::String, "Property file containing configs to be passed to Admin Client."),
        O::flag("disable-rack-aware", "Disable rack aware replica assignment"),
        O::flag("disallow-replication-factor-change", "Denies the ability to change a partition's replication factor as part of this reassignment through adding validation against it."),
        O::flag("execute", "Kick off the reassignment as specified by the --reassignment-json-file option."),
        O::flag("generate", "Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it."),
        O::flag("list", "List all active partition reassignments."),
        O::flag("preserve-throttles", "Do not modify broker or topic throttles."),
        O::req("reassignment-json-file", "manual assignment json file path", T::String, "The JSON file with the partition reassignment configurationThe format to use is - \n{\"partitions\":\n\t[{\"topic\": \"foo\",\n\t  \"partition\": 1,\n\t  \"replicas\": [1,2,3],\n\t  \"log_dirs\": [\"dir1\",\"dir2\",\"dir3\"] }],\n\"version\":1\n}\nNote that \"log_dirs\" is optional. When it is specified, its length must equal the length of the replicas list. The value in this list can be either \"any\" or the absolution path of the log directory on the broker. If absolute log directory path is specified, the replica will be moved to the specified log directory on the broker."),
        O::req("replica-alter-log-dirs-throttle", "replicaAlterLogDirsThrottle", T::Long, "The movement of replicas between log directories on the same broker will be throttled to this value (bytes/sec). This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. The throttle rate should be at least 1 KB/s.").with_default("-1"),
        O::req("throttle", "throttle", T::Long, "The movement of partitions between brokers will be throttled to this value (bytes/sec). This option can be included with --execute when a reassignment is started, and it can be altered by resubmitting the current reassignment along with the --additional flag. The throttle rate should be at least 1 KB/s.").with_default("-1"),
        O::req("timeout", "timeout", T::Long, "The maximum time in ms to wait for log directory replica assignment to begin.").with_default("10000"),
        O::req("topics-to-move-json-file", "topics to reassign json file path", T::String, "Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option. The format to use is - \n{\"topics\":\n\t[{\"topic\": \"foo\"},{\"topic\": \"foo1\"}],\n\"version\":1\n}"),
        O::flag("verify", "Verify if the reassignment completed as specified by the --reassignment-json-file option. If there is a throttle engaged for the replicas specified, and the rebalance has completed, the throttle will be removed"),
    ],
};

/// `kafka-consumer-perf-test` (Kafka 4.4 `ConsumerPerformance.ConsumerPerfOptions`, with the
/// KIP-1147 `--num-records`/`--command-config`/`--command-property`).
pub(crate) static CONSUMER_PERF_TEST: ToolSpec = ToolSpec {
    tool: Tool::ConsumerPerfTest,
    description_help: "This tool is used to verify the consumer performance.",
    description_noargs: "This tool is used to verify the consumer performance.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: &[
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The server(s) to connect to."),
        O::req("command-config", "config file", T::String, "Config properties file."),
        O::req("command-property", "prop1=val1", T::String, "Kafka consumer related configuration properties like client.id. These configs take precedence over those passed via --command-config or --consumer.config.").repeatable(),
        O::req("consumer.config", "config file", T::String, "(DEPRECATED) Consumer config properties file. This option will be removed in a future version. Use --command-config instead."),
        O::req("date-format", "date format", T::String, "The date format to use for formatting the time field. See java.text.SimpleDateFormat for options.").with_default("yyyy-MM-dd HH:mm:ss:SSS"),
        O::req("fetch-size", "size", T::Integer, "The maximum amount of data to fetch from a single partition per request.").with_default("1048576"),
        O::flag("from-latest", "If the consumer does not already have an established offset to consume from, start with the latest record present in the log rather than the earliest record."),
        // Defaults to `"perf-consumer-" + RND.nextInt(100000)`, drawn when the tool starts:
        // `consumer_perf::run` puts it into the usage table.
        O::req("group", "gid", T::String, "The group id to consume on."),
        O::flag("hide-header", "If set, skips printing the header for the stats."),
        O::req("include", "Java regex (String)", T::String, "Regular expression specifying list of topics to include for consumption."),
        O::req("messages", "count", T::Long, "(DEPRECATED) The number of records to consume. This option will be removed in a future version. Use --num-records instead."),
        O::req("num-records", "count", T::Long, "REQUIRED: The number of records to consume."),
        O::flag("print-metrics", "Print out the metrics."),
        // `withValuesConvertedBy(RegexMatcher.regex("^\\d+$"))` is replaced by the later `ofType(Long.class)`.
        O::req("reporting-interval", "interval_ms", T::Long, "Interval in milliseconds at which to print progress info.").with_default("5000"),
        O::flag("show-detailed-stats", "If set, stats are reported for each reporting interval as configured by reporting-interval."),
        O::req("socket-buffer-size", "size", T::Integer, "The size of the tcp RECV size.").with_default("2097152"),
        O::opt("timeout", "milliseconds", T::Long, "The maximum allowed time in milliseconds between returned records.").with_default("10000"),
        O::req("topic", "topic", T::String, "The topic to consume from."),
    ],
};

/// `kafka-broker-api-versions` (`BrokerApiVersionsCommand`; the 4.0
/// `--bootstrap-server` wording "REQUIRED: ..." is assumed).
pub(crate) static BROKER_API_VERSIONS: ToolSpec = ToolSpec {
    tool: Tool::BrokerApiVersions,
    description_help: "This tool helps to retrieve broker version information.",
    description_noargs: "This tool helps to retrieve broker version information.",
    parse_errors: ParseErrorStyle::MessageAndStackTrace,
    options: &[
        O::req(
            "bootstrap-server",
            "server(s) to use for bootstrapping",
            T::String,
            "REQUIRED: The server to connect to.",
        ),
        O::req(
            "command-config",
            "command config property file",
            T::String,
            "A property file containing configs to be passed to Admin Client.",
        ),
    ],
};

/// `kafka-groups` (`GroupsCommand.GroupsCommandOptions`, Kafka 4.4): `--bootstrap-server` is
/// jopt-simple `required()`.
pub(crate) static GROUPS: ToolSpec = ToolSpec {
    tool: Tool::Groups,
    description_help: "This tool helps to list groups of all types.",
    description_noargs: "This tool helps to list groups of all types.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: &[
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The Kafka server to connect to.")
            .required(),
        O::req(
            "command-config",
            "command config property file",
            T::String,
            "Property file containing configs to be passed to Admin Client.",
        ),
        O::flag(
            "consumer",
            "Filter the groups to show all kinds of consumer groups, including classic and simple consumer groups. This matches group type 'consumer', and group type 'classic' where the protocol type is 'consumer' or empty.",
        ),
        O::req(
            "group-type",
            "type",
            T::String,
            "Filter the groups based on group type. Valid types are: 'classic', 'consumer', 'share' and 'streams'.",
        ),
        O::flag("list", "List the groups."),
        O::req("protocol", "protocol", T::String, "Filter the groups based on protocol type."),
        O::flag("share", "Filter the groups to show share groups."),
        O::flag("streams", "Filter the groups to show streams groups."),
    ],
};

/// The 4.4 `--formatter-property` of the console share consumer (`ConsoleShareConsumerOptions`),
/// which names `print.delivery` too.
const SHARE_FORMATTER_PROPERTY_DESC: &str = "The properties to initialize the message formatter. Default properties include: \n print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n print.delivery=true|false\n print.epoch=true|false\n print.partition=true|false\n print.headers=true|false\n print.value=true|false\n key.separator=<key.separator>\n line.separator=<line.separator>\n headers.separator=<headers.separator>\n null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers.";

const SHARE_FORMATTER_PROPERTY_DEPRECATED_DESC: &str = "(DEPRECATED) The properties to initialize the message formatter. Default properties include: \n print.timestamp=true|false\n print.key=true|false\n print.offset=true|false\n print.delivery=true|false\n print.epoch=true|false\n print.partition=true|false\n print.headers=true|false\n print.value=true|false\n key.separator=<key.separator>\n line.separator=<line.separator>\n headers.separator=<headers.separator>\n null.literal=<null.literal>\n key.deserializer=<key.deserializer>\n value.deserializer=<value.deserializer>\n header.deserializer=<header.deserializer>\n\nUsers can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers. \nThis option will be removed in a future version. Use --formatter-property instead.";

/// `kafka-console-share-consumer` (Kafka 4.4 `ConsoleShareConsumerOptions`).
pub(crate) static CONSOLE_SHARE_CONSUMER: ToolSpec = ToolSpec {
    tool: Tool::ConsoleShareConsumer,
    description_help: "This tool helps to read data from Kafka topics using share groups and outputs it to standard output.",
    description_noargs: "This tool helps to read data from Kafka topics using share groups and outputs it to standard output.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: &[
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The server(s) to connect to."),
        O::req("command-config", "config file", T::String, "Consumer config properties file. Note that [command-property] takes precedence over this config."),
        O::req("command-property", "consumer_prop", T::String, "Consumer config properties in the form key=value.").repeatable(),
        O::req("consumer-config", "config file", T::String, "(DEPRECATED) Consumer config properties file. Note that [command-property] takes precedence over this config. This option will be removed in a future version. Use --command-config instead."),
        O::req("consumer-property", "consumer_prop", T::String, "(DEPRECATED) Consumer config properties in the form key=value. This option will be removed in a future version. Use --command-property instead.").repeatable(),
        O::flag("enable-systest-events", "Log lifecycle events of the share consumer in addition to logging consumed messages. (This is specific for system tests.)"),
        O::req("formatter", "class", T::String, "The name of a class to use for formatting Kafka messages for display.").with_default("org.apache.kafka.tools.consumer.DefaultMessageFormatter"),
        O::req("formatter-config", "config file", T::String, "Config properties file to initialize the message formatter. Note that [formatter-property] takes precedence over this config."),
        O::req("formatter-property", "prop", T::String, SHARE_FORMATTER_PROPERTY_DESC).repeatable(),
        O::req("group", "share group id", T::String, "The share group id of the consumer."),
        O::req("key-deserializer", "deserializer for keys", T::String, "The name of the class to use for deserializing keys."),
        O::req("max-messages", "num_messages", T::Integer, "The maximum number of messages to consume before exiting. If not set, consumption is continual."),
        O::req("property", "prop", T::String, SHARE_FORMATTER_PROPERTY_DEPRECATED_DESC).repeatable(),
        O::flag("reject", "If specified, messages are rejected as they are consumed."),
        O::flag("reject-message-on-error", "If there is an error when processing a message, reject it instead of halting."),
        O::flag("release", "If specified, messages are released as they are consumed."),
        O::req("timeout-ms", "timeout_ms", T::Integer, "If specified, exit if no message is available for consumption for the specified interval."),
        O::req("topic", "topic", T::String, "The topic to consume from."),
        O::req("value-deserializer", "deserializer for values", T::String, "The name of the class to use for deserializing values."),
    ],
};

/// `kafka-share-groups` (Kafka 4.4 `ShareGroupCommandOptions`: its `*_DOC` texts, `NL` as `\n`).
pub(crate) static SHARE_GROUPS: ToolSpec = ToolSpec {
    tool: Tool::ShareGroups,
    description_help: "This tool helps to list, describe, delete and manage the offsets of share groups.",
    description_noargs: "This tool helps to list, describe, delete and manage the offsets of share groups.",
    parse_errors: ParseErrorStyle::UncaughtJvm,
    options: &[
        O::flag("all-groups", "Apply to all share groups."),
        O::flag("all-topics", "Apply to all topics. Supported operation: reset-offsets."),
        O::req("bootstrap-server", "server to connect to", T::String, "REQUIRED: The server(s) to connect to."),
        O::req("command-config", "command config property file", T::String, "Property file containing configs to be passed to Admin Client."),
        O::flag("delete", "Delete share group."),
        O::flag("delete-offsets", "Delete offsets of share group. Supports one share group at a time, and multiple topics."),
        O::flag("describe", "Describe share group, members and offset information."),
        O::flag("dry-run", "Output offset reset information without executing the operation. Supported operation: reset-offsets."),
        O::flag("execute", "Execute the offset reset operation. Supported operation: reset-offsets."),
        O::flag("export", "Generate offset reset information in CSV format for export to a file. Supported operation: reset-offsets."),
        O::req("from-file", "path to CSV file", T::String, "Reset offsets to values defined in CSV file."),
        O::req("group", "group id", T::String, "The share group id.").repeatable(),
        O::flag("list", "List all share groups."),
        O::flag("members", "Describe members of the group. This option may be used with the --describe option only.").available_if(&["describe"]),
        O::flag("offsets", "Describe the group and list all topic partitions in the group along with their offset information. This is the default sub-action and may be used with the --describe option only.").available_if(&["describe"]),
        O::flag("reset-offsets", "Reset offsets of share group. Supports one share group at a time, and instances must be inactive.\nHas 2 execution options: --dry-run to plan which offsets to reset, and --execute to reset the offsets. \nAdditionally, the --export option can be used to generate the offsets in CSV format for export to a file.\nYou must choose one of the following reset specifications: --to-datetime, --to-earliest, --to-latest, --from-file, --to-current, --to-offset.\nTo define the scope, use --all-topics or --topic. The scope must be specified unless you use --from-file.\nFails if neither --dry-run nor --execute is specified."),
        O::opt("state", "", T::String, "When specified with --describe, it displays the state of the group.\nWhen specified with --list, it displays the state of all groups. It can also be used to list groups with specific states. Valid values are Empty, Stable and Dead.").available_if(&["describe", "list"]),
        O::req("timeout", "timeout (ms)", T::Long, "The timeout that can be set for some use cases. For example, it can be used when describing the group to specify the maximum amount of time in milliseconds to wait before the group stabilizes.").with_default("30000"),
        O::flag("to-current", "Reset offsets to current offset."),
        O::req("to-datetime", "datetime", T::String, "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDThh:mm:ss.sss'"),
        O::flag("to-earliest", "Reset offsets to earliest offset."),
        O::flag("to-latest", "Reset offsets to latest offset."),
        O::req("to-offset", "offset", T::Long, "Reset offsets to a specific offset."),
        O::req("topic", "topic", T::String, "The topic whose offset information should be deleted or reset. When resetting offsets, partitions can be specified using this format: `topic:0,1,2`, where 0,1,2 are the partitions to be included.").repeatable(),
        O::flag("verbose", "Provide additional information, if any, when describing the group. This option may be used with the --describe option only.").available_if(&["describe"]),
    ],
};

/// `kafka-dump-log` (`DumpLogSegments.DumpLogSegmentsOptions`). Parsed in the options'
/// constructor outside any `try`, so a parse error escapes `main`.
pub(crate) static DUMP_LOG: ToolSpec = ToolSpec {
    tool: Tool::DumpLog,
    description_help: "This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.",
    description_noargs: "This tool helps to parse a log file and dump its contents to the console, useful for debugging a seemingly corrupt log segment.",
    parse_errors: ParseErrorStyle::UncaughtJvm,
    options: &[
        O::flag("cluster-metadata-decoder", "If set, log data will be parsed as cluster metadata records."),
        O::flag("deep-iteration", "If set, uses deep instead of shallow iteration. Automatically set if print-data-log is enabled."),
        O::req("files", "file1, file2, ...", T::String, "REQUIRED: The comma separated list of data and index log files to be dumped."),
        O::flag("index-sanity-check", "If set, just checks the index sanity without printing its content. This is the same check that is executed on broker startup to determine if an index needs rebuilding or not."),
        O::opt("key-decoder-class", "", T::String, "If set, used to deserialize the keys. This class should implement org.apache.kafka.tools.api.Decoder trait. Custom jar should be available in kafka/libs directory.").with_default("org.apache.kafka.tools.api.StringDecoder"),
        O::req("max-bytes", "size", T::Integer, "Limit the amount of total batches read in bytes avoiding reading the whole .log file(s).").with_default("2147483647"),
        O::req("max-message-size", "size", T::Integer, "Size of largest message.").with_default("5242880"),
        O::flag("offsets-decoder", "If set, log data will be parsed as offset data from the __consumer_offsets topic."),
        O::flag("print-data-log", "If set, printing the messages content when dumping data logs. Automatically set if any decoder option is specified."),
        O::flag("remote-log-metadata-decoder", "If set, log data will be parsed as TopicBasedRemoteLogMetadataManager (RLMM) metadata records. Instead, the value-decoder-class option can be used if a custom RLMM implementation is configured."),
        O::flag("share-group-state-decoder", "If set, log data will be parsed as share group state data from the __share_group_state topic."),
        O::flag("skip-record-metadata", "Skip metadata when printing records. This flag also skips control records."),
        O::flag("transaction-log-decoder", "If set, log data will be parsed as transaction metadata from the __transaction_state topic."),
        O::opt("value-decoder-class", "", T::String, "If set, used to deserialize the messages. This class should implement org.apache.kafka.tools.api.Decoder trait. Custom jar should be available in kafka/libs directory.").with_default("org.apache.kafka.tools.api.StringDecoder"),
        O::flag("verify-index-only", "If set, just verify the index log without printing its content."),
    ],
};

/// `kafka-log-dirs` (`LogDirsCommand.LogDirsCommandOptions`).
pub(crate) static LOG_DIRS: ToolSpec = ToolSpec {
    tool: Tool::LogDirs,
    description_help: "This tool helps to query log directory usage on the specified brokers.",
    description_noargs: "This tool helps to query log directory usage on the specified brokers.",
    parse_errors: ParseErrorStyle::MessageAndStackTrace,
    options: &[
        O::req("bootstrap-server", "The server(s) to use for bootstrapping", T::String, "REQUIRED: the server(s) to use for bootstrapping"),
        O::req("broker-list", "Broker list", T::String, "The list of brokers to be queried in the form \"0,1,2\". All brokers in the cluster will be queried if no broker list is specified").with_default(""),
        O::req("command-config", "Admin client property file", T::String, "Property file containing configs to be passed to Admin Client."),
        O::flag("describe", "Describe the specified log directories on the specified brokers."),
        O::req("topic-list", "Topic list", T::String, "The list of topics to be queried in the form \"topic1,topic2,topic3\". All topics will be queried if no topic list is specified").with_default(""),
    ],
};

/// `--operation`'s description (`AclCommand.AclCommandOptions`): every operation of
/// `AclEntry.ACL_OPERATIONS` (PascalCase, `SecurityUtils.operationName`), one a line after a tab.
/// Kafka collects them into a `HashSet` of enum constants, whose order changes from one JVM to
/// the next; Brokerlab lists them in `AclOperation`'s declaration order.
static ACLS_OPERATION_DESC: LazyLock<String> = LazyLock::new(|| {
    let ops: Vec<String> = crate::sim::acl::AclOperation::EVERY
        .iter()
        .map(|o| format!("\t{}", crate::sim::acl::pascal_case(o.java())))
        .collect();
    format!("Operation that is being allowed or denied. Valid operation names are: \n{}\n", ops.join("\n"))
});

/// `kafka-acls` (`AclCommand.AclCommandOptions`, Kafka 4.4).
pub(crate) static ACLS: LazyLock<ToolSpec> = LazyLock::new(|| ToolSpec {
    tool: Tool::Acls,
    description_help: "This tool helps to manage acls on kafka.",
    description_noargs: "This tool helps to manage acls on kafka.",
    parse_errors: ParseErrorStyle::UsageOnStderr,
    options: ACLS_OPTIONS.as_slice(),
});

const ACLS_BOOTSTRAP_DESC: &str = "A list of host/port pairs to use for establishing the connection to the Kafka cluster. This list should be in the form host1:port1,host2:port2,... This config is required for acl management using admin client API.";

static ACLS_OPTIONS: LazyLock<Vec<O>> = LazyLock::new(|| {
    vec![
        O::flag("add", "Indicates you are trying to add ACLs."),
        O::req("allow-host", "allow-host", T::String, "Host from which principals listed in --allow-principal will have access. If you have specified --allow-principal then the default for this option will be set to '*' which allows access from all hosts.").repeatable(),
        O::req("allow-principal", "allow-principal", T::String, "principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. For example, User:'*' is the wild card indicating all users.").repeatable(),
        O::req("bootstrap-controller", "controller to connect to", T::String, ACLS_BOOTSTRAP_DESC),
        O::req("bootstrap-server", "server to connect to", T::String, ACLS_BOOTSTRAP_DESC),
        O::flag("cluster", "Add/Remove cluster ACLs."),
        O::opt("command-config", "command-config", T::String, "A property file containing configs to be passed to Admin Client."),
        O::flag("consumer", "Convenience option to add/remove ACLs for consumer role. This will generate ACLs that allows READ,DESCRIBE on topic and READ on group."),
        O::req("delegation-token", "delegation-token", T::String, "Delegation token to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all tokens.").repeatable(),
        O::req("deny-host", "deny-host", T::String, "Host from which principals listed in --deny-principal will be denied access. If you have specified --deny-principal then the default for this option will be set to '*' which denies access from all hosts.").repeatable(),
        O::req("deny-principal", "deny-principal", T::String, "principal is in principalType:name format. By default anyone not added through --allow-principal is denied access. You only need to use this option as negation to already allowed set. Note that principalType must be supported by the Authorizer being used. For example if you wanted to allow access to all users in the system but not test-user you can define an ACL that allows access to User:'*' and specify --deny-principal=User:test@EXAMPLE.COM. AND PLEASE REMEMBER DENY RULES TAKES PRECEDENCE OVER ALLOW RULES.").repeatable(),
        O::flag("force", "Assume Yes to all queries and do not prompt."),
        O::req("group", "group", T::String, "Consumer Group to which the ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all groups.").repeatable(),
        O::flag("idempotent", "Enable idempotence for the producer. This should be used in combination with the --producer option. Note that idempotence is enabled automatically if the producer is authorized to a particular transactional-id."),
        O::flag("list", "List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource."),
        O::req("operation", "", T::String, ACLS_OPERATION_DESC.as_str()).with_default("All").repeatable(),
        O::opt("principal", "principal", T::String, "List ACLs for the specified principal. principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. Multiple --principal option can be passed.").repeatable(),
        O::flag("producer", "Convenience option to add/remove ACLs for producer role. This will generate ACLs that allows WRITE,DESCRIBE and CREATE on topic."),
        O::flag("remove", "Indicates you are trying to remove ACLs."),
        O::req("resource-pattern-type", "", T::Enum("ANY|MATCH|LITERAL|PREFIXED", &["ANY", "MATCH", "LITERAL", "PREFIXED"]), "The type of the resource pattern or pattern filter. When adding acls, this should be a specific pattern type, e.g. 'literal' or 'prefixed'. When listing or removing acls, a specific pattern type can be used to list or remove acls from specific resource patterns, or use the filter values of 'any' or 'match', where 'any' will match any pattern type, but will match the resource name exactly, where as 'match' will perform pattern matching to list or remove all acls that affect the supplied resource(s). WARNING: 'match', when used in combination with the '--remove' switch, should be used with care.").with_default("LITERAL"),
        O::req("topic", "topic", T::String, "topic to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all topics.").repeatable(),
        O::req("transactional-id", "transactional-id", T::String, "The transactionalId to which ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all transactionalIds.").repeatable(),
        O::req("user-principal", "user-principal", T::String, "Specifies a user principal as a resource in relation with the operation. For instance one could grant CreateTokens or DescribeTokens permission on a given user principal.").repeatable(),
    ]
});
