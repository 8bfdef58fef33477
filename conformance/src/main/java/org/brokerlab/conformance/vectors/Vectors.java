package org.brokerlab.conformance.vectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code vectors [family ...]}: runs the named generators (all of them without names), each
 * writing {@code tests/conformance/vectors/<family>.jsonl} under the repository root (the
 * working directory, or {@code -Dbrokerlab.root=...}).
 */
public final class Vectors {
    /** What one family's generator does: ask Kafka, then write its file through {@link VectorFile}. */
    @FunctionalInterface
    public interface Generator {
        void generate(Path repoRoot) throws Exception;
    }

    /** family name → generator: one line per family, so that branches adding families merge trivially. */
    public static final Map<String, Generator> FAMILIES = new TreeMap<>();

    static {
        FAMILIES.put("api-versions", ApiVersionVectors::generate);
        FAMILIES.put("broker-configs", BrokerConfigVectors::generate);
        FAMILIES.put("errors", ErrorVectors::generate);
        FAMILIES.put("topic-configs", TopicConfigVectors::generate);
    }

    private Vectors() {}

    public static void main(String[] args) throws Exception {
        // The classes asked log at ERROR for every refused value; the vectors record the refusals.
        // (log4j2's default configuration reads this before the first logger exists.)
        System.setProperty("org.apache.logging.log4j.level", "OFF");
        Path root = Path.of(System.getProperty("brokerlab.root", ".")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("tests"))) {
            System.err.println("not a Brokerlab checkout (no tests/ directory): " + root);
            System.exit(2);
        }
        List<String> names = args.length == 0 ? new ArrayList<>(FAMILIES.keySet()) : List.of(args);
        for (String name : names) {
            if (!FAMILIES.containsKey(name)) {
                System.err.println("unknown vector family: " + name + " (known: " + String.join(", ", FAMILIES.keySet()) + ")");
                System.exit(2);
            }
        }
        for (String name : names) {
            FAMILIES.get(name).generate(root);
        }
    }
}
