package org.brokerlab.conformance.vectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.server.ConfigHelper;
import kafka.server.ControllerConfigurationValidator;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.server.config.ServerTopicConfigSynonyms;
import org.apache.kafka.storage.internals.log.LogConfig;

import static org.brokerlab.conformance.vectors.VectorFile.obj;

/**
 * {@code topic-configs}: every topic config of Kafka 4.4 ({@link LogConfig#configKeys()}), one
 * line each: its definition (type, default, validator, importance, whether internal, the broker
 * config it falls back to from {@link ServerTopicConfigSynonyms}), the entry a broker returns
 * for it when a topic without overrides is described ({@code ConfigHelper.createTopicConfigEntry},
 * which {@code kafka-configs --describe --all} prints), and what the controller answers when it is
 * set on a topic ({@code ControllerConfigurationValidator.validate}, as
 * {@code ConfigurationControlManager} calls it for IncrementalAlterConfigs and CreateTopics).
 * Each accepted case also carries the describe line of a topic with that override. Then a line
 * for names and combinations that are not about one config's value.
 */
public final class TopicConfigVectors {
    private TopicConfigVectors() {}

    public static Path generate(Path dir) throws Exception {
        VectorFile f = new VectorFile("topic-configs", 0,
                "org.apache.kafka.storage.internals.log.LogConfig.configKeys(); "
                        + "org.apache.kafka.server.config.ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS; "
                        + "kafka.server.ConfigHelper.createTopicConfigEntry; "
                        + "kafka.server.ControllerConfigurationValidator.validate(TOPIC)");
        f.header("broker_static_configs", DefaultBroker.STATIC);
        KafkaConfig kc = DefaultBroker.config(Map.of());
        LogConfig lc = LogConfig.fromProps(kc.extractLogConfigMap(), new Properties());
        Map<String, ?> values = lc.nonInternalValues();
        ConfigHelper helper = new ConfigHelper(null, kc, null);
        ControllerConfigurationValidator validator = new ControllerConfigurationValidator(kc);

        for (Map.Entry<String, ConfigKey> e : new TreeMap<>(LogConfig.configKeys()).entrySet()) {
            String name = e.getKey();
            ConfigKey key = e.getValue();
            Map<String, Object> line = DefaultBroker.definition(name, key);
            line.put("server_default_property", ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS.get(name));
            if (!key.internalConfig) {
                DescribeConfigsResourceResult d =
                        helper.createTopicConfigEntry(lc, new Properties(), true, false, name, values.get(name));
                line.put("describe", obj(
                        "value", d.value(),
                        "source", DefaultBroker.source(d.configSource()),
                        "sensitive", d.isSensitive(),
                        "read_only", d.readOnly(),
                        "synonyms", DefaultBroker.synonyms(d),
                        "line", DefaultBroker.describeLine(d)));
            }
            List<Map<String, Object>> cases = new ArrayList<>();
            for (String v : Samples.values(key)) {
                Map<String, Object> c = validate(validator, Map.of(name, v));
                if (c.get("error") == null && !key.internalConfig) {
                    // How the topic describes once the value is set: the value as Kafka parsed it.
                    Properties props = new Properties();
                    props.put(name, v);
                    LogConfig withOverride = LogConfig.fromProps(kc.extractLogConfigMap(), props);
                    c.put("line", DefaultBroker.describeLine(helper.createTopicConfigEntry(
                            withOverride, props, true, false, name, withOverride.nonInternalValues().get(name))));
                }
                cases.add(c);
            }
            line.put("cases", cases);
            f.add(line);
        }
        // Not about one config's value: an unknown name, and the cross-config rule of
        // LogConfig.validateValues.
        f.add(obj("name", null, "cases", List.of(
                validate(validator, Map.of("retention.mss", "1")),
                validate(validator, Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5")),
                validate(validator, Map.of("min.compaction.lag.ms", "5", "max.compaction.lag.ms", "5")))));
        return f.write(dir);
    }

    /** The controller's verdict on setting {@code set} on a topic without other overrides. */
    static Map<String, Object> validate(ControllerConfigurationValidator validator, Map<String, String> set) {
        Map<String, Object> c = obj("set", new TreeMap<>(set));
        try {
            validator.validate(new ConfigResource(ConfigResource.Type.TOPIC, "orders"), new java.util.HashMap<>(set), Map.of());
            c.put("error", null);
        } catch (Throwable t) {
            c.put("error", DefaultBroker.controllerError(t));
        }
        return c;
    }
}
