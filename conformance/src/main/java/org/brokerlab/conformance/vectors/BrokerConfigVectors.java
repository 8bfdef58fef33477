package org.brokerlab.conformance.vectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.server.ConfigAdminManager;
import kafka.server.ConfigHelper;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.apache.kafka.server.config.DynamicBrokerConfig;
import org.apache.kafka.server.config.QuotaConfig;
import scala.jdk.javaapi.CollectionConverters;

import static org.brokerlab.conformance.vectors.VectorFile.obj;

/**
 * {@code broker-configs}: every broker config Kafka 4.4 documents ({@code KafkaConfig.configDef()}
 * plus {@code QuotaConfig.brokerQuotaConfigs()}, as {@code KafkaConfig.main} builds the docs), one
 * line each:
 * <ul>
 *   <li>the definition: type, default, validator, importance, whether internal, whether it is in
 *       {@code KafkaConfig}'s own definition (the quota configs are only dynamic), the update mode
 *       of {@link DynamicBrokerConfig#dynamicConfigUpdateModes()} ({@code read-only},
 *       {@code per-broker}, {@code cluster-wide}), whether it may only be set per listener
 *       ({@code DynamicBrokerConfig.DYNAMIC_SECURITY_CONFIGS}) and whether values are hidden
 *       ({@link AbstractKafkaConfig#maybeSensitive});
 *   <li>{@code describe}: the entry broker 1 returns for {@code DescribeConfigs(BROKER "1")}
 *       ({@code ConfigHelper.describeConfigs}, what {@code kafka-configs --entity-type brokers
 *       --entity-name 1 --describe --all} prints) when its server.properties is
 *       {@link DefaultBroker#STATIC};
 *   <li>{@code static_cases}: whether a broker starts with the value in its server.properties
 *       ({@code KafkaConfig.fromProps}, the startup validation);
 *   <li>{@code dynamic_cases}: the answer to {@code kafka-configs --alter --add-config} on broker 1
 *       and on the cluster default ({@code ConfigAdminManager.preprocess}, the broker's validation
 *       before it forwards the change, plus the controller's ELR rule of
 *       {@code ConfigurationControlManager.isDisallowedBrokerMinIsrTransition}).
 * </ul>
 */
public final class BrokerConfigVectors {
    private BrokerConfigVectors() {}

    public static Path generate(Path dir) throws Exception {
        VectorFile f = new VectorFile("broker-configs", 0,
                "kafka.server.KafkaConfig.configDef() + org.apache.kafka.server.config.QuotaConfig.brokerQuotaConfigs(); "
                        + "org.apache.kafka.server.config.DynamicBrokerConfig.dynamicConfigUpdateModes(); "
                        + "kafka.server.ConfigHelper.describeConfigs(BROKER \"1\"); kafka.server.KafkaConfig.fromProps; "
                        + "kafka.server.ConfigAdminManager.preprocess(IncrementalAlterConfigs)");
        boolean elr = Feature.ELIGIBLE_LEADER_REPLICAS_VERSION.defaultLevel(MetadataVersion.latestProduction()) > 0;
        f.header("broker_static_configs", DefaultBroker.STATIC);
        f.header("elr_enabled_by_default", elr);
        f.header("dynamic_validation_limits", "ConfigAdminManager validates against a broker without its "
                + "reconfigurables registered (thread pools, log cleaner, listeners, log manager), so their "
                + "relative checks are not exercised; the sample values are the defaults and type errors");

        KafkaConfig kc = DefaultBroker.config(Map.of());
        kc.dynamicConfig().initialize(scala.Option.empty());
        Map<String, DescribeConfigsResourceResult> described = describeBroker(kc);
        ConfigAdminManager admin = new ConfigAdminManager(1, kc, r -> new Properties());
        Map<String, String> modes = DynamicBrokerConfig.dynamicConfigUpdateModes();

        Map<String, ConfigKey> keys = new TreeMap<>(KafkaConfig.configDef().configKeys());
        Map<String, ConfigKey> quota = QuotaConfig.brokerQuotaConfigs().configKeys();
        for (Map.Entry<String, ConfigKey> e : quota.entrySet()) {
            keys.putIfAbsent(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, ConfigKey> e : keys.entrySet()) {
            String name = e.getKey();
            ConfigKey key = e.getValue();
            String mode = modes.getOrDefault(name, "read-only");
            Map<String, Object> line = DefaultBroker.definition(name, key);
            line.put("in_kafka_config", KafkaConfig.configDef().configKeys().containsKey(name));
            line.put("update_mode", mode);
            line.put("listener_prefix_only", DynamicBrokerConfig.DYNAMIC_SECURITY_CONFIGS.contains(name));
            line.put("sensitive", AbstractKafkaConfig.maybeSensitive(AbstractKafkaConfig.configType(name)));
            DescribeConfigsResourceResult d = described.get(name);
            if (d != null) {
                line.put("describe", obj(
                        "value", d.value(),
                        "source", DefaultBroker.source(d.configSource()),
                        "sensitive", d.isSensitive(),
                        "read_only", d.readOnly(),
                        "synonyms", DefaultBroker.synonyms(d),
                        "line", DefaultBroker.describeLine(d)));
            } else {
                line.put("describe", null);
            }
            List<String> samples = Samples.values(key);
            List<Map<String, Object>> statics = new ArrayList<>();
            if (!DefaultBroker.STATIC.containsKey(name)) {
                for (String v : samples) {
                    statics.add(startup(name, v, d != null));
                }
            }
            line.put("static_cases", statics);
            // The default (or the first sample when there is none) at both levels, and every other
            // sample on broker 1 when the config is dynamic at all.
            List<Map<String, Object>> dynamics = new ArrayList<>();
            String first = samples.isEmpty() ? "x" : samples.get(0);
            dynamics.add(alter(admin, "1", name, first, elr));
            dynamics.add(alter(admin, "", name, first, elr));
            if (!mode.equals("read-only")) {
                for (String v : samples.subList(Math.min(1, samples.size()), samples.size())) {
                    dynamics.add(alter(admin, "1", name, v, elr));
                }
            }
            line.put("dynamic_cases", dynamics);
            f.add(line);
        }
        // Names Kafka does not define at all: a broker starts with them (AbstractConfig only logs them
        // as unused) and the dynamic path has nothing to refuse them for.
        f.add(obj("name", null,
                "static_cases", List.of(startupUnknown("flavour", "vanilla")),
                "dynamic_cases", List.of(alter(admin, "1", "flavour", "vanilla", elr), alter(admin, "", "flavour", "vanilla", elr))));
        f.header("describe_all_names", new ArrayList<>(described.keySet()));
        return f.write(dir);
    }

    /** Broker 1's DescribeConfigs(BROKER "1") with synonyms, by name (sorted, as the tool prints them). */
    private static Map<String, DescribeConfigsResourceResult> describeBroker(KafkaConfig kc) {
        ConfigHelper helper = new ConfigHelper(null, kc, null);
        DescribeConfigsResource r = new DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("1").setConfigurationKeys(null);
        scala.collection.immutable.List<DescribeConfigsResult> results =
                helper.describeConfigs(CollectionConverters.asScala(List.of(r)).toList(), true, false);
        DescribeConfigsResult result = results.head();
        if (result.errorCode() != 0) {
            throw new IllegalStateException("describe broker 1 failed: " + result.errorMessage());
        }
        Map<String, DescribeConfigsResourceResult> out = new TreeMap<>();
        for (DescribeConfigsResourceResult e : result.configs()) {
            out.put(e.name(), e);
        }
        return out;
    }

    /**
     * Whether broker 1 starts with {@code name=value} in its server.properties, and if so (and the
     * config is described at all) how {@code --describe --all} then prints it.
     */
    private static Map<String, Object> startup(String name, String value, boolean described) {
        Map<String, Object> c = obj("value", value);
        KafkaConfig kc;
        try {
            kc = DefaultBroker.config(Map.of(name, value));
        } catch (Throwable t) {
            c.put("error", obj("exception", t.getClass().getName(), "message", t.getMessage()));
            return c;
        }
        c.put("error", null);
        if (described) {
            kc.dynamicConfig().initialize(scala.Option.empty());
            DescribeConfigsResourceResult d = describeBroker(kc).get(name);
            c.put("line", d == null ? null : DefaultBroker.describeLine(d));
        }
        return c;
    }

    private static Map<String, Object> startupUnknown(String name, String value) {
        Map<String, Object> c = obj("name", name, "value", value);
        try {
            KafkaConfig kc = DefaultBroker.config(Map.of(name, value));
            kc.dynamicConfig().initialize(scala.Option.empty());
            DescribeConfigsResourceResult d = describeBroker(kc).get(name);
            c.put("error", null);
            c.put("line", d == null ? null : DefaultBroker.describeLine(d));
        } catch (Throwable t) {
            c.put("error", obj("exception", t.getClass().getName(), "message", t.getMessage()));
        }
        return c;
    }

    /** ConfigurationControlManager.DISALLOWED_BROKER_MIN_ISR_TRANSITION_ERROR, read from the class itself. */
    private static ApiError elrError() {
        try {
            var field = org.apache.kafka.controller.ConfigurationControlManager.class
                    .getDeclaredField("DISALLOWED_BROKER_MIN_ISR_TRANSITION_ERROR");
            field.setAccessible(true);
            return (ApiError) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kafka 4.4's ConfigurationControlManager changed", e);
        }
    }

    /** The answer to an IncrementalAlterConfigs SET of {@code name=value} on broker {@code entity} ("" = cluster default). */
    private static Map<String, Object> alter(ConfigAdminManager admin, String entity, String name, String value, boolean elr) {
        Map<String, Object> c = obj("entity", entity, "value", value);
        AlterConfigsResource resource = new AlterConfigsResource()
                .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName(entity);
        resource.configs().add(new AlterableConfig().setName(name).setValue(value)
                .setConfigOperation(AlterConfigOp.OpType.SET.id()));
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(resource);
        IdentityHashMap<AlterConfigsResource, ApiError> results = admin.preprocess(request, (type, n) -> true);
        ApiError err = results.get(request.resources().iterator().next());
        if (err == null && elr && name.equals("min.insync.replicas") && !entity.isEmpty()) {
            // The controller's check once the broker forwards the change.
            err = elrError();
        }
        c.put("error", err == null || err.error() == Errors.NONE ? null : DefaultBroker.error(err));
        return c;
    }
}
