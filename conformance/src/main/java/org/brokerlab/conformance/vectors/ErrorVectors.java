package org.brokerlab.conformance.vectors;

import java.nio.file.Path;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

import static org.brokerlab.conformance.vectors.VectorFile.obj;

/**
 * {@code errors}: every {@link Errors} constant of Kafka 4.4 — its code, name, default message
 * ({@link Errors#message()}, what a client shows when the broker sends none), the exception
 * class a client throws for it ({@link Errors#exception()}), and whether that class is a
 * {@link RetriableException}.
 */
public final class ErrorVectors {
    private ErrorVectors() {}

    public static Path generate(Path dir) throws Exception {
        VectorFile f = new VectorFile("errors", 0,
                "org.apache.kafka.common.protocol.Errors.values(): code(), name(), message(), exception().getClass()");
        for (Errors e : Errors.values()) {
            ApiException ex = e.exception();
            f.add(obj(
                    "code", (int) e.code(),
                    "name", e.name(),
                    "message", e.message(),
                    "exception", ex == null ? null : ex.getClass().getName(),
                    "retriable", ex instanceof RetriableException));
        }
        return f.write(dir);
    }
}
