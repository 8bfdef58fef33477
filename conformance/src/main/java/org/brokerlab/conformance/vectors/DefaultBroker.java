package org.brokerlab.conformance.vectors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * The broker the config vectors ask: broker 1 of a Brokerlab cluster (listener
 * {@code localhost:9092}, controller 1001 at {@code localhost:19091}) whose server.properties
 * holds only what a KRaft broker cannot start without. Everything else is Kafka's default.
 */
final class DefaultBroker {
    /** The static configs of broker 1, in the order a server.properties would list them. */
    static final Map<String, String> STATIC = new LinkedHashMap<>();

    static {
        STATIC.put("process.roles", "broker");
        STATIC.put("node.id", "1");
        STATIC.put("listeners", "PLAINTEXT://localhost:9092");
        STATIC.put("controller.listener.names", "CONTROLLER");
        STATIC.put("controller.quorum.bootstrap.servers", "localhost:19091");
    }

    private DefaultBroker() {}

    /** Broker 1's {@link KafkaConfig} with {@code extra} added to its static configs. */
    static KafkaConfig config(Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(STATIC);
        p.putAll(extra);
        return KafkaConfig.fromProps(p, false);
    }

    /**
     * The definition fields both config families share: type, default as
     * {@code ConfigDef.convertToString} prints it, the validator's description (the docs'
     * "Valid Values"), importance, whether internal; for a {@code ValidList} also whether an empty
     * list and a missing value pass, which its description does not say.
     */
    static Map<String, Object> definition(String name, ConfigDef.ConfigKey key) {
        Map<String, Object> m = VectorFile.obj(
                "name", name,
                "type", key.type.name(),
                "default", Samples.defaultString(key),
                "valid", key.validator == null ? null : key.validator.toString(),
                "importance", key.importance.name(),
                "internal", key.internalConfig);
        if (key.validator instanceof ConfigDef.ValidList list) {
            m.put("list_empty_allowed", field(list, "isEmptyAllowed"));
            m.put("list_null_allowed", field(list, "isNullAllowed"));
        }
        return m;
    }

    private static Object field(Object o, String name) {
        try {
            var f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka 4.4's " + o.getClass().getName() + " has no " + name, e);
        }
    }

    /** {@code kafka-configs --describe} prints an entry as {@code name=value sensitive=b synonyms={SOURCE:name=value, ...}}. */
    static String describeLine(DescribeConfigsResourceResult e) {
        String synonyms = e.synonyms().stream()
                .map(s -> source(s.source()) + ":" + s.name() + "=" + s.value())
                .collect(Collectors.joining(", ", "{", "}"));
        return e.name() + "=" + e.value() + " sensitive=" + e.isSensitive() + " synonyms=" + synonyms;
    }

    /** The admin client's name for a DescribeConfigs source id (what the tool prints). */
    static String source(byte id) {
        return DescribeConfigsResponse.ConfigSource.forId(id).source().name();
    }

    static List<String> synonyms(DescribeConfigsResourceResult e) {
        return e.synonyms().stream().map(s -> source(s.source()) + ":" + s.name() + "=" + s.value()).toList();
    }

    /**
     * How a server error reaches the client: the error's name, the exception class the admin
     * client throws, and the message (the server's, or the error's default).
     */
    static Map<String, Object> error(ApiError err) {
        return VectorFile.obj(
                "error", err.error().name(),
                "exception", err.error().exception().getClass().getName(),
                "message", err.messageWithFallback());
    }

    /** A {@link ConfigException} or other throwable as the controller turns it into an {@link ApiError}. */
    static Map<String, Object> controllerError(Throwable t) {
        if (t instanceof ConfigException) {
            return error(new ApiError(org.apache.kafka.common.protocol.Errors.INVALID_CONFIG, t.getMessage()));
        }
        return error(ApiError.fromThrowable(t));
    }
}
