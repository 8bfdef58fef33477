package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/**
 * Family {@code compression}: the size of one v2 record batch holding the records a producer
 * would send, uncompressed and with each of Kafka's codecs at its default level
 * ({@code Compression.of(CompressionType).build()}, as {@code compression.type} builds it),
 * written by Kafka's own {@code MemoryRecordsBuilder}: {@code MemoryRecords.builder(...)},
 * {@code append(timestamp, key, value)}, {@code build().sizeInBytes()}. The records are the
 * kinds a learner sends: console-producer lines, JSON-like values, words, one value repeated,
 * and {@code kafka-producer-perf-test}'s random uppercase payloads
 * ({@code ProducerPerformance.generateRandomPayload}).
 */
final class CompressionVectors {
    static final String FAMILY = "compression";
    static final long SEED = 20_440_017L;
    static final int CASES = 240;
    static final long BASE_TS = 1_765_000_000_000L;
    static final String[] WORDS = {"order", "paid", "shipped", "cart", "user", "alice", "bob", "carol", "eu-west",
        "us-east", "checkout", "refund", "item", "price", "total", "qty", "sku", "status", "ok", "retry"};

    private CompressionVectors() {}

    static Path generate(Path dir) throws IOException {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.common.record.internal.MemoryRecords.builder(ByteBuffer, Compression, TimestampType, long), "
                + "MemoryRecordsBuilder.append(long, byte[], byte[]), MemoryRecordsBuilder.build().sizeInBytes(), "
                + "Compression.of(CompressionType).build()");
        String[] kinds = {"lines", "json", "words", "repeat", "perf"};
        for (int i = 0; i < CASES; i++) {
            String kind = kinds[i % kinds.length];
            int count = switch (rnd.nextInt(4)) {
                case 0 -> 1 + rnd.nextInt(3);
                case 1 -> 1 + rnd.nextInt(20);
                case 2 -> 1 + rnd.nextInt(100);
                default -> 1 + rnd.nextInt(200);
            };
            boolean keyed = rnd.nextInt(3) == 0;
            int perfSize = 10 + rnd.nextInt(500);
            if (kind.equals("perf") && count * perfSize > 16 * 1024) {
                count = Math.max(1, 16 * 1024 / perfSize);
            }
            String repeated = words(rnd, 1 + rnd.nextInt(8));
            List<Object> keys = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            List<Object> tsDeltas = new ArrayList<>();
            long ts = 0;
            for (int r = 0; r < count; r++) {
                String value = switch (kind) {
                    case "lines" -> "line " + (r + 1);
                    case "json" -> "{\"id\":" + (1000 + rnd.nextInt(9000)) + ",\"user\":\"" + WORDS[rnd.nextInt(WORDS.length)]
                        + "\",\"amount\":" + rnd.nextInt(10000) + "}";
                    case "words" -> words(rnd, 1 + rnd.nextInt(12));
                    case "repeat" -> repeated;
                    default -> perf(rnd, perfSize);
                };
                values.add(value);
                keys.add(keyed ? "k" + rnd.nextInt(10) : null);
                tsDeltas.add(ts);
                ts += rnd.nextInt(3);
            }
            Json.Obj c = Json.obj().put("kind", kind).put("base_timestamp", BASE_TS).put("timestamp_deltas", tsDeltas)
                .put("keys", keys).put("values", values);
            for (CompressionType type : CompressionType.values()) {
                c.put(type.name, size(type, keys, values, tsDeltas));
            }
            file.add(c);
        }
        return file.write(dir);
    }

    private static int size(CompressionType type, List<Object> keys, List<Object> values, List<Object> tsDeltas) {
        ByteBuffer buffer = ByteBuffer.allocate(4 << 20);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.of(type).build(), TimestampType.CREATE_TIME, 0L);
        for (int r = 0; r < values.size(); r++) {
            Object k = keys.get(r);
            byte[] key = k == null ? null : ((String) k).getBytes(StandardCharsets.UTF_8);
            byte[] value = ((String) values.get(r)).getBytes(StandardCharsets.UTF_8);
            builder.append(BASE_TS + (Long) tsDeltas.get(r), key, value);
        }
        return builder.build().sizeInBytes();
    }

    private static String words(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** Like {@code ProducerPerformance.generateRandomPayload}: uppercase letters A-Z. */
    private static String perf(Random rnd, int size) {
        char[] cs = new char[size];
        for (int j = 0; j < size; j++) {
            cs[j] = (char) (rnd.nextInt(26) + 65);
        }
        return new String(cs);
    }
}
