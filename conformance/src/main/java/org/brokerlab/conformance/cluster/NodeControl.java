package org.brokerlab.conformance.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import kafka.cluster.Partition;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.image.MetadataDelta;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.image.TopicImage;
import org.apache.kafka.image.loader.LoaderManifest;
import org.apache.kafka.image.publisher.MetadataPublisher;
import org.apache.kafka.metadata.PartitionRegistration;
import org.apache.kafka.server.HostedPartition;
import org.apache.kafka.server.replica.Replica;
import org.apache.kafka.storage.internals.log.EpochEntry;
import org.apache.kafka.storage.internals.log.UnifiedLog;

import scala.Option;

/**
 * The node's read-only introspection socket for {@code describe partition}.
 *
 * <p>Protocol: one request line per connection, the answer as {@code key value} lines, then
 * {@code end}.
 * <ul>
 * <li>{@code metadata <topic> <partition>}: the partition as this node's committed metadata image
 *     (its {@code MetadataLoader}) records it: {@code leader}, {@code epoch}, {@code isr},
 *     {@code replicas}; or {@code missing}.</li>
 * <li>{@code replica <topic> <partition>} (brokers): {@code hosted online|offline|none} from
 *     {@code ReplicaManager.getPartition}; for an online one the {@code Partition}'s
 *     {@code leaderReplicaIdOpt}, {@code getLeaderEpoch}, and its {@code UnifiedLog}'s log end offset,
 *     high watermark, log start offset and leader-epoch cache; on the leader each remote replica's
 *     log end offset as the leader knows it ({@code Replica.stateSnapshot().logEndOffset()}).</li>
 * </ul>
 */
final class NodeControl implements MetadataPublisher {
    private final BrokerServer broker;
    private volatile MetadataImage image;

    private NodeControl(BrokerServer broker) {
        this.broker = broker;
    }

    static void start(KafkaRaftServer server, Path dir) throws Exception {
        BrokerServer broker = optionField(server, "broker", BrokerServer.class);
        ControllerServer controller = optionField(server, "controller", ControllerServer.class);
        SharedServer shared = broker != null ? broker.sharedServer() : controller.sharedServer();
        NodeControl control = new NodeControl(broker);
        shared.loader().installPublishers(List.of(control)).get(60, TimeUnit.SECONDS);

        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> control.serve(socket), "brokerlab-node-control");
        t.setDaemon(true);
        t.start();
        Path tmp = dir.resolve("control.port.tmp");
        Files.writeString(tmp, Integer.toString(socket.getLocalPort()));
        Files.move(tmp, dir.resolve("control.port"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** KafkaRaftServer keeps its BrokerServer and ControllerServer in private Scala Options. */
    private static <T> T optionField(KafkaRaftServer server, String name, Class<T> type) throws Exception {
        Field f = KafkaRaftServer.class.getDeclaredField(name);
        f.setAccessible(true);
        Option<?> o = (Option<?>) f.get(server);
        return o.isDefined() ? type.cast(o.get()) : null;
    }

    @Override
    public String name() {
        return "BrokerlabConformanceControl";
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage, LoaderManifest manifest) {
        image = newImage;
    }

    private void serve(ServerSocket socket) {
        while (true) {
            try (Socket s = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), false, StandardCharsets.UTF_8);
                String line = in.readLine();
                List<String> answer;
                try {
                    answer = answer(line == null ? "" : line.trim());
                } catch (Throwable e) {
                    answer = List.of("error " + e);
                }
                for (String a : answer) {
                    out.print(a);
                    out.print('\n');
                }
                out.print("end\n");
                out.flush();
            } catch (Throwable e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private List<String> answer(String request) {
        String[] w = request.split(" ");
        List<String> out = new ArrayList<>();
        if (w.length == 1 && w[0].equals("ping")) {
            out.add("ok");
            return out;
        }
        if (w.length != 3) {
            out.add("error bad request '" + request + "'");
            return out;
        }
        String topic = w[1];
        int partition = Integer.parseInt(w[2]);
        switch (w[0]) {
            case "metadata": {
                MetadataImage img = image;
                TopicImage t = img == null ? null : img.topics().getTopic(topic);
                PartitionRegistration p = t == null ? null : t.partitions().get(partition);
                if (p == null) {
                    out.add("missing");
                } else {
                    out.add("leader " + p.leader);
                    out.add("epoch " + p.leaderEpoch);
                    out.add("isr " + join(p.isr));
                    out.add("replicas " + join(p.replicas));
                }
                return out;
            }
            case "replica": {
                if (broker == null) {
                    out.add("error not a broker");
                    return out;
                }
                HostedPartition<Partition> hosted = broker.replicaManager().getPartition(new TopicPartition(topic, partition));
                if (hosted instanceof HostedPartition.Online) {
                    Partition p = ((HostedPartition.Online<Partition>) hosted).partition();
                    out.add("hosted online");
                    boolean leader = p.isLeader();
                    Option<Object> leaderId = p.leaderReplicaIdOpt();
                    out.add("role " + (leader ? "leader" : "follower"));
                    out.add("leader " + (leaderId.isDefined() ? leaderId.get() : -1));
                    out.add("epoch " + p.getLeaderEpoch());
                    Option<UnifiedLog> log = p.log();
                    if (log.isDefined()) {
                        UnifiedLog l = log.get();
                        out.add("leo " + l.logEndOffset());
                        out.add("hw " + l.highWatermark());
                        out.add("logstart " + l.logStartOffset());
                        StringBuilder cache = new StringBuilder();
                        for (EpochEntry e : l.leaderEpochCache().epochEntries()) {
                            cache.append(cache.length() == 0 ? "" : " ").append(e.epoch()).append('@').append(e.startOffset());
                        }
                        out.add("cache " + cache);
                    }
                    if (leader) {
                        TreeMap<Integer, Long> followers = new TreeMap<>();
                        scala.collection.Iterator<Replica> it = p.remoteReplicas().iterator();
                        while (it.hasNext()) {
                            Replica r = it.next();
                            followers.put(r.brokerId(), r.stateSnapshot().logEndOffset());
                        }
                        StringBuilder f = new StringBuilder();
                        followers.forEach((id, leo) -> f.append(f.length() == 0 ? "" : " ").append(id).append(':').append(leo));
                        out.add("followers " + f);
                    }
                } else if (hosted instanceof HostedPartition.Offline) {
                    out.add("hosted offline");
                } else {
                    out.add("hosted none");
                }
                return out;
            }
            default:
                out.add("error unknown request '" + w[0] + "'");
                return out;
        }
    }

    private static String join(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int i : ids) {
            b.append(b.length() == 0 ? "" : ",").append(i);
        }
        return b.toString();
    }
}
