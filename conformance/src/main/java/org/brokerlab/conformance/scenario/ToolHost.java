package org.brokerlab.conformance.scenario;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a tool JVM: one fresh JVM per tool command, as {@code bin/kafka-*.sh} starts one.
 *
 * <p>It is started ahead of time (the harness keeps one warm), so the JVM's start-up is not on the
 * scenario's clock. Before the command arrives it only replaces {@code System.out} and
 * {@code System.err} and loads classes; then it reads the command from its real stdin (the tool's
 * class, its arguments and the bytes of its standard input), sets {@code System.in} to those bytes
 * and calls the tool's {@code main} exactly as the JVM would. The tool exits the way it does in a
 * shell: {@code Exit.exit} ends the JVM with its code, an exception escaping {@code main} is printed
 * by the JVM's own handler ({@code Exception in thread "main" ...}) and exits 1.
 *
 * <p>Both output streams go to the one real stdout pipe, each line tagged with its stream
 * ({@code O} or {@code E}), so the harness sees stdout and stderr lines in the order they were
 * written, as a terminal would show them.
 */
public final class ToolHost {
    private ToolHost() {}

    /** Line-buffered, tagged writer onto the shared pipe. */
    static final class Tagged extends OutputStream {
        private static final Object LOCK = new Object();
        private final OutputStream raw;
        private final char tag;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tagged(OutputStream raw, char tag) {
            this.raw = raw;
            this.tag = tag;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (LOCK) {
                if (b == '\n') {
                    emit(tag);
                } else {
                    line.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (LOCK) {
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        emit(tag);
                    } else {
                        line.write(b[i]);
                    }
                }
            }
        }

        private void emit(char t) throws IOException {
            raw.write(t);
            line.writeTo(raw);
            raw.write('\n');
            raw.flush();
            line.reset();
        }

        /** A last line without its newline (lowercase tag). */
        void flushPartial() {
            synchronized (LOCK) {
                if (line.size() > 0) {
                    try {
                        emit(Character.toLowerCase(tag));
                    } catch (IOException ignored) {
                        // The harness is gone.
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Throwable {
        FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
        Tagged out = new Tagged(raw, 'O');
        Tagged err = new Tagged(raw, 'E');
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.flush();
            System.err.flush();
            out.flushPartial();
            err.flushPartial();
        }, "brokerlab-tool-output"));

        // Warm up while waiting for the command: load (without initialising) the classes every tool
        // needs, and let log4j read its configuration now (it would on the tool's first log call).
        ClassLoader cl = ToolHost.class.getClassLoader();
        for (String c : new String[] {
            "org.apache.kafka.clients.admin.KafkaAdminClient",
            "org.apache.kafka.clients.producer.KafkaProducer",
            "org.apache.kafka.clients.consumer.KafkaConsumer",
            "org.apache.kafka.clients.NetworkClient",
            "org.apache.kafka.common.requests.MetadataResponse",
            "joptsimple.OptionParser",
        }) {
            try {
                Class.forName(c, false, cl);
            } catch (ClassNotFoundException ignored) {
                // Only a warm-up.
            }
        }
        org.slf4j.LoggerFactory.getLogger(ToolHost.class);

        DataInputStream req = new DataInputStream(new FileInputStream(FileDescriptor.in));
        String mainClass = req.readUTF();
        int n = req.readInt();
        String[] toolArgs = new String[n];
        for (int i = 0; i < n; i++) {
            toolArgs[i] = req.readUTF();
        }
        byte[] stdin = new byte[req.readInt()];
        req.readFully(stdin);
        System.setIn(new ByteArrayInputStream(stdin));

        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) toolArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
