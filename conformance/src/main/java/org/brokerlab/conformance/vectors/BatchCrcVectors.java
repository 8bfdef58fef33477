package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/**
 * Family {@code batch-crc}: v2 record batches as Kafka encodes them, uncompressed, with CreateTime
 * stamps: for random records (keys and values absent, empty or random bytes; 0-2 headers;
 * timestamps moving both ways), producer ids, epochs, sequences, transactional flags, delete
 * horizons and end-transaction markers, what {@code MemoryRecordsBuilder} (and
 * {@code MemoryRecords.withEndTransactionMarker}) writes: the batch's {@code sizeInBytes()} and its
 * CRC-32C ({@code RecordBatch.checksum()}), which {@code kafka-dump-log} prints.
 */
final class BatchCrcVectors {
    static final String FAMILY = "batch-crc";
    static final long SEED = 20_440_044L;
    static final int CASES = 400;

    private BatchCrcVectors() {}

    static Path generate(Path dir) throws IOException {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.common.record.internal.MemoryRecordsBuilder (v2, Compression.NONE, CREATE_TIME), "
                + "MemoryRecords.withEndTransactionMarker, RecordBatch.checksum(), RecordBatch.sizeInBytes()");
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < CASES; i++) {
            long baseOffset = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1_000_000);
            int leaderEpoch = rnd.nextInt(5);
            long now = 1_796_600_000_000L + rnd.nextInt(1_000_000_000);
            boolean idempotent = rnd.nextInt(3) != 0;
            long producerId = idempotent ? rnd.nextInt(5000) : RecordBatch.NO_PRODUCER_ID;
            short producerEpoch = idempotent ? (short) rnd.nextInt(3) : RecordBatch.NO_PRODUCER_EPOCH;
            RecordBatch batch;
            Json.Obj c = Json.obj();
            if (idempotent && i % 10 == 9) {
                boolean commit = rnd.nextBoolean();
                int coordinatorEpoch = rnd.nextInt(4);
                MemoryRecords m = MemoryRecords.withEndTransactionMarker(baseOffset, now, leaderEpoch, producerId, producerEpoch,
                    new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch));
                batch = m.batches().iterator().next();
                c.put("kind", "marker").put("control", commit ? "COMMIT" : "ABORT").put("coordinator_epoch", coordinatorEpoch);
            } else {
                boolean transactional = idempotent && rnd.nextInt(4) == 0;
                int baseSequence = idempotent ? rnd.nextInt(100_000) : RecordBatch.NO_SEQUENCE;
                long deleteHorizon = rnd.nextInt(8) == 0 ? now + rnd.nextInt(100_000) : RecordBatch.NO_TIMESTAMP;
                ByteBufferOutputStream out = new ByteBufferOutputStream(ByteBuffer.allocate(1024));
                MemoryRecordsBuilder b = new MemoryRecordsBuilder(out, RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
                    TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, producerId, producerEpoch, baseSequence,
                    transactional, false, leaderEpoch, Integer.MAX_VALUE, deleteHorizon);
                int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 200 : 8);
                List<Object> records = new ArrayList<>();
                long ts = now;
                for (int r = 0; r < n; r++) {
                    ts += rnd.nextInt(5) == 0 ? -rnd.nextInt(5000) : rnd.nextInt(rnd.nextBoolean() ? 3 : 100_000);
                    byte[] key = bytes(rnd);
                    byte[] value = bytes(rnd);
                    int nh = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0;
                    Header[] headers = new Header[nh];
                    List<Object> hs = new ArrayList<>();
                    for (int h = 0; h < nh; h++) {
                        String hk = "h" + rnd.nextInt(100);
                        byte[] hv = bytes(rnd);
                        headers[h] = new RecordHeader(hk, hv);
                        hs.add(Json.arr(hk, hv == null ? null : hex.formatHex(hv)));
                    }
                    b.appendWithOffset(baseOffset + r, ts, key, value, headers);
                    records.add(Json.obj().put("timestamp", ts).put("key_hex", key == null ? null : hex.formatHex(key))
                        .put("value_hex", value == null ? null : hex.formatHex(value)).put("headers", hs));
                }
                batch = b.build().batches().iterator().next();
                c.put("kind", "data").put("base_sequence", baseSequence).put("transactional", transactional)
                    .put("delete_horizon_ms", deleteHorizon == RecordBatch.NO_TIMESTAMP ? null : deleteHorizon)
                    .put("records", records);
            }
            c.put("base_offset", baseOffset).put("partition_leader_epoch", leaderEpoch).put("producer_id", producerId)
                .put("producer_epoch", (int) producerEpoch).put("timestamp", now)
                .put("max_timestamp", batch.maxTimestamp()).put("size", batch.sizeInBytes()).put("crc", batch.checksum());
            file.add(c);
        }
        return file.write(dir);
    }

    /** Absent (null), empty, or 1-40 random bytes. */
    private static byte[] bytes(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> null;
            case 1 -> new byte[0];
            default -> {
                byte[] v = new byte[1 + rnd.nextInt(40)];
                rnd.nextBytes(v);
                yield v;
            }
        };
    }
}
