package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

/**
 * Family {@code partitioner}: the keyed producer's partition choice. For random keys (empty,
 * ASCII, multi-byte UTF-8 as {@code StringSerializer} encodes it, and raw bytes of length 0-64)
 * and partition counts 1-1000, Kafka's {@code Utils.murmur2}, {@code Utils.toPositive} and
 * {@code BuiltInPartitioner.partitionForKey}.
 */
final class PartitionerVectors {
    static final String FAMILY = "partitioner";
    static final long SEED = 20_440_001L;
    static final int CASES = 2_400;

    private PartitionerVectors() {}

    static Path generate(Path dir) throws IOException {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.common.utils.Utils.murmur2(byte[]), Utils.toPositive(int), "
                + "org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(byte[], int)");
        String[] kinds = {"empty", "ascii", "utf8", "binary"};
        for (int i = 0; i < CASES; i++) {
            // A few empty keys; the rest spread over the other kinds.
            String kind = i < 8 ? "empty" : kinds[1 + rnd.nextInt(3)];
            String text = null;
            byte[] key;
            switch (kind) {
                case "empty" -> {
                    text = "";
                    key = new byte[0];
                }
                case "ascii" -> {
                    text = ascii(rnd, rnd.nextInt(65));
                    key = text.getBytes(StandardCharsets.UTF_8);
                }
                case "utf8" -> {
                    text = unicode(rnd, 1 + rnd.nextInt(24));
                    key = text.getBytes(StandardCharsets.UTF_8);
                }
                default -> {
                    key = new byte[rnd.nextInt(65)];
                    rnd.nextBytes(key);
                }
            }
            int partitions = partitionCount(rnd);
            int hash = Utils.murmur2(key);
            Json.Obj c = Json.obj().put("kind", kind);
            if (text != null) {
                c.put("key", text);
            }
            c.put("key_hex", HexFormat.of().formatHex(key))
                .put("partitions", partitions)
                .put("murmur2", hash)
                .put("to_positive", Utils.toPositive(hash))
                .put("partition", BuiltInPartitioner.partitionForKey(key, partitions));
            file.add(c);
        }
        return file.write(dir);
    }

    /** Partition counts 1-1000, half of them small (1-12) as topics usually are. */
    private static int partitionCount(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> 1 + rnd.nextInt(12);
            case 2 -> 1 + rnd.nextInt(100);
            default -> 1 + rnd.nextInt(1000);
        };
    }

    private static String ascii(Random rnd, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append((char) (0x20 + rnd.nextInt(0x5f)));
        }
        return sb.toString();
    }

    /** Code points of 1 to 4 UTF-8 bytes (Latin-1, Greek/Cyrillic, CJK, emoji), no surrogates. */
    private static String unicode(Random rnd, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = switch (rnd.nextInt(5)) {
                case 0 -> 0x20 + rnd.nextInt(0x5f);
                case 1 -> 0xa0 + rnd.nextInt(0x560);
                case 2 -> 0x4e00 + rnd.nextInt(0x5000);
                case 3 -> 0xe000 + rnd.nextInt(0x1ffe);
                default -> 0x1f300 + rnd.nextInt(0x300);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
