package org.brokerlab.conformance.vectors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object with its keys in insertion order, written on one line: enough for the
 * {@code replica-placement} and {@code partition-change} vector lines (numbers, booleans,
 * strings, null, lists, int arrays and nested objects).
 */
final class ControlVectorJson {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    ControlVectorJson put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    static List<Integer> list(int[] array) {
        List<Integer> list = new ArrayList<>(array.length);
        for (int x : array) {
            list.add(x);
        }
        return list;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        write(out, this);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof ControlVectorJson o) {
            out.append('{');
            String sep = "";
            for (Map.Entry<String, Object> e : o.fields.entrySet()) {
                out.append(sep);
                string(out, e.getKey());
                out.append(':');
                write(out, e.getValue());
                sep = ",";
            }
            out.append('}');
        } else if (value instanceof int[] a) {
            write(out, list(a));
        } else if (value instanceof Iterable<?> list) {
            out.append('[');
            String sep = "";
            for (Object x : list) {
                out.append(sep);
                write(out, x);
                sep = ",";
            }
            out.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
