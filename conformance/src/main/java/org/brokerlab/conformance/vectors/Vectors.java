package org.brokerlab.conformance.vectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Vectors [family ...]}: runs the generator of each named family (all of them when none is
 * named), each writing {@code tests/conformance/vectors/<family>.jsonl} from what Kafka's own
 * classes answer. The output directory is found from the working directory (the repository root
 * or {@code conformance/}), or given with {@code -Dbrokerlab.vectors.dir=...}.
 */
public final class Vectors {
    private Vectors() {}

    /** A family's generator: writes its file into the directory and returns the file. */
    @FunctionalInterface
    public interface Family {
        Path generate(Path dir) throws Exception;
    }

    /** Every family, by name. One line per family. */
    static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("partitioner", PartitionerVectors::generate);
        FAMILIES.put("client-assignors", ClientAssignorVectors::generate);
        FAMILIES.put("server-assignors", ServerAssignorVectors::generate);
        FAMILIES.put("replica-placement", ReplicaPlacementVectors::generate);
        FAMILIES.put("partition-change", PartitionChangeVectors::generate);
        FAMILIES.put("topic-configs", TopicConfigVectors::generate);
        FAMILIES.put("broker-configs", BrokerConfigVectors::generate);
        FAMILIES.put("errors", ErrorVectors::generate);
        FAMILIES.put("api-versions", ApiVersionVectors::generate);
        FAMILIES.put("line-breaks", LineBreakVectors::generate);
        FAMILIES.put("mirror-offsets", MirrorVectors::generateOffsets);
        FAMILIES.put("mirror-names", MirrorVectors::generateNames);
    }

    public static void main(String[] args) throws Exception {
        // The classes asked log at ERROR for every refused config value; the vectors record the
        // refusals. (log4j2's default configuration reads this before the first logger exists.)
        System.setProperty("org.apache.logging.log4j.level", "OFF");
        List<String> names = new ArrayList<>(List.of(args));
        if (names.isEmpty()) {
            names.addAll(FAMILIES.keySet());
        }
        for (String name : names) {
            if (!FAMILIES.containsKey(name)) {
                throw new IllegalArgumentException("Unknown vector family '" + name + "'. Families: " + String.join(", ", FAMILIES.keySet()));
            }
        }
        Path dir = outputDir();
        for (String name : names) {
            Path out = FAMILIES.get(name).generate(dir);
            System.out.println("vectors " + name + ": wrote " + out);
        }
    }

    static Path outputDir() {
        String configured = System.getProperty("brokerlab.vectors.dir");
        if (configured != null && !configured.isEmpty()) {
            return Paths.get(configured);
        }
        Path here = Paths.get("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("Cargo.toml")) && Files.isDirectory(p.resolve("conformance"))) {
                return p.resolve("tests").resolve("conformance").resolve("vectors");
            }
        }
        throw new IllegalStateException("Run from the Brokerlab repository (no Cargo.toml with conformance/ above " + here + ")");
    }
}
