package org.brokerlab.conformance.scenario;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.brokerlab.conformance.cluster.Cds;

/**
 * Runs a Kafka tool's main class in a fresh JVM ({@link ToolHost}), one JVM per command like
 * {@code bin/kafka-run-class.sh}: the tools' default heap and GC options, log4j2 configured as
 * Kafka's {@code config/tools-log4j2.yaml} (root WARN to stderr, {@code [%d] %p %m (%c)%n}), the
 * working directory being the scenario's file directory so relative file names behave as typed.
 *
 * <p>Why not in the harness JVM: a tool run in-process would be visibly different from the real
 * command. Clients number themselves per JVM ({@code KafkaAdminClient.ADMIN_CLIENT_ID_SEQUENCE} and
 * the sequences in {@code ProducerConfig}/{@code ConsumerConfig}: a second command would print
 * {@code adminclient-2} in its WARN lines and {@code consumer-<group>-2} in
 * {@code kafka-consumer-groups --describe}), an unclosed client's threads would go on logging into the
 * next command's stderr and its JMX app-info bean would make the next tool with the same client id log
 * {@code Error registering AppInfo mbean} ({@code AppInfoParser}), and an intercepted
 * {@code Exit.exit} would unwind through the tool's {@code finally} blocks instead of ending the
 * process. A fresh JVM has none of this; one is kept started in advance so its start-up does not
 * delay the scenario.
 */
public final class ToolRunner implements AutoCloseable {
    /** One output line and its stream. */
    public record Line(boolean stderr, String text) {}

    public record Result(List<Line> lines, int exitCode, boolean timedOut) {}

    private final String classpath;
    private final Path log4jConfig;
    private final Path workDir;
    private final Cds cds;
    private Process standby;

    public ToolRunner(String classpath, Path log4jConfig, Path workDir, Cds cds) {
        this.cds = cds;
        this.classpath = classpath;
        this.log4jConfig = log4jConfig;
        this.workDir = workDir;
    }

    private Process spawn() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // KAFKA_HEAP_OPTS and KAFKA_JVM_PERFORMANCE_OPTS as kafka-run-class.sh sets them for tools.
        cmd.add("-Xmx256M");
        cmd.add("-server");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:MaxGCPauseMillis=20");
        cmd.add("-XX:InitiatingHeapOccupancyPercent=35");
        cmd.add("-XX:+ExplicitGCInvokesConcurrent");
        cmd.add("-Djava.awt.headless=true");
        // Start-up speed only: the JIT's first tier is enough for a command that runs for seconds.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(cds.options("tool"));
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-Dlog4j2.configurationFile=" + log4jConfig);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(ToolHost.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(workDir.toFile());
        return pb.start();
    }

    /** Runs {@code mainClass} with {@code args}, feeding {@code stdin}; waits at most {@code timeoutSeconds}. */
    public Result run(String mainClass, List<String> args, byte[] stdin, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = standby != null && standby.isAlive() ? standby : spawn();
        standby = null;
        List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        Thread outReader = reader(p.getInputStream(), lines, false);
        List<Line> raw = Collections.synchronizedList(new ArrayList<>());
        Thread errReader = reader(p.getErrorStream(), raw, true);
        try (DataOutputStream req = new DataOutputStream(p.getOutputStream())) {
            req.writeUTF(mainClass);
            req.writeInt(args.size());
            for (String a : args) {
                req.writeUTF(a);
            }
            req.writeInt(stdin.length);
            req.write(stdin);
        } catch (IOException e) {
            // The JVM died before reading its command: its stderr says why.
        }
        standby = spawn();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor();
        }
        outReader.join(10000);
        errReader.join(10000);
        List<Line> all = new ArrayList<>(lines);
        // What the JVM itself wrote to fd 2 (not through System.err), if anything.
        all.addAll(raw);
        return new Result(all, p.exitValue(), !done);
    }

    private static Thread reader(InputStream in, List<Line> lines, boolean untaggedStderr) {
        Thread t = new Thread(() -> {
            try (InputStream s = new BufferedInputStream(in)) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                int b;
                while ((b = s.read()) >= 0) {
                    if (b == '\n') {
                        add(buf.toByteArray(), lines, untaggedStderr);
                        buf.reset();
                    } else {
                        buf.write(b);
                    }
                }
                if (buf.size() > 0) {
                    add(buf.toByteArray(), lines, untaggedStderr);
                }
            } catch (IOException ignored) {
                // The process is gone.
            }
        }, "tool-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void add(byte[] bytes, List<Line> lines, boolean untaggedStderr) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (untaggedStderr) {
            lines.add(new Line(true, s));
            return;
        }
        if (s.isEmpty()) {
            return;
        }
        char tag = s.charAt(0);
        lines.add(new Line(tag == 'E' || tag == 'e', s.substring(1)));
    }

    @Override
    public void close() {
        if (standby != null) {
            standby.destroyForcibly();
            standby = null;
        }
    }
}
