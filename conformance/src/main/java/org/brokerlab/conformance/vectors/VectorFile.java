package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code tests/conformance/vectors/<family>.jsonl}: a header line (kafka version, family,
 * command, seed, count, source, plus any notes), then one JSON object per case. Objects keep
 * the insertion order of their {@link LinkedHashMap}s, so files diff cleanly between runs.
 */
public final class VectorFile {
    public static final String KAFKA_VERSION = "4.4.0";

    private final String family;
    private final String source;
    private final Map<String, Object> extraHeader = new LinkedHashMap<>();
    private final List<Map<String, Object>> cases = new ArrayList<>();

    public VectorFile(String family, String source) {
        this.family = family;
        this.source = source;
    }

    /** Adds a field to the header after the standard ones (e.g. how the cases were derived). */
    public VectorFile header(String key, Object value) {
        extraHeader.put(key, value);
        return this;
    }

    public void add(Map<String, Object> c) {
        cases.add(c);
    }

    public int size() {
        return cases.size();
    }

    public void write(Path repoRoot) throws IOException {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("kafka", KAFKA_VERSION);
        head.put("family", family);
        head.put("command", "./scripts/conformance vectors " + family);
        head.put("seed", 0);
        head.put("count", cases.size());
        head.put("source", source);
        head.putAll(extraHeader);
        StringBuilder out = new StringBuilder();
        out.append(json(head)).append('\n');
        for (Map<String, Object> c : cases) {
            out.append(json(c)).append('\n');
        }
        Path file = repoRoot.resolve("tests/conformance/vectors/" + family + ".jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
        System.out.println(family + ": " + cases.size() + " vectors -> " + repoRoot.relativize(file));
    }

    /** An ordered map from alternating keys and values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static String json(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(',');
                first = false;
                string(b, (String) e.getKey());
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Iterable<?> list) {
            b.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) b.append(',');
                first = false;
                write(b, o);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("not representable in a vector file: " + v.getClass());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
