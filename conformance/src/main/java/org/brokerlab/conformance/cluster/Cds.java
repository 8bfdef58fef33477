package org.brokerlab.conformance.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Class-data sharing archives for the node and tool JVMs, only to make them start faster (a
 * scenario starts four nodes and one JVM per command on a small shared machine; with an archive a
 * JVM spends about 40% less CPU starting). The first run records which classes the JVMs load
 * ({@code -XX:DumpLoadedClassList}); after that scenario the archives are dumped
 * ({@code -Xshare:dump}) into {@code conformance/target/cds/}, named after the classpath (its jars'
 * sizes and times included) and the Java version, so a rebuilt harness or another JDK makes new ones. A JVM that cannot use an archive
 * just starts without it.
 */
public final class Cds {
    private final Path dir;
    private final String classpath;
    private final String key;
    private final AtomicInteger instances = new AtomicInteger();

    public Cds(Path dir, String classpath) {
        this.dir = dir;
        this.classpath = classpath;
        StringBuilder k = new StringBuilder(classpath).append('|').append(System.getProperty("java.version"));
        // A rebuilt jar at the same path needs a new archive: the JVM refuses one whose jars changed.
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            java.io.File f = new java.io.File(entry);
            k.append('|').append(f.length()).append('@').append(f.lastModified());
        }
        this.key = Integer.toHexString(k.toString().hashCode());
    }

    private Path archive(String kind) {
        return dir.resolve(kind + "-" + key + ".jsa");
    }

    /** JVM options for one JVM of {@code kind} ("node" or "tool"). */
    public synchronized List<String> options(String kind) {
        List<String> o = new ArrayList<>();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return o;
        }
        if (Files.exists(archive(kind))) {
            o.add("-XX:SharedArchiveFile=" + archive(kind));
            o.add("-Xshare:auto");
            o.add("-Xlog:cds=off,cds+dynamic=off");
        } else {
            o.add("-XX:DumpLoadedClassList=" + dir.resolve(kind + "-" + key + "-" + instances.incrementAndGet() + ".classlist"));
        }
        return o;
    }

    /** Dumps the archives whose class lists have been recorded and that do not exist yet. */
    public synchronized void build() {
        // Archives and lists of other classpaths are stale (about 50 MB each).
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().contains("-" + key)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // Only disk space.
        }
        for (String kind : List.of("node", "tool")) {
            if (Files.exists(archive(kind))) {
                continue;
            }
            Set<String> classes = new LinkedHashSet<>();
            List<Path> lists = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().startsWith(kind + "-" + key + "-") && p.toString().endsWith(".classlist"))
                    .forEach(lists::add);
            } catch (IOException e) {
                continue;
            }
            if (lists.isEmpty()) {
                continue;
            }
            for (Path p : lists) {
                try {
                    for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                        // Plain class names only (lambda-form lines need their own context).
                        if (!l.isEmpty() && !l.startsWith("@") && !l.startsWith("#") && l.indexOf(' ') < 0) {
                            classes.add(l);
                        }
                    }
                } catch (IOException ignored) {
                    // A list cut short by a SIGKILL is fine; an unreadable one is skipped.
                }
            }
            Path merged = dir.resolve(kind + "-" + key + ".classlist");
            try {
                Files.write(merged, classes, StandardCharsets.UTF_8);
                List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:dump", "-XX:SharedClassListFile=" + merged, "-XX:SharedArchiveFile=" + archive(kind), "-cp", classpath);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(kind + "-" + key + ".dump.log").toFile()).start();
                if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    Files.deleteIfExists(archive(kind));
                }
                for (Path l : lists) {
                    Files.deleteIfExists(l);
                }
            } catch (IOException e) {
                // Without an archive the JVMs only start slower.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
