package org.brokerlab.conformance.vectors;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * The values a config's validation cases try, derived from its {@link ConfigDef.Type} and its
 * validator's description only (no randomness): the default, each bound of a range and one
 * past it, every listed choice, a case variant, something that is not of the type, overflow.
 */
final class Samples {
    private static final Pattern RANGE = Pattern.compile("\\[(-?[0-9.E]+)?,\\.\\.\\.(?:,(-?[0-9.E]+))?\\]");
    private static final Pattern CHOICES = Pattern.compile("^(\\(case insensitive\\) )?\\[([^\\]]*)\\]$");

    private Samples() {}

    static String defaultString(ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return null;
        }
        return ConfigDef.convertToString(key.defaultValue, key.type);
    }

    /** The listed choices of a ValidString / ValidList / CaseInsensitiveValidString, else empty. */
    static List<String> choices(ConfigKey key) {
        if (key.validator == null) {
            return List.of();
        }
        Matcher m = CHOICES.matcher(key.validator.toString());
        if (!m.matches() || m.group(2).contains(",...")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : m.group(2).split(", ")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    static List<String> values(ConfigKey key) {
        Set<String> out = new LinkedHashSet<>();
        String def = defaultString(key);
        if (def != null) {
            out.add(def);
        }
        String valid = key.validator == null ? "" : key.validator.toString();
        switch (key.type) {
            case INT, SHORT, LONG -> {
                Matcher m = RANGE.matcher(valid);
                if (m.find()) {
                    if (m.group(1) != null) {
                        BigInteger min = integer(m.group(1));
                        out.add(min.toString());
                        out.add(min.subtract(BigInteger.ONE).toString());
                    }
                    if (m.group(2) != null) {
                        BigInteger max = integer(m.group(2));
                        out.add(max.toString());
                        out.add(max.add(BigInteger.ONE).toString());
                    }
                } else {
                    out.add("-1");
                }
                out.add("abc");
                out.add("1.5");
                out.add(switch (key.type) {
                    case INT -> "2147483648";
                    case SHORT -> "32768";
                    default -> "9223372036854775808";
                });
            }
            case DOUBLE -> {
                Matcher m = RANGE.matcher(valid);
                if (m.find()) {
                    if (m.group(1) != null) {
                        out.add(m.group(1));
                        out.add(String.valueOf(Double.parseDouble(m.group(1)) - 0.5));
                    }
                    if (m.group(2) != null) {
                        out.add(m.group(2));
                        out.add(String.valueOf(Double.parseDouble(m.group(2)) + 0.5));
                    }
                }
                out.add("0.25");
                out.add("abc");
            }
            case BOOLEAN -> {
                out.add("true");
                out.add("FALSE");
                out.add("yes");
            }
            case STRING -> {
                List<String> choices = choices(key);
                out.addAll(choices);
                if (!choices.isEmpty()) {
                    String first = choices.get(0);
                    String lower = first.toLowerCase(Locale.ROOT);
                    out.add(lower.equals(first) ? first.toUpperCase(Locale.ROOT) : lower);
                }
                out.add("bogus");
                out.add("");
            }
            case LIST -> {
                List<String> choices = choices(key);
                out.addAll(choices);
                if (choices.size() >= 2) {
                    out.add(choices.get(0) + "," + choices.get(1));
                    out.add(choices.get(1) + ", " + choices.get(0));
                }
                if (!choices.isEmpty()) {
                    out.add(choices.get(0) + "," + choices.get(0));
                }
                if (valid.startsWith("[partitionId]")) {
                    out.add("*");
                    out.add("0:1,1:2");
                    out.add("0-1");
                }
                out.add("bogus");
                out.add("a,a");
                out.add("");
            }
            case PASSWORD -> out.add("secret");
            case CLASS -> { /* only the default: a class name's validity depends on the classpath */ }
        }
        return new ArrayList<>(out);
    }

    /** A number as written in a validator's description ("1", "-1", "1.0E-4") as an integer. */
    private static BigInteger integer(String text) {
        return new java.math.BigDecimal(text).toBigInteger();
    }
}
