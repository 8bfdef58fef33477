package org.brokerlab.conformance.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.server.log.remote.storage.LogSegmentData;
import org.apache.kafka.server.log.remote.storage.RemoteLogSegmentMetadata;
import org.apache.kafka.server.log.remote.storage.RemoteResourceNotFoundException;
import org.apache.kafka.server.log.remote.storage.RemoteStorageException;
import org.apache.kafka.server.log.remote.storage.RemoteStorageManager;

/**
 * The harness's own tiered-storage plugin (KIP-405's {@link RemoteStorageManager}): Kafka's
 * {@code LocalTieredStorage} is only in kafka-storage's test jar. It keeps each copied segment
 * and its indexes as files in one directory that every node of the cluster shares,
 * {@code <cluster dir>/remote-storage/<topic>-<partition>-<topic id>/<segment id>.<kind>}, next to
 * the nodes' own directories (each node's {@code kafka.logs.dir} is {@code <cluster dir>/<node>}).
 *
 * <p>A scenario's {@code remote-storage down} creates {@code <cluster dir>/remote-storage/DOWN} and
 * {@code remote-storage up} removes it: while it exists every call fails with a
 * {@link RemoteStorageException}, as an unreachable object store would make a real plugin fail.
 */
public class FileRemoteStorageManager implements RemoteStorageManager {
    private Path root;

    /** The store's directory for the node this JVM runs. */
    public static Path storeOf(Path clusterDir) {
        return clusterDir.resolve("remote-storage");
    }

    @Override
    public void configure(Map<String, ?> configs) {
        root = storeOf(Paths.get(System.getProperty("kafka.logs.dir", ".")).toAbsolutePath().getParent());
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + root, e);
        }
    }

    private void reachable() throws RemoteStorageException {
        if (Files.exists(root.resolve("DOWN"))) {
            throw new RemoteStorageException("remote storage " + root + " is unreachable");
        }
    }

    private Path dir(RemoteLogSegmentMetadata m) {
        var tip = m.remoteLogSegmentId().topicIdPartition();
        return root.resolve(tip.topicPartition() + "-" + tip.topicId());
    }

    private Path file(RemoteLogSegmentMetadata m, String kind) {
        return dir(m).resolve(m.startOffset() + "-" + m.remoteLogSegmentId().id() + "." + kind);
    }

    @Override
    public Optional<RemoteLogSegmentMetadata.CustomMetadata> copyLogSegmentData(RemoteLogSegmentMetadata m, LogSegmentData data)
            throws RemoteStorageException {
        reachable();
        try {
            Files.createDirectories(dir(m));
            Files.copy(data.logSegment(), file(m, "log"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(data.offsetIndex(), file(m, "index"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(data.timeIndex(), file(m, "timeindex"), StandardCopyOption.REPLACE_EXISTING);
            if (data.transactionIndex().isPresent()) {
                Files.copy(data.transactionIndex().get(), file(m, "txnindex"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(data.producerSnapshotIndex(), file(m, "snapshot"), StandardCopyOption.REPLACE_EXISTING);
            ByteBuffer epochs = data.leaderEpochIndex().duplicate();
            byte[] bytes = new byte[epochs.remaining()];
            epochs.get(bytes);
            Files.write(file(m, "leader-epoch-checkpoint"), bytes);
        } catch (IOException e) {
            throw new RemoteStorageException("copying " + m.remoteLogSegmentId() + " failed", e);
        }
        return Optional.empty();
    }

    @Override
    public InputStream fetchLogSegment(RemoteLogSegmentMetadata m, int startPosition) throws RemoteStorageException {
        return fetchLogSegment(m, startPosition, Integer.MAX_VALUE);
    }

    @Override
    public InputStream fetchLogSegment(RemoteLogSegmentMetadata m, int startPosition, int endPosition) throws RemoteStorageException {
        reachable();
        byte[] all = read(file(m, "log"));
        int from = Math.min(startPosition, all.length);
        int to = (int) Math.min((long) endPosition + 1, all.length);
        return new ByteArrayInputStream(Arrays.copyOfRange(all, from, Math.max(from, to)));
    }

    @Override
    public InputStream fetchIndex(RemoteLogSegmentMetadata m, IndexType type) throws RemoteStorageException {
        reachable();
        String kind = switch (type) {
            case OFFSET -> "index";
            case TIMESTAMP -> "timeindex";
            case PRODUCER_SNAPSHOT -> "snapshot";
            case TRANSACTION -> "txnindex";
            case LEADER_EPOCH -> "leader-epoch-checkpoint";
        };
        Path p = file(m, kind);
        if (type == IndexType.TRANSACTION && !Files.exists(p)) {
            throw new RemoteResourceNotFoundException("no transaction index for " + m.remoteLogSegmentId());
        }
        return new ByteArrayInputStream(read(p));
    }

    private static byte[] read(Path p) throws RemoteStorageException {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RemoteResourceNotFoundException("cannot read " + p + ": " + e);
        }
    }

    @Override
    public void deleteLogSegmentData(RemoteLogSegmentMetadata m) throws RemoteStorageException {
        reachable();
        try (Stream<Path> files = Files.exists(dir(m)) ? Files.list(dir(m)) : Stream.empty()) {
            String prefix = m.startOffset() + "-" + m.remoteLogSegmentId().id() + ".";
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RemoteStorageException("deleting " + m.remoteLogSegmentId() + " failed", e);
        }
    }

    @Override
    public void close() {
    }
}
