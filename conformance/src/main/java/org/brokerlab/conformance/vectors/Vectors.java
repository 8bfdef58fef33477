package org.brokerlab.conformance.vectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code vectors [family ...]}: runs the named generators (all of them without arguments), each
 * writing {@code tests/conformance/vectors/<family>.jsonl} in the repository.
 */
public final class Vectors {
    /** A family's generator: writes its file (header line, then one case per line). */
    @FunctionalInterface
    public interface Generator {
        void write(Path file) throws Exception;
    }

    /** Family name → generator. One line per family. */
    public static final Map<String, Generator> FAMILIES = new TreeMap<>();

    static {
        FAMILIES.put("replica-placement", ReplicaPlacementVectors::write);
        FAMILIES.put("partition-change", PartitionChangeVectors::write);
    }

    private Vectors() {
    }

    /** The repository root: {@code -Dbrokerlab.root}, else the nearest directory up with Cargo.toml. */
    static Path repositoryRoot() {
        String configured = System.getProperty("brokerlab.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("Cargo.toml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no Cargo.toml above " + Path.of("").toAbsolutePath()
            + "; run from the repository or set -Dbrokerlab.root");
    }

    public static void main(String[] args) throws Exception {
        List<String> names = args.length == 0 ? new ArrayList<>(FAMILIES.keySet()) : List.of(args);
        Path dir = repositoryRoot().resolve("tests/conformance/vectors");
        Files.createDirectories(dir);
        for (String name : names) {
            Generator generator = FAMILIES.get(name);
            if (generator == null) {
                System.err.println("unknown vector family: " + name + " (known: " + FAMILIES.keySet() + ")");
                System.exit(2);
            }
            Path file = dir.resolve(name + ".jsonl");
            generator.write(file);
            System.out.println("wrote " + file);
        }
    }
}
