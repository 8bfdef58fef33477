package org.brokerlab.conformance.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.brokerlab.conformance.cluster.Cds;
import org.brokerlab.conformance.cluster.Cluster;
import org.brokerlab.conformance.cluster.PartitionDescriber;

/**
 * {@code Main scenarios [name ...]}: runs each scenario of {@code tests/conformance/scenarios/} on a
 * fresh real cluster and rewrites its output blocks in place.
 *
 * <p>What a scenario may contain: Kafka's tools (each run by its real main class in a fresh JVM, see
 * {@link ToolRunner}), {@code broker kill|stop|start N}, {@code controller kill|start 1001},
 * {@code sleep} (real time), {@code describe partition <topic>-<p>}, and the console's file commands
 * ({@code cat}, {@code ls}, {@code rm}, {@code echo}, {@code printf}, {@code seq}). The other simulator
 * commands ({@code net ...}, {@code producer start ...}) have no real equivalent and are refused.
 * {@code broker}/{@code controller}/{@code sleep} lines get no output in the recording: what Brokerlab
 * prints for them is its own text.
 *
 * <p>A real node needs seconds to start, which Brokerlab does not model: {@code broker start N}
 * returns once broker N is registered and unfenced again, {@code controller start} once the
 * controller leads the quorum, and {@code broker stop N} once the process has finished its
 * controlled shutdown and exited.
 */
public final class Recorder {
    /** The tools, by program name (as Brokerlab's console normalises it), and the class their bin/ script runs. */
    static final Map<String, String> TOOLS = new TreeMap<>(Map.ofEntries(
        Map.entry("kafka-topics", "org.apache.kafka.tools.TopicCommand"),
        Map.entry("kafka-console-producer", "org.apache.kafka.tools.ConsoleProducer"),
        Map.entry("kafka-console-consumer", "org.apache.kafka.tools.consumer.ConsoleConsumer"),
        Map.entry("kafka-consumer-groups", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"),
        Map.entry("kafka-console-share-consumer", "org.apache.kafka.tools.consumer.ConsoleShareConsumer"),
        Map.entry("kafka-share-groups", "org.apache.kafka.tools.consumer.group.ShareGroupCommand"),
        Map.entry("kafka-configs", "org.apache.kafka.tools.ConfigCommand"),
        Map.entry("kafka-get-offsets", "org.apache.kafka.tools.GetOffsetShell"),
        Map.entry("kafka-leader-election", "org.apache.kafka.tools.LeaderElectionCommand"),
        Map.entry("kafka-reassign-partitions", "org.apache.kafka.tools.reassign.ReassignPartitionsCommand"),
        Map.entry("kafka-metadata-quorum", "org.apache.kafka.tools.MetadataQuorumCommand"),
        Map.entry("kafka-broker-api-versions", "org.apache.kafka.tools.BrokerApiVersionsCommand"),
        Map.entry("kafka-producer-perf-test", "org.apache.kafka.tools.ProducerPerformance"),
        Map.entry("kafka-consumer-perf-test", "org.apache.kafka.tools.ConsumerPerformance"),
        Map.entry("kafka-groups", "org.apache.kafka.tools.GroupsCommand"),
        Map.entry("kafka-dump-log", "org.apache.kafka.tools.DumpLogSegments"),
        Map.entry("kafka-log-dirs", "org.apache.kafka.tools.LogDirsCommand"),
        Map.entry("kafka-acls", "org.apache.kafka.tools.AclCommand")));

    /**
     * The log directory of Kafka's quick-start {@code config/server.properties} and of the
     * {@code apache/kafka} image, which Brokerlab gives every broker. In a scenario a path under it
     * names broker 1's data directory (Brokerlab's console, like its real-Kafka export, runs on
     * broker 1), and the two tools that print log directories print every broker's as this path.
     */
    static final String LOG_DIR = "/tmp/kraft-combined-logs";

    /**
     * MirrorMaker 2's dedicated mode, as {@code bin/connect-mirror-maker.sh} runs it. It runs until
     * the scenario ends (started in the background, no output in the recording: its log goes to
     * {@code scenario-runs/<scenario>/mirror-maker/server.log}), only in a scenario with a second
     * cluster. Its classpath is {@code conformance/mirror-maker/pom.xml}'s (Kafka 4.3.1: connect-mirror
     * is not published at 4.4.0), given by {@code ./scripts/conformance} as
     * {@code -Dbrokerlab.mirror.classpath}.
     */
    static final String MIRROR_MAKER = "org.apache.kafka.connect.mirror.MirrorMaker";

    /** The longest one tool command may run. */
    static final long TOOL_TIMEOUT_SECONDS = 300;

    private final Path root;
    private final Path scenarios;
    private final Path target;
    private final Path files;
    private final String classpath;
    private final Cds cds;
    /** The scenario's second cluster and MirrorMaker process, when it has them. */
    private Cluster second;
    private Process mirrorMaker;
    private Path runDir;

    public Recorder(Path root) {
        this.root = root;
        this.scenarios = root.resolve("tests/conformance/scenarios");
        this.target = root.resolve("conformance/target");
        this.files = target.resolve("scenario-files");
        this.classpath = System.getProperty("java.class.path");
        this.cds = new Cds(target.resolve("cds"), classpath);
    }

    static final class ScenarioException extends Exception {
        ScenarioException(String message) {
            super(message);
        }
    }

    public int run(List<String> names) throws Exception {
        List<Path> paths = new ArrayList<>();
        if (names.isEmpty()) {
            try (Stream<Path> s = Files.list(scenarios)) {
                s.filter(p -> p.toString().endsWith(".txt")).sorted(Comparator.comparing(Path::toString)).forEach(paths::add);
            }
        } else {
            for (String n : names) {
                Path p = scenarios.resolve(n.endsWith(".txt") ? n : n + ".txt");
                if (!Files.exists(p)) {
                    System.err.println("no scenario " + p);
                    return 2;
                }
                paths.add(p);
            }
        }
        Cluster.checkPortsFree();
        Files.createDirectories(files);
        int failed = 0;
        long all = System.nanoTime();
        try (ToolRunner tools = new ToolRunner(classpath, resource("tools-log4j2.properties"), files, cds)) {
            for (Path p : paths) {
                String name = p.getFileName().toString().replaceFirst("\\.txt$", "");
                long started = System.nanoTime();
                try {
                    record(name, p, tools);
                    cds.build();
                    System.out.printf("%-32s %6.1f s%n", name, (System.nanoTime() - started) / 1e9);
                } catch (Exception e) {
                    failed++;
                    System.out.printf("%-32s %6.1f s  FAILED: %s%n", name, (System.nanoTime() - started) / 1e9, e.getMessage());
                    if (!(e instanceof ScenarioException)) {
                        e.printStackTrace();
                    }
                }
            }
        }
        System.out.printf("%d scenario(s) in %.1f s%s%n", paths.size(), (System.nanoTime() - all) / 1e9,
            failed == 0 ? "" : ", " + failed + " failed (their files are unchanged)");
        return failed == 0 ? 0 : 1;
    }

    /** A resource of the harness's jar, copied to conformance/target/ (the JVMs it starts read it as a file). */
    private Path resource(String name) throws IOException {
        try (java.io.InputStream in = Recorder.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the classpath");
            }
            Path p = target.resolve(name);
            Files.createDirectories(target);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private void record(String name, Path file, ToolRunner tools) throws Exception {
        Transcript t = Transcript.parse(Files.readString(file, StandardCharsets.UTF_8));
        Map<String, String> configs = t.configs();
        for (String k : List.of("seed", "brokers", "controllers")) {
            if (configs.containsKey(k)) {
                throw new ScenarioException("'## config: " + k + "=' changes the cluster's shape; a scenario runs on brokers 1-3 and controller 1001");
            }
        }
        clearFiles();
        Path runDir = target.resolve("scenario-runs").resolve(name);
        deleteTree(runDir);
        this.runDir = runDir;
        String alias = t.secondCluster();
        try (Cluster cluster = new Cluster(runDir, classpath, resource("node-log4j2.properties"), configs, cds).saslPlain(t.saslPlain());
             Cluster backup = alias == null ? null : new Cluster(runDir.resolve(alias), classpath, resource("node-log4j2.properties"),
                 secondClusterConfigs(configs), cds, Cluster.BACKUP_CONTROLLER, Cluster.BACKUP_BROKERS)) {
            cluster.racks(t.racks());
            long t0 = System.nanoTime();
            cluster.start();
            if (backup != null) {
                backup.start();
            }
            second = backup;
            trace("  cluster up in %.1f s", (System.nanoTime() - t0) / 1e9);
            PartitionDescriber describer = new PartitionDescriber(cluster);
            for (Transcript.Step step : t.steps) {
                List<Shell.Command> commands;
                try {
                    commands = Shell.parse(step.command);
                } catch (Shell.ShellException e) {
                    throw new ScenarioException("`" + firstLine(step.command) + "`: " + e.getMessage());
                }
                for (Shell.Command c : commands) {
                    long t1 = System.nanoTime();
                    int code = run(c, step, cluster, describer, tools);
                    trace("  %5.1f s  %s", (System.nanoTime() - t1) / 1e9, firstLine(String.join(" ", c.argv)));
                    if (code != 0 && step.exitCode == 0) {
                        step.exitCode = code;
                    }
                }
            }
        } finally {
            stopMirrorMaker();
            second = null;
        }
        String recorded = Transcript.RECORDED_PREFIX + "4.4.0 by ./scripts/conformance scenarios " + name;
        Files.writeString(file, t.render(recorded), StandardCharsets.UTF_8);
    }

    private int run(Shell.Command c, Transcript.Step step, Cluster cluster, PartitionDescriber describer, ToolRunner tools) throws Exception {
        String prog = c.program();
        List<String> args = c.argv.subList(1, c.argv.size());
        String tool = TOOLS.get(prog);
        if (tool != null) {
            byte[] stdin = stdinOf(c);
            boolean logDirs = prog.equals("kafka-dump-log") || prog.equals("kafka-log-dirs");
            if (logDirs) {
                args = args.stream().map(a -> a.replace(LOG_DIR, cluster.dataDir(1).toAbsolutePath().toString())).toList();
            }
            ToolRunner.Result r = tools.run(tool, args, stdin, TOOL_TIMEOUT_SECONDS);
            if (logDirs) {
                r = new ToolRunner.Result(r.lines().stream().map(l -> new ToolRunner.Line(l.stderr(), asLogDir(l.text(), cluster))).toList(),
                    r.exitCode(), r.timedOut());
            }
            if (r.timedOut()) {
                throw new ScenarioException("`" + firstLine(step.command) + "` ran longer than " + TOOL_TIMEOUT_SECONDS + " s");
            }
            emit(c, step, r.lines());
            return r.exitCode();
        }
        switch (prog) {
            case "connect-mirror-maker" -> {
                startMirrorMaker(args);
                return 0;
            }
            case "broker", "controller" -> {
                simulator(prog, args, cluster);
                return 0;
            }
            case "remote-storage" -> {
                // Tiered storage: the harness's FileRemoteStorageManager fails every call while
                // its store holds a DOWN file.
                Path store = org.brokerlab.conformance.cluster.FileRemoteStorageManager.storeOf(cluster.nodeDir(1).toAbsolutePath().getParent());
                Files.createDirectories(store);
                switch (args.size() == 1 ? args.get(0) : "") {
                    case "down" -> Files.writeString(store.resolve("DOWN"), "");
                    case "up" -> Files.deleteIfExists(store.resolve("DOWN"));
                    default -> throw new ScenarioException("the recorder runs remote-storage down|up");
                }
                return 0;
            }
            case "sleep" -> {
                if (args.size() != 1) {
                    throw new ScenarioException("sleep takes one duration, e.g. sleep 5s");
                }
                Thread.sleep(durationMs(args.get(0)));
                return 0;
            }
            case "describe" -> {
                try {
                    emit(c, step, out(describer.describe(args)));
                    return 0;
                } catch (IllegalArgumentException e) {
                    step.output.add(new ToolRunner.Line(true, e.getMessage()));
                    return 1;
                }
            }
            case "cat" -> {
                if (args.isEmpty() || args.stream().allMatch(a -> a.equals("-"))) {
                    String in = new String(stdinOf(c), StandardCharsets.UTF_8);
                    emit(c, step, out(lines(in)));
                    return 0;
                }
                int code = 0;
                List<ToolRunner.Line> o = new ArrayList<>();
                for (String f : args) {
                    Path p = file(f);
                    if (Files.exists(p)) {
                        o.addAll(out(lines(Files.readString(p, StandardCharsets.UTF_8))));
                    } else {
                        o.add(new ToolRunner.Line(true, "cat: " + f + ": No such file or directory"));
                        code = 1;
                    }
                }
                emit(c, step, o);
                return code;
            }
            case "ls" -> {
                List<String> names = new ArrayList<>();
                try (Stream<Path> s = Files.list(files)) {
                    s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
                }
                emit(c, step, out(names));
                return 0;
            }
            case "rm" -> {
                if (args.isEmpty()) {
                    step.output.add(new ToolRunner.Line(true, "rm: missing operand: rm FILE..."));
                    return 1;
                }
                int code = 0;
                for (String f : args) {
                    if (f.startsWith("-")) {
                        continue;
                    }
                    if (!Files.deleteIfExists(file(f))) {
                        step.output.add(new ToolRunner.Line(true, "rm: cannot remove '" + f + "': No such file or directory"));
                        code = 1;
                    }
                }
                return code;
            }
            case "echo", "printf", "seq" -> {
                try {
                    emit(c, step, out(lines(Shell.producerOutput(c.argv, null))));
                } catch (Shell.ShellException e) {
                    throw new ScenarioException(e.getMessage());
                }
                return 0;
            }
            default -> throw new ScenarioException("`" + firstLine(step.command) + "` cannot be reproduced on a real cluster: a scenario runs Kafka's tools ("
                + String.join(", ", TOOLS.keySet()) + "), broker kill|stop|start N, controller kill|start 1001, sleep, describe partition, cat, ls, rm, echo, printf and seq");
        }
    }

    /** Each broker's data directory in {@code text} as {@link #LOG_DIR}. */
    private static String asLogDir(String text, Cluster cluster) {
        for (int b : Cluster.BROKERS) {
            text = text.replace(cluster.dataDir(b).toAbsolutePath().toString(), LOG_DIR);
        }
        return text;
    }

    /**
     * The second cluster has one broker, so its internal topics get replication factor 1 (and
     * min.insync.replicas 1) as Kafka's single-node quick-start config sets them, and as Brokerlab's
     * {@code Sim::new} lowers them for a cluster of fewer than three brokers; otherwise the group
     * coordinator of that cluster never becomes available ({@code __consumer_offsets} needs three
     * brokers) and MirrorMaker's herder for the flow into it never joins its group.
     */
    private static Map<String, String> secondClusterConfigs(Map<String, String> configs) {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("offsets.topic.replication.factor", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.putAll(configs);
        return c;
    }

    private void startMirrorMaker(List<String> args) throws Exception {
        if (second == null) {
            throw new ScenarioException("connect-mirror-maker needs a second cluster: add a '## second-cluster: <alias>' header");
        }
        if (mirrorMaker != null) {
            throw new ScenarioException("MirrorMaker is already running in this scenario");
        }
        if (args.size() != 1) {
            throw new ScenarioException("the recorder runs connect-mirror-maker <properties file>");
        }
        String cp = System.getProperty("brokerlab.mirror.classpath");
        if (cp == null || cp.isEmpty()) {
            throw new ScenarioException("no MirrorMaker classpath (-Dbrokerlab.mirror.classpath): run through ./scripts/conformance");
        }
        Path logDir = runDir.resolve("mirror-maker");
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dkafka.logs.dir=" + logDir);
        cmd.add("-Dlog4j2.configurationFile=" + resource("node-log4j2.properties"));
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(MIRROR_MAKER);
        cmd.add(file(args.get(0)).toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(files.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("stdout.log").toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        mirrorMaker = pb.start();
    }

    /** SIGTERM (MirrorMaker's shutdown hook stops its connectors), then a kill if it hangs. */
    private void stopMirrorMaker() throws InterruptedException {
        if (mirrorMaker == null) {
            return;
        }
        mirrorMaker.destroy();
        if (!mirrorMaker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            mirrorMaker.destroyForcibly();
            mirrorMaker.waitFor();
        }
        mirrorMaker = null;
    }

    private void simulator(String prog, List<String> args, Cluster cluster) throws Exception {
        if (args.size() != 2) {
            throw new ScenarioException(prog + " " + String.join(" ", args) + ": the recorder runs " + prog + " kill|stop|start <id>");
        }
        int id;
        try {
            id = Integer.parseInt(args.get(1));
        } catch (NumberFormatException e) {
            throw new ScenarioException("'" + args.get(1) + "' is not a node id");
        }
        boolean isController = prog.equals("controller");
        if (isController != (id == Cluster.CONTROLLER) || (!isController && !cluster.isBroker(id))) {
            throw new ScenarioException("there is no " + prog + " " + id + " in the real cluster (brokers 1, 2, 3, controller 1001)");
        }
        try {
            switch (args.get(0)) {
                case "kill" -> cluster.kill(id);
                case "stop" -> {
                    if (isController) {
                        throw new ScenarioException("Brokerlab has no 'controller stop': use controller kill");
                    }
                    cluster.stop(id);
                }
                case "start" -> cluster.restart(id);
                default -> throw new ScenarioException(prog + " " + args.get(0) + " cannot be reproduced on a real cluster (kill, stop, start can)");
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ScenarioException(prog + " " + String.join(" ", args) + ": " + e.getMessage());
        }
    }

    /** Writes stdout to the redirect file if there is one; stderr always goes to the transcript. */
    private void emit(Shell.Command c, Transcript.Step step, List<ToolRunner.Line> lines) throws IOException, ScenarioException {
        if (c.redirect == null) {
            step.output.addAll(lines);
            return;
        }
        StringBuilder b = new StringBuilder();
        for (ToolRunner.Line l : lines) {
            if (l.stderr()) {
                step.output.add(l);
            } else {
                b.append(l.text()).append('\n');
            }
        }
        Path p = file(c.redirect);
        if (c.append) {
            Files.writeString(p, b.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } else {
            Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
        }
    }

    private byte[] stdinOf(Shell.Command c) throws IOException, ScenarioException {
        if (c.stdinFile != null) {
            Path p = file(c.stdinFile);
            if (!Files.exists(p)) {
                throw new ScenarioException(c.stdinFile + ": No such file or directory");
            }
            return Files.readAllBytes(p);
        }
        return c.stdin == null ? new byte[0] : c.stdin.getBytes(StandardCharsets.UTF_8);
    }

    private Path file(String name) throws ScenarioException {
        if (name.startsWith("/") || name.contains("..") || name.isEmpty()) {
            throw new ScenarioException("'" + name + "': a scenario's files are plain names in its own directory");
        }
        return files.resolve(name);
    }

    private void clearFiles() throws IOException {
        try (Stream<Path> s = Files.list(files)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            all.sort(Comparator.reverseOrder());
            for (Path q : all) {
                Files.delete(q);
            }
        }
    }

    private static List<ToolRunner.Line> out(List<String> lines) {
        List<ToolRunner.Line> o = new ArrayList<>();
        for (String l : lines) {
            o.add(new ToolRunner.Line(false, l));
        }
        return o;
    }

    private static List<String> lines(String text) {
        List<String> o = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!o.isEmpty() && o.get(o.size() - 1).isEmpty()) {
            o.remove(o.size() - 1);
        }
        return o;
    }

    /** With CONFORMANCE_VERBOSE=1, each command's wall time goes to stderr. */
    private static void trace(String format, Object... args) {
        if (System.getenv("CONFORMANCE_VERBOSE") != null) {
            System.err.println(String.format(format, args));
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    /** Brokerlab's duration syntax ({@code src/sim/time.rs}, {@code parse_duration_us}): us, ms (default), s, m/min, h. */
    static long durationMs(String text) throws ScenarioException {
        String t = text.trim();
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new ScenarioException("'" + text + "' is not a duration: use a number with a unit, e.g. 500ms, 5s, 2m");
        }
        long n = Long.parseLong(t.substring(0, split));
        return switch (t.substring(split)) {
            case "us" -> n / 1000;
            case "", "ms" -> n;
            case "s" -> n * 1000;
            case "m", "min" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> throw new ScenarioException("'" + text + "' has an unknown unit: use us, ms, s, m or h");
        };
    }
}
