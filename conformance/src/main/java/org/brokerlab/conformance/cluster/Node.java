package org.brokerlab.conformance.cluster;

import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.common.utils.internals.LoggingSignalHandler;

/**
 * One Kafka node (a broker or a controller) in its own JVM: {@code java -cp ... Node <dir>}.
 *
 * <p>It starts the node the way {@code kafka.Kafka.main} does (the script {@code kafka-server-start.sh}):
 * {@code KafkaConfig.fromProps} on {@code <dir>/server.properties}, a {@link KafkaRaftServer}, the
 * signal logger, and the {@code kafka-shutdown-hook} that calls {@code server.shutdown()}. So SIGTERM
 * ({@code Process.destroy()}) runs Kafka's own shutdown path (a broker's controlled shutdown) and
 * SIGKILL ({@code Process.destroyForcibly()}) is a real crash: no hook, no clean-shutdown file.
 *
 * <p>The one addition is {@link NodeControl}: a localhost socket (its port written to
 * {@code <dir>/control.port}) through which the harness reads this process's replica state for
 * {@code describe partition}. It only reads.
 */
public final class Node {
    private Node() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Node <node directory with server.properties>");
            Exit.exit(2);
            return;
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        try {
            Properties props = Utils.loadProps(dir.resolve("server.properties").toString());
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                new LoggingSignalHandler().register();
            } catch (ReflectiveOperationException e) {
                System.err.println("could not register the signal logger: " + e);
            }
            Exit.addShutdownHook("kafka-shutdown-hook", () -> {
                try {
                    server.shutdown();
                } catch (Throwable t) {
                    Exit.halt(1);
                }
            });
            try {
                server.startup();
            } catch (Throwable e) {
                System.err.println("Exiting Kafka due to fatal exception during startup: " + e);
                e.printStackTrace();
                Exit.exit(1);
            }
            NodeControl.start(server, dir);
            server.awaitShutdown();
        } catch (Throwable e) {
            System.err.println("Exiting Kafka due to fatal exception: " + e);
            e.printStackTrace();
            Exit.exit(1);
        }
        Exit.exit(0);
    }
}
