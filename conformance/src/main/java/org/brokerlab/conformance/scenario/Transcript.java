package org.brokerlab.conformance.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario file in the transcript format of {@code tests/scripts/} (see
 * {@code tests/console_scripts.rs}): header lines, then {@code $ command} lines (here-document and
 * continuation lines follow until the command is complete), each followed by its output (stdout lines
 * as they are, stderr lines prefixed {@code "! "}), {@code ? N} for a non-zero exit code, and
 * {@code ## } comments. Re-recording keeps the header, the commands and the comments and replaces the
 * output.
 */
public final class Transcript {
    public static final String RECORDED_PREFIX = "## recorded from Apache Kafka ";

    public static final class Step {
        public final String command;
        public final List<String> comments = new ArrayList<>();
        public final List<ToolRunner.Line> output = new ArrayList<>();
        public int exitCode;

        Step(String command) {
            this.command = command;
        }
    }

    public final List<String> header = new ArrayList<>();
    public final List<Step> steps = new ArrayList<>();

    public static Transcript parse(String text) {
        Transcript t = new Transcript();
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) {
            n--;
        }
        int i = 0;
        while (i < n && !lines[i].startsWith("$ ")) {
            t.header.add(lines[i]);
            i++;
        }
        while (i < n) {
            StringBuilder command = new StringBuilder(lines[i].substring(2));
            i++;
            while (Shell.needsMoreInput(command.toString()) && i < n) {
                command.append('\n').append(lines[i]);
                i++;
            }
            Step step = new Step(command.toString());
            while (i < n && !lines[i].startsWith("$ ")) {
                if (lines[i].startsWith("## ") || lines[i].equals("##")) {
                    step.comments.add(lines[i]);
                }
                i++;
            }
            t.steps.add(step);
        }
        return t;
    }

    /** The racks of a {@code ## racks: a,b,c} header line (broker.rack of brokers 1, 2, 3... in turn); empty without one. */
    public List<String> racks() {
        for (String h : header) {
            if (h.startsWith("## racks:")) {
                List<String> r = new ArrayList<>();
                for (String x : h.substring("## racks:".length()).trim().split(",")) {
                    if (!x.trim().isEmpty()) {
                        r.add(x.trim());
                    }
                }
                return r;
            }
        }
        return List.of();
    }

    /**
     * The alias of the second cluster a {@code ## second-cluster: <alias>} header line asks for (a
     * MirrorMaker 2 scenario), or null: broker 101 on localhost:9192 and controller 2001 on
     * localhost:20091, beside the default cluster.
     */
    public String secondCluster() {
        for (String h : header) {
            if (h.startsWith("## second-cluster:")) {
                String alias = h.substring("## second-cluster:".length()).trim();
                if (!alias.matches("[A-Za-z0-9_-]+")) {
                    throw new IllegalArgumentException("'" + h + "': give the second cluster's alias, e.g. ## second-cluster: backup");
                }
                return alias;
            }
        }
        return null;
    }

    /** The broker configs of {@code ## config: k=v ...} header lines. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        for (String h : header) {
            if (h.startsWith("## config:")) {
                for (String kv : h.substring("## config:".length()).trim().split("\\s+")) {
                    if (kv.isEmpty()) {
                        continue;
                    }
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("'" + kv + "' in '" + h + "' is not key=value");
                    }
                    c.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return c;
    }

    /**
     * Whether the file asks for the secured cluster of {@code ## security: sasl-plain}: SASL/PLAIN
     * listeners and the StandardAuthorizer ({@link org.brokerlab.conformance.cluster.Cluster#SASL_PLAIN}).
     */
    public boolean saslPlain() {
        for (String h : header) {
            if (h.startsWith("## security:")) {
                String v = h.substring("## security:".length()).trim();
                if (!v.equals("sasl-plain")) {
                    throw new IllegalArgumentException("'" + h + "': the only security header is '## security: sasl-plain'");
                }
                return true;
            }
        }
        return false;
    }

    public String render(String recordedLine) {
        StringBuilder b = new StringBuilder();
        b.append(recordedLine).append('\n');
        for (String h : header) {
            if (!h.startsWith(RECORDED_PREFIX)) {
                b.append(h).append('\n');
            }
        }
        for (Step s : steps) {
            b.append("$ ").append(s.command).append('\n');
            for (ToolRunner.Line l : s.output) {
                b.append(l.stderr() ? "! " : "").append(l.text()).append('\n');
            }
            if (s.exitCode != 0) {
                b.append("? ").append(s.exitCode).append('\n');
            }
            for (String c : s.comments) {
                b.append(c).append('\n');
            }
        }
        return b.toString();
    }
}
