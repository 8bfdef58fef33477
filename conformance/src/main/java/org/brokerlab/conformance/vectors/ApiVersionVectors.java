package org.brokerlab.conformance.vectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.NodeApiVersions;
import org.apache.kafka.common.message.ApiMessageType.ListenerType;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.server.SimpleApiVersionManager;
import org.apache.kafka.server.common.FinalizedFeatures;
import org.apache.kafka.server.common.MetadataVersion;

import static org.brokerlab.conformance.vectors.VectorFile.obj;

/**
 * {@code api-versions}: what a 4.4 controller and a 4.4 broker with default settings advertise
 * in their ApiVersions responses, and the lines {@code kafka-broker-api-versions} prints for
 * the broker.
 *
 * <p>Derived statically with Kafka's own code, the way the two servers build the response:
 * <ul>
 *   <li>controller: {@code ControllerServer} uses a {@link SimpleApiVersionManager} for the
 *       CONTROLLER listener with {@code unstable.api.versions.enable=false}; its API list is
 *       {@code ApiVersionsResponse.collectApis(CONTROLLER, ApiKeys.apisForListener(CONTROLLER), false)}.
 *   <li>broker: {@code BrokerServer} uses a {@code DefaultApiVersionManager} whose API list,
 *       once it knows the active controller's versions, is
 *       {@link ApiVersionsResponse#controllerApiVersions}: every BROKER-listener API at
 *       {@code toApiVersionForApiResponse(false, BROKER)} (Produce from version 0 on the broker
 *       listener), forwardable ones intersected with the controller's range, and the two client
 *       telemetry APIs left out because no telemetry exporter is configured by default
 *       ({@code ClientMetricsManager.isTelemetryExporterConfigured()} is false).
 *   <li>the lines: {@link NodeApiVersions#toString(boolean)} with line breaks, which is what
 *       {@code BrokerApiVersionsCommand} prints after {@code <node> -> }; client APIs the broker
 *       does not advertise print as {@code UNSUPPORTED}.
 * </ul>
 * Finalized features do not enter the API list in 4.4 ({@code DefaultApiVersionManager} only
 * copies them into the response's feature fields).
 */
public final class ApiVersionVectors {
    private ApiVersionVectors() {}

    public static Path generate(Path dir) throws Exception {
        VectorFile f = new VectorFile("api-versions", 0,
                "org.apache.kafka.server.SimpleApiVersionManager(CONTROLLER).apiVersionResponse; "
                        + "org.apache.kafka.common.requests.ApiVersionsResponse.controllerApiVersions(controller, BROKER, false, false); "
                        + "org.apache.kafka.clients.NodeApiVersions.toString(true)");
        f.header("derivation", "static: the controller's SimpleApiVersionManager response, intersected into the broker's "
                + "list by ApiVersionsResponse.controllerApiVersions as DefaultApiVersionManager does; "
                + "unstable.api.versions.enable=false, no client telemetry exporter");

        SimpleApiVersionManager controller = new SimpleApiVersionManager(ListenerType.CONTROLLER, false,
                () -> FinalizedFeatures.fromMetadataVersion(MetadataVersion.latestProduction()));
        ApiVersionCollection controllerApis = controller.apiVersionResponse(0, false).data().apiKeys();
        for (ApiVersion v : controllerApis) {
            f.add(entry("controller", v, null));
        }

        NodeApiVersions controllerNode = new NodeApiVersions(controllerApis, List.of());
        ApiVersionCollection brokerApis =
                ApiVersionsResponse.controllerApiVersions(controllerNode, ListenerType.BROKER, false, false);
        NodeApiVersions brokerNode = new NodeApiVersions(brokerApis, List.of());
        // "(\n\t" + lines joined by ",\n\t" + "\n)": one printed line per API, in key order.
        String text = brokerNode.toString(true);
        String body = text.substring(text.indexOf("\n\t") + 2, text.lastIndexOf("\n)"));
        List<String> lines = List.of(body.split(",\n\t"));
        List<Short> printedKeys = new ArrayList<>();
        for (String line : lines) {
            String head = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
            printedKeys.add(Short.parseShort(head));
        }
        for (int i = 0; i < lines.size(); i++) {
            short key = printedKeys.get(i);
            ApiVersion v = brokerApis.find(key);
            if (v == null) {
                f.add(obj("listener", "broker", "key", (int) key, "name", ApiKeys.forId(key).name,
                        "min", null, "max", null, "line", lines.get(i)));
            } else {
                f.add(entry("broker", v, lines.get(i)));
            }
        }
        return f.write(dir);
    }

    private static java.util.Map<String, Object> entry(String listener, ApiVersion v, String line) {
        ApiKeys key = ApiKeys.forId(v.apiKey());
        var m = obj("listener", listener, "key", (int) v.apiKey(), "name", key.name,
                "min", (int) v.minVersion(), "max", (int) v.maxVersion());
        if (line != null) {
            m.put("line", line);
        }
        return m;
    }
}
