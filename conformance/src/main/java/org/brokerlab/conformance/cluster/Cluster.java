package org.brokerlab.conformance.cluster;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import kafka.tools.StorageTool$;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real KRaft cluster of Brokerlab's default shape ({@code src/sim/node.rs}: {@code Env::broker_port}
 * gives broker N the port 9091 + N, {@code Env::controller_port} gives controller 1001 the port
 * 19091): brokers 1, 2, 3 on localhost:9092-9094 (PLAINTEXT) and one controller, node id 1001, on
 * localhost:19091 (CONTROLLER), a dynamic quorum formatted with {@code --standalone} as Kafka 4's
 * quick start does, a fresh cluster id and fresh directories. Every node is its own JVM
 * ({@link org.brokerlab.conformance.cluster.Node}), so a kill is a real SIGKILL.
 */
public final class Cluster implements AutoCloseable {
    public static final int CONTROLLER = 1001;
    public static final int[] BROKERS = {1, 2, 3};

    /** The second cluster of a scenario with a {@code ## second-cluster:} header: broker 101 on
     * localhost:9192 and controller 2001 on localhost:20091 (Brokerlab's ids and ports for it). */
    public static final int BACKUP_CONTROLLER = 2001;
    public static final int[] BACKUP_BROKERS = {101};

    private final int controller;
    private final int[] brokers;
    private final Path dir;
    private final String classpath;
    private final Path nodeLog4j;
    private final Map<String, String> configs;
    /** A scenario's {@code ## racks: a,b,c}: broker N gets {@code broker.rack} number (N-1) mod size; empty: no racks. */
    private List<String> racks = List.of();
    private final Cds cds;
    private final Map<Integer, Process> processes = new TreeMap<>();
    private final String clusterId = Uuid.randomUuid().toString();
    private Admin admin;
    private Admin controllerAdmin;

    /**
     * The opt-in secured cluster of a scenario's {@code ## security: sasl-plain} header, configured as
     * Kafka's security documentation does for KRaft with SASL/PLAIN: every listener (CONTROLLER and
     * the brokers' SASL_PLAINTEXT, which is also the inter-broker listener) authenticates with PLAIN;
     * users come from each listener's {@code listener.name.<listener>.plain.sasl.jaas.config}
     * ({@code user_<name>="<password>"}), whose {@code username}/{@code password} are what the node
     * itself logs in as (admin, a super user); the StandardAuthorizer on every node; no ACLs, and
     * {@code allow.everyone.if.no.acl.found} left at its default (false). Users: admin/admin-secret,
     * alice/alice-secret, bob/bob-secret. The harness's own admin clients log in as admin.
     */
    public static final String SASL_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
        + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";";
    public static final String SASL_PLAIN = "sasl-plain";
    private boolean saslPlain;

    /** Makes this the secured cluster of {@code ## security: sasl-plain} (before {@link #start}). */
    public Cluster saslPlain(boolean on) {
        this.saslPlain = on;
        return this;
    }

    public Cluster(Path dir, String classpath, Path nodeLog4j, Map<String, String> configs, Cds cds) {
        this(dir, classpath, nodeLog4j, configs, cds, CONTROLLER, BROKERS);
    }

    /** A cluster of other node ids (the second cluster of a mirroring scenario). */
    public Cluster(Path dir, String classpath, Path nodeLog4j, Map<String, String> configs, Cds cds, int controller, int[] brokers) {
        this.controller = controller;
        this.brokers = brokers.clone();
        this.dir = dir;
        this.cds = cds;
        this.classpath = classpath;
        this.nodeLog4j = nodeLog4j;
        this.configs = new LinkedHashMap<>(configs);
    }

    /** Brokerlab's ports: a broker's 9091 + id, a controller's (ids from 1001) 18090 + id. */
    public static int port(int node) {
        return node >= CONTROLLER ? 18090 + node : 9091 + node;
    }

    /** {@code localhost:<port>} of every broker, for a client's bootstrap.servers. */
    public String bootstrapServers() {
        List<String> s = new ArrayList<>();
        for (int b : brokers) {
            s.add("localhost:" + port(b));
        }
        return String.join(",", s);
    }

    public Path nodeDir(int node) {
        return dir.resolve(node == controller ? "controller-" + node : "broker-" + node);
    }

    public Path dataDir(int node) {
        return nodeDir(node).resolve("data");
    }

    public boolean isBroker(int node) {
        for (int b : brokers) {
            if (b == node) {
                return true;
            }
        }
        return false;
    }

    public boolean running(int node) {
        Process p = processes.get(node);
        return p != null && p.isAlive();
    }

    /** Fails clearly when something already listens on one of the cluster's ports. */
    public static void checkPortsFree() throws IOException {
        checkPortsFree(CONTROLLER, BROKERS);
    }

    private static void checkPortsFree(int controller, int[] brokers) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int b : brokers) {
            ports.add(port(b));
        }
        ports.add(port(controller));
        for (int p : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName("localhost"), p));
            } catch (IOException e) {
                throw new IOException("port " + p + " on localhost is busy (" + e.getMessage()
                    + "): the real cluster needs Brokerlab's ports " + ports + "; stop whatever listens there", e);
            }
        }
    }

    /** Writes each node's server.properties, formats its directory with Kafka's StorageTool and starts all nodes. */
    /** Racks for the brokers ({@code ## racks:}); call before {@link #start()}. */
    public void racks(List<String> racks) {
        this.racks = List.copyOf(racks);
    }

    public void start() throws Exception {
        checkPortsFree(controller, brokers);
        Files.createDirectories(dir);
        List<Integer> all = new ArrayList<>();
        all.add(controller);
        for (int b : brokers) {
            all.add(b);
        }
        for (int n : all) {
            writeConfig(n);
            format(n);
        }
        for (int n : all) {
            launch(n);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        secure(p);
        admin = Admin.create(p);
        Properties c = new Properties();
        c.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "localhost:" + port(controller));
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        secure(c);
        controllerAdmin = Admin.create(c);
        Set<Integer> ids = new TreeSet<>();
        for (int b : brokers) {
            ids.add(b);
        }
        awaitUnfenced(ids, 180);
    }

    /** The harness's own admin connections log in as the super user admin on a secured cluster. */
    private void secure(Properties p) {
        if (saslPlain) {
            p.put("security.protocol", "SASL_PLAINTEXT");
            p.put("sasl.mechanism", "PLAIN");
            p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";");
        }
    }

    private void writeConfig(int node) throws IOException {
        Path nd = nodeDir(node);
        Files.createDirectories(nd);
        Map<String, String> c = new LinkedHashMap<>();
        if (node == controller) {
            c.put("process.roles", "controller");
            c.put("listeners", "CONTROLLER://localhost:" + port(node));
        } else {
            c.put("process.roles", "broker");
            c.put("listeners", "PLAINTEXT://localhost:" + port(node));
            c.put("advertised.listeners", "PLAINTEXT://localhost:" + port(node));
        }
        c.put("node.id", Integer.toString(node));
        c.put("controller.quorum.bootstrap.servers", "localhost:" + port(controller));
        c.put("controller.listener.names", "CONTROLLER");
        c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        c.put("log.dirs", dataDir(node).toString());
        if (saslPlain) {
            c.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
            c.put("sasl.enabled.mechanisms", "PLAIN");
            c.put("sasl.mechanism.controller.protocol", "PLAIN");
            c.put("listener.name.controller.plain.sasl.jaas.config", SASL_JAAS);
            c.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            c.put("super.users", "User:admin");
            if (node != controller) {
                c.put("listeners", "SASL_PLAINTEXT://localhost:" + port(node));
                c.put("advertised.listeners", "SASL_PLAINTEXT://localhost:" + port(node));
                c.put("inter.broker.listener.name", "SASL_PLAINTEXT");
                c.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
                c.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", SASL_JAAS);
            }
        }
        // A scenario's `## config: k=v` applies to every node, as a cluster-wide setting would: in KRaft
        // the controller applies several of them itself (num.partitions, default.replication.factor,
        // min.insync.replicas for ELR, unclean.leader.election.enable).
        c.putAll(configs);
        if (node != controller && !racks.isEmpty()) {
            c.put("broker.rack", racks.get((node - 1) % racks.size()));
        }
        StringBuilder sb = new StringBuilder();
        c.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(nd.resolve("server.properties"), sb.toString());
    }

    private void format(int node) throws Exception {
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", nodeDir(node).resolve("server.properties").toString()));
        if (node == controller) {
            args.add("--standalone");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            code = StorageTool$.MODULE$.execute(args.toArray(new String[0]), ps);
        }
        Files.write(nodeDir(node).resolve("format.log"), buf.toByteArray());
        if (code != 0) {
            throw new IOException("kafka-storage format failed for node " + node + ": " + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private void launch(int node) throws IOException {
        Path nd = nodeDir(node);
        Files.deleteIfExists(nd.resolve("control.port"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms128m");
        cmd.add("-Xmx384m");
        // Four nodes start at once on a small machine: the JIT's first tier and the serial collector
        // keep their start-up CPU down. Neither changes what Kafka does.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(cds.options("node"));
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dkafka.logs.dir=" + nd);
        cmd.add("-Dlog4j2.configurationFile=" + nodeLog4j);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(org.brokerlab.conformance.cluster.Node.class.getName());
        cmd.add(nd.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(nd.resolve("stdout.log").toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        processes.put(node, pb.start());
    }

    private void requireKnown(int node) {
        if (node != controller && !isBroker(node)) {
            throw new IllegalArgumentException("there is no node " + node + " in the real cluster (brokers 1, 2, 3, controller 1001)");
        }
    }

    /** SIGKILL: no shutdown hook, no controlled shutdown, no clean-shutdown file. */
    public void kill(int node) throws InterruptedException {
        requireKnown(node);
        Process p = processes.get(node);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + node + " is not running");
        }
        p.destroyForcibly();
        p.waitFor();
    }

    /** SIGTERM: Kafka's shutdown hook runs (a broker shuts down in a controlled way first). Waits for the process to end. */
    public void stop(int node) throws InterruptedException {
        requireKnown(node);
        Process p = processes.get(node);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("node " + node + " is not running");
        }
        p.destroy();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            System.err.println("node " + node + " did not stop within 180 s of SIGTERM; killing it");
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Starts a stopped node on its old directories and waits until it serves again. */
    public void restart(int node) throws Exception {
        requireKnown(node);
        if (running(node)) {
            throw new IllegalStateException("node " + node + " is already running");
        }
        launch(node);
        if (node == controller) {
            awaitController(180);
        } else {
            awaitUnfenced(Set.of(node), 180);
        }
    }

    /** Waits until every broker in {@code ids} is registered and unfenced (in DescribeCluster's answer). */
    private void awaitUnfenced(Set<Integer> ids, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                Set<Integer> seen = new TreeSet<>();
                for (Node n : admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(6, TimeUnit.SECONDS)) {
                    seen.add(n.id());
                }
                if (seen.containsAll(ids)) {
                    awaitNodeControl(ids);
                    return;
                }
                last = "unfenced brokers " + seen;
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("brokers " + ids + " were not all unfenced within " + seconds + " s (last answer: " + last + "); logs in " + dir);
    }

    private void awaitController(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "";
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                QuorumInfo q = controllerAdmin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(5000)).quorumInfo().get(6, TimeUnit.SECONDS);
                if (q.leaderId() == controller) {
                    awaitNodeControl(Set.of(controller));
                    return;
                }
                last = "leader " + q.leaderId();
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("controller " + controller + " did not lead the quorum within " + seconds + " s (last answer: " + last + "); logs in " + dir);
    }

    private void awaitNodeControl(Set<Integer> ids) throws Exception {
        for (int id : ids) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(nodeDir(id).resolve("control.port"))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("node " + id + " never opened its control socket");
                }
                Thread.sleep(100);
            }
        }
    }

    private void checkAlive() throws IOException {
        for (Map.Entry<Integer, Process> e : processes.entrySet()) {
            Process p = e.getValue();
            if (!p.isAlive() && p.exitValue() != 0 && p.exitValue() != 137 && p.exitValue() != 143) {
                throw new IOException("node " + e.getKey() + " exited with code " + p.exitValue() + "; see " + nodeDir(e.getKey()));
            }
        }
    }

    /** One request to a running node's control socket; the answer's {@code key value} lines. */
    public Map<String, String> control(int node, String request) throws IOException {
        int port = Integer.parseInt(Files.readString(nodeDir(node).resolve("control.port")).trim());
        Map<String, String> answer = new LinkedHashMap<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30000);
            s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("end")) {
                int sp = line.indexOf(' ');
                answer.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
            }
        }
        if (answer.containsKey("error")) {
            throw new IOException("node " + node + " answered: " + answer.get("error"));
        }
        return answer;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
        if (controllerAdmin != null) {
            controllerAdmin.close(java.time.Duration.ofSeconds(1));
        }
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
