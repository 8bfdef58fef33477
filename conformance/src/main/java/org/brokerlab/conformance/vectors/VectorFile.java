package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/**
 * One {@code tests/conformance/vectors/<family>.jsonl}: a header line (the Kafka version that
 * answered, the family, the command that regenerates it, the seed, the number of cases and the
 * Kafka classes asked), then one case per line.
 */
public final class VectorFile {
    private final String family;
    private final long seed;
    private final String source;
    private final Map<String, Object> extraHeader = new LinkedHashMap<>();
    private final List<String> cases = new ArrayList<>();

    public VectorFile(String family, long seed, String source) {
        this.family = family;
        this.seed = seed;
        this.source = source;
    }

    public void add(Json.Obj c) {
        cases.add(c.toString());
    }

    /** A case as an ordered map (see {@link #obj}). */
    public void add(Map<String, Object> c) {
        StringBuilder sb = new StringBuilder();
        Json.write(sb, c);
        cases.add(sb.toString());
    }

    /** Adds a field to the header after the standard ones (e.g. how the cases were derived). */
    public VectorFile header(String key, Object value) {
        extraHeader.put(key, value);
        return this;
    }

    /** An ordered map from alternating keys and values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public int count() {
        return cases.size();
    }

    /** Writes the file into {@code dir} and returns its path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Json.Obj header = Json.obj()
            .put("kafka", AppInfoParser.getVersion())
            .put("family", family)
            .put("command", "./scripts/conformance vectors " + family)
            .put("seed", seed)
            .put("count", cases.size())
            .put("source", source);
        extraHeader.forEach(header::put);
        StringBuilder sb = new StringBuilder();
        sb.append(header).append('\n');
        for (String c : cases) {
            sb.append(c).append('\n');
        }
        Path out = dir.resolve(family + ".jsonl");
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
        return out;
    }
}
