package org.brokerlab.conformance.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileLogInputStream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.storage.internals.checkpoint.LeaderEpochCheckpointFile;
import org.apache.kafka.storage.internals.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.storage.internals.log.EpochEntry;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;

/**
 * {@code describe partition <topic>-<p>} on the real cluster, in exactly the format of Brokerlab's
 * {@code cmd_describe} ({@code src/console/simcmd.rs}): the partition as the controller records it,
 * then one row per replica (the assignment's order, then any other broker that has the log on its
 * disk) with its role, leader epoch, log end offset, high watermark, log start offset and
 * leader-epoch cache.
 *
 * <p>A running broker answers from its {@code ReplicaManager} through {@link NodeControl}. A broker
 * that is down is read from its disk with Kafka's own classes: {@code leader-epoch-checkpoint}
 * ({@link LeaderEpochCheckpointFile}), {@code replication-offset-checkpoint} and
 * {@code log-start-offset-checkpoint} ({@link OffsetCheckpointFile}) and the last batch of the newest
 * segment ({@link FileRecords}) for the log end offset.
 */
public final class PartitionDescriber {
    private final Cluster cluster;

    public PartitionDescriber(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The output lines; an {@link IllegalArgumentException} carries a user error (one line, for stderr). */
    public List<String> describe(List<String> args) throws IOException {
        String example = "describe partition orders-0";
        if (args.isEmpty() || !args.get(0).equals("partition")) {
            throw new IllegalArgumentException("usage: " + example);
        }
        if (args.size() < 2) {
            throw new IllegalArgumentException("which partition? " + example);
        }
        String spec = args.get(1);
        int dash = spec.lastIndexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("'" + spec + "' is not <topic>-<partition>: " + example);
        }
        String topic = spec.substring(0, dash);
        int partition;
        try {
            partition = Integer.parseInt(spec.substring(dash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + spec + "' is not <topic>-<partition>: " + example);
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        Map<String, String> meta = metadata(topic, partition);
        if (meta == null || meta.containsKey("missing")) {
            throw new IllegalArgumentException("there is no partition " + tp + " (kafka-topics --describe lists them)");
        }
        int leader = Integer.parseInt(meta.get("leader"));
        List<String> out = new ArrayList<>();
        out.add(tp + ": leader " + (leader >= 0 ? Integer.toString(leader) : "none") + ", leader epoch " + meta.get("epoch")
            + ", ISR " + list(meta.get("isr")) + ", replicas " + list(meta.get("replicas")) + " (as the controller records it)");

        List<Integer> ids = new ArrayList<>();
        for (String r : meta.get("replicas").split(",")) {
            if (!r.isEmpty()) {
                ids.add(Integer.parseInt(r));
            }
        }
        for (int b : Cluster.BROKERS) {
            if (!ids.contains(b) && Files.isDirectory(logDir(b, tp))) {
                ids.add(b);
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (int id : ids) {
            rows.add(row(id, tp));
        }
        out.addAll(table(new String[] {"BROKER", "ROLE", "EPOCH", "LEO", "HW", "LOG-START", "EPOCH-CACHE (epoch@start)"}, rows));
        return out;
    }

    /** The controller's committed metadata image, or a running broker's when the controller is down. */
    private Map<String, String> metadata(String topic, int partition) throws IOException {
        List<Integer> order = new ArrayList<>();
        order.add(Cluster.CONTROLLER);
        for (int b : Cluster.BROKERS) {
            order.add(b);
        }
        for (int n : order) {
            if (cluster.running(n)) {
                return cluster.control(n, "metadata " + topic + " " + partition);
            }
        }
        throw new IllegalArgumentException("no node is running: nothing records the partition's state");
    }

    private String[] row(int id, TopicPartition tp) throws IOException {
        String role;
        String epoch = "-";
        Disk disk = null;
        if (!cluster.isBroker(id)) {
            return new String[] {Integer.toString(id), "not hosted", "-", "-", "-", "-", "-"};
        }
        if (cluster.running(id)) {
            Map<String, String> r = cluster.control(id, "replica " + tp.topic() + " " + tp.partition());
            String hosted = r.get("hosted");
            if ("online".equals(hosted)) {
                epoch = r.get("epoch");
                if (Integer.parseInt(epoch) < 0) {
                    epoch = "-";
                }
                if ("leader".equals(r.get("role"))) {
                    role = "leader";
                    String f = r.getOrDefault("followers", "");
                    if (!f.isEmpty()) {
                        role += " (followers at " + f + ")";
                    }
                } else {
                    // Partition.makeFollower with no leader leaves the replica a follower of -1.
                    String leader = r.get("leader");
                    role = Integer.parseInt(leader) < 0 ? "follower (no leader)" : "follower of " + leader;
                }
                if (r.containsKey("leo")) {
                    disk = new Disk(Long.parseLong(r.get("leo")), Long.parseLong(r.get("hw")), Long.parseLong(r.get("logstart")), r.get("cache"));
                } else {
                    disk = readDisk(id, tp);
                }
            } else if ("offline".equals(hosted)) {
                role = "offline";
                disk = readDisk(id, tp);
            } else {
                role = "not hosted";
                disk = readDisk(id, tp);
            }
        } else {
            role = "down";
            disk = readDisk(id, tp);
        }
        String dash = "-";
        return new String[] {
            Integer.toString(id),
            role,
            epoch,
            disk == null ? dash : Long.toString(disk.leo),
            disk == null ? dash : Long.toString(disk.hw),
            disk == null ? dash : Long.toString(disk.logStart),
            disk == null || disk.cache.isEmpty() ? dash : disk.cache,
        };
    }

    private Path logDir(int broker, TopicPartition tp) {
        return cluster.dataDir(broker).resolve(tp.topic() + "-" + tp.partition());
    }

    private record Disk(long leo, long hw, long logStart, String cache) {}

    /** A stopped broker's replica as its files say; null when it has no log for the partition. */
    private Disk readDisk(int broker, TopicPartition tp) throws IOException {
        Path d = logDir(broker, tp);
        if (!Files.isDirectory(d)) {
            return null;
        }
        StringBuilder cache = new StringBuilder();
        File epochFile = LeaderEpochCheckpointFile.newFile(d.toFile());
        if (epochFile.exists()) {
            for (EpochEntry e : new LeaderEpochCheckpointFile(epochFile, new LogDirFailureChannel(1)).read()) {
                cache.append(cache.length() == 0 ? "" : " ").append(e.epoch()).append('@').append(e.startOffset());
            }
        }
        long[] bases;
        try (Stream<Path> files = Files.list(d)) {
            bases = files.map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".log"))
                .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 4)))
                .sorted()
                .toArray();
        }
        long leo = 0;
        if (bases.length > 0) {
            leo = bases[bases.length - 1];
            File seg = d.resolve(String.format("%020d.log", bases[bases.length - 1])).toFile();
            try (FileRecords records = FileRecords.open(seg, false)) {
                try {
                    for (FileLogInputStream.FileChannelRecordBatch batch : records.batches()) {
                        leo = batch.nextOffset();
                    }
                } catch (RuntimeException e) {
                    // A batch cut short by the crash ends the readable log, as log recovery would truncate it.
                }
            }
        }
        long logStart = checkpoint(broker, "log-start-offset-checkpoint", tp, bases.length > 0 ? bases[0] : 0);
        long hw = checkpoint(broker, "replication-offset-checkpoint", tp, 0);
        return new Disk(leo, hw, logStart, cache.toString());
    }

    private long checkpoint(int broker, String name, TopicPartition tp, long otherwise) throws IOException {
        File f = cluster.dataDir(broker).resolve(name).toFile();
        if (!f.exists()) {
            return otherwise;
        }
        Long v = new OffsetCheckpointFile(f, new LogDirFailureChannel(1)).read().get(tp);
        return v == null ? otherwise : v;
    }

    private static String list(String csv) {
        if (csv == null || csv.isEmpty()) {
            return "[]";
        }
        return Arrays.toString(Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray());
    }

    /** Columns padded to their widest cell and two spaces apart; the last column unpadded; lines trimmed. */
    static List<String> table(String[] headers, List<String[]> rows) {
        int[] widths = new int[headers.length];
        List<String[]> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length && i < widths.length; i++) {
                widths[i] = Math.max(widths[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i + 1 == r.length) {
                    line.append(r[i]);
                } else {
                    line.append(r[i]);
                    for (int k = r[i].codePointCount(0, r[i].length()); k < widths[i]; k++) {
                        line.append(' ');
                    }
                    line.append("  ");
                }
            }
            out.add(line.toString().stripTrailing());
        }
        return out;
    }
}
