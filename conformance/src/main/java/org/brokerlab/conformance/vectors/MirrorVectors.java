package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.DefaultReplicationPolicy;
import org.apache.kafka.connect.mirror.OffsetSync;
import org.apache.kafka.connect.mirror.OffsetSyncStore;

/**
 * Families {@code mirror-offsets} and {@code mirror-names}: MirrorMaker 2's offset syncs and
 * offset translation (KIP-382, KIP-545), and the names {@code DefaultReplicationPolicy} gives.
 *
 * <p>{@code mirror-offsets}: a random run of records replicated from one source partition
 * (upstream offsets rising by one, sometimes by more — compacted or transaction-marker offsets —
 * downstream offsets rising by one, sometimes truncated back) goes through
 * {@code OffsetSyncWriter.maybeQueueOffsetSyncs} as {@code MirrorSourceTask.commitRecord} calls it,
 * with {@code promoteDelayedOffsetSyncs} at the task's offset commits; the offset syncs it hands to
 * its producer are fed to an {@code OffsetSyncStore} (the first ones while the store is still
 * reading to the end at start-up, as {@code MirrorCheckpointTask} starts it), which then answers
 * {@code translateDownstream} for upstream offsets around the run.
 *
 * <p>MirrorMaker 2 is not published on Maven Central at 4.4.0 (connect-mirror stops at 4.3.1 on
 * 2026-12-07), so these classes are connect-mirror's newest release, named in the header; every
 * other class on the classpath is Kafka 4.4.0. The package-private writer and the store's
 * record handler are reached by reflection: the harness only calls them.
 */
final class MirrorVectors {
    static final String OFFSETS = "mirror-offsets";
    static final String NAMES = "mirror-names";
    static final long SEED = 20_440_049L;
    static final int OFFSET_CASES = 400;

    private MirrorVectors() {}

    /** The connect-mirror jar's version, from its file name (the jar has no version attribute). */
    static String mirrorVersion() {
        String jar = OffsetSyncStore.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        String name = jar.substring(jar.lastIndexOf('/') + 1);
        return name.replace("connect-mirror-", "").replace(".jar", "");
    }

    static Path generateOffsets(Path dir) throws Exception {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(OFFSETS, SEED,
            "org.apache.kafka.connect.mirror.OffsetSyncWriter.maybeQueueOffsetSyncs(TopicPartition, long, long), "
                + "OffsetSyncWriter.promoteDelayedOffsetSyncs(), "
                + "OffsetSyncStore.handleRecord(ConsumerRecord), OffsetSyncStore.translateDownstream(String, TopicPartition, long)")
            .header("connect_mirror", mirrorVersion());
        Class<?> writerClass = Class.forName("org.apache.kafka.connect.mirror.OffsetSyncWriter");
        Constructor<?> writerNew = writerClass.getDeclaredConstructor(
            org.apache.kafka.clients.producer.KafkaProducer.class, String.class, java.util.concurrent.Semaphore.class, long.class);
        writerNew.setAccessible(true);
        Method queue = writerClass.getDeclaredMethod("maybeQueueOffsetSyncs", TopicPartition.class, long.class, long.class);
        queue.setAccessible(true);
        Method promote = writerClass.getDeclaredMethod("promoteDelayedOffsetSyncs");
        promote.setAccessible(true);
        Method pending = writerClass.getDeclaredMethod("getPendingOffsetSyncs");
        pending.setAccessible(true);
        Constructor<OffsetSyncStore> storeNew = OffsetSyncStore.class.getDeclaredConstructor();
        storeNew.setAccessible(true);
        Method handle = OffsetSyncStore.class.getDeclaredMethod("handleRecord", ConsumerRecord.class);
        handle.setAccessible(true);
        Field readToEnd = OffsetSyncStore.class.getDeclaredField("readToEnd");
        Method recordKey = OffsetSync.class.getDeclaredMethod("recordKey");
        recordKey.setAccessible(true);
        Method recordValue = OffsetSync.class.getDeclaredMethod("recordValue");
        recordValue.setAccessible(true);
        readToEnd.setAccessible(true);
        TopicPartition tp = new TopicPartition("orders", 0);

        for (int c = 0; c < OFFSET_CASES; c++) {
            long[] lags = {0, 1, 10, 100, 100, 100, 1000};
            long lagMax = lags[rnd.nextInt(lags.length)];
            int records = 1 + rnd.nextInt(c < 40 ? 20 : 600);
            int gapEvery = 1 + rnd.nextInt(40);
            int commitEvery = 1 + rnd.nextInt(120);
            Object writer = writerNew.newInstance(null, "mm2-offset-syncs.backup.internal", new java.util.concurrent.Semaphore(10), lagMax);
            long up = rnd.nextInt(4) == 0 ? rnd.nextInt(5000) : 0;
            long down = rnd.nextInt(3) == 0 ? rnd.nextInt(5000) : 0;
            List<Object> input = new ArrayList<>();
            List<Object> syncs = new ArrayList<>();
            for (int r = 0; r < records; r++) {
                if (r > 0) {
                    up += rnd.nextInt(gapEvery) == 0 ? 2 + rnd.nextInt(5) : 1;
                    down = rnd.nextInt(300) == 0 ? Math.max(0, down - 1 - rnd.nextInt(50)) : down + 1;
                }
                boolean commit = rnd.nextInt(commitEvery) == 0;
                input.add(commit ? Json.arr(up, down, 1) : Json.arr(up, down));
                queue.invoke(writer, tp, up, down);
                if (commit) {
                    promote.invoke(writer);
                }
                drain(writer, pending, syncs);
            }
            // The store: the syncs written before the checkpoint task started are read while it
            // reads to the end (only the last survives), the rest as they come.
            int atStart = rnd.nextInt(3) == 0 ? rnd.nextInt(syncs.size() + 1) : 0;
            OffsetSyncStore store = storeNew.newInstance();
            for (int i = 0; i < syncs.size(); i++) {
                if (i == atStart) {
                    readToEnd.set(store, true);
                }
                @SuppressWarnings("unchecked")
                List<Object> s = (List<Object>) syncs.get(i);
                OffsetSync sync = new OffsetSync(tp, (Long) s.get(0), (Long) s.get(1));
                handle.invoke(store, new ConsumerRecord<>("mm2-offset-syncs.backup.internal", 0, i,
                    (byte[]) recordKey.invoke(sync), (byte[]) recordValue.invoke(sync)));
            }
            readToEnd.set(store, true);
            List<Object> queries = new ArrayList<>();
            long first = syncs.isEmpty() ? 0 : (Long) ((List<?>) syncs.get(0)).get(0);
            for (int q = 0; q < 24; q++) {
                long at = switch (q % 4) {
                    case 0 -> first + rnd.nextInt((int) Math.max(1, up - first + 1));
                    case 1 -> up + rnd.nextInt(3);
                    case 2 -> Math.max(0, first - rnd.nextInt(3));
                    default -> rnd.nextInt((int) up + 2);
                };
                OptionalLong t = store.translateDownstream("billing", tp, at);
                queries.add(Json.arr(at, t.isPresent() ? (Object) t.getAsLong() : null));
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("offset_lag_max", lagMax);
            v.put("records", input);
            v.put("syncs", syncs);
            v.put("read_at_start", atStart);
            v.put("translations", queries);
            file.add(v);
        }
        return file.write(dir);
    }

    /** What firePendingOffsetSyncs would hand to the producer now (every ack back at once). */
    private static void drain(Object writer, Method pending, List<Object> syncs) throws Exception {
        @SuppressWarnings("unchecked")
        Map<TopicPartition, OffsetSync> p = (Map<TopicPartition, OffsetSync>) pending.invoke(writer);
        for (OffsetSync s : p.values()) {
            syncs.add(Json.arr(s.upstreamOffset(), s.downstreamOffset()));
        }
        p.clear();
    }

    static Path generateNames(Path dir) throws IOException {
        Random rnd = new Random(SEED + 1);
        VectorFile file = new VectorFile(NAMES, SEED + 1,
            "org.apache.kafka.connect.mirror.DefaultReplicationPolicy: formatRemoteTopic, topicSource, upstreamTopic, "
                + "originalTopic, offsetSyncsTopic, checkpointsTopic, heartbeatsTopic, isHeartbeatsTopic, isCheckpointsTopic, "
                + "isMM2InternalTopic, isInternalTopic")
            .header("connect_mirror", mirrorVersion());
        String[] fixed = {"orders", "primary.orders", "backup.primary.orders", "heartbeats", "primary.heartbeats",
            "primary.checkpoints.internal", "mm2-offset-syncs.backup.internal", "__consumer_offsets", ".hidden",
            "primary.", ".orders", "a..b", "...", "mm2-configs.primary.internal", "primary.mm2.internal", "x.internal",
            "mm2", "checkpoints.internal", "heartbeats.", "a.b.c.d"};
        String[] aliases = {"primary", "backup", "us-east", "dc1", "a.b"};
        String alphabet = "ab.-_x.";
        for (int i = 0; i < fixed.length + 200; i++) {
            String topic;
            if (i < fixed.length) {
                topic = fixed[i];
            } else {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(12);
                for (int k = 0; k < len; k++) {
                    sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                topic = sb.toString();
            }
            String alias = aliases[i % aliases.length];
            DefaultReplicationPolicy p = new DefaultReplicationPolicy();
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("alias", alias);
            v.put("topic", topic);
            v.put("format_remote_topic", p.formatRemoteTopic(alias, topic));
            v.put("topic_source", p.topicSource(topic));
            v.put("upstream_topic", p.upstreamTopic(topic));
            v.put("original_topic", p.originalTopic(topic));
            v.put("offset_syncs_topic", p.offsetSyncsTopic(alias));
            v.put("checkpoints_topic", p.checkpointsTopic(alias));
            v.put("heartbeats_topic", p.heartbeatsTopic());
            v.put("is_heartbeats_topic", p.isHeartbeatsTopic(topic));
            v.put("is_checkpoints_topic", p.isCheckpointsTopic(topic));
            v.put("is_mm2_internal_topic", p.isMM2InternalTopic(topic));
            v.put("is_internal_topic", p.isInternalTopic(topic));
            file.add(v);
        }
        return file.write(dir);
    }
}
