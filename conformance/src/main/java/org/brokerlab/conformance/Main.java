package org.brokerlab.conformance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.brokerlab.conformance.scenario.Recorder;

/**
 * {@code Main vectors [family ...]} writes {@code tests/conformance/vectors/}; {@code Main scenarios
 * [name ...]} records {@code tests/conformance/scenarios/} on a real cluster. Run through
 * {@code ./scripts/conformance}, from the repository's root (or with {@code -Dbrokerlab.root}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0 || !(args[0].equals("vectors") || args[0].equals("scenarios"))) {
            System.err.println("usage: Main vectors [family ...] | scenarios [name ...]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("vectors")) {
            // The vector families live in vectors/ (Vectors.main dispatches them by name).
            Class<?> vectors;
            try {
                vectors = Class.forName("org.brokerlab.conformance.vectors.Vectors");
            } catch (ClassNotFoundException e) {
                System.err.println("no vector families in this build (org.brokerlab.conformance.vectors.Vectors is missing)");
                System.exit(2);
                return;
            }
            Method m = vectors.getMethod("main", String[].class);
            try {
                m.invoke(null, (Object) rest);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return;
        }
        Path root = Path.of(System.getProperty("brokerlab.root", ".")).toAbsolutePath().normalize();
        int code = new Recorder(root).run(List.of(rest));
        System.exit(code);
    }
}
