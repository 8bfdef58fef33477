package org.brokerlab.conformance.vectors;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Family {@code line-breaks}: where the JDK's line {@link BreakIterator} allows a line to break,
 * which is where jopt-simple's {@code BuiltinHelpFormatter} (through
 * {@code joptsimple.internal.Columns.piecesOf}) and argparse4j wrap the help texts of Kafka's
 * tools. Every case has a text and the break positions of
 * {@code BreakIterator.getLineInstance(Locale.US)} (every {@code next()} until {@code DONE}, as
 * UTF-16 indices). The texts are every cell of every help table Brokerlab prints (its descriptions
 * and option columns, read from {@code tests/conformance/inputs/line-breaks.txt}, which
 * {@code BLESS=1 cargo test --test conformance_vectors line_breaks} writes: the JDK decides the
 * breaks, not Brokerlab) and seeded random strings over the characters that matter. For the help
 * texts and a share of the random strings, jopt-simple's own wrapping of the text as a table cell
 * at several widths ({@code Columns.piecesOf(String, int)}, called by reflection: the class is
 * package-private).
 */
final class LineBreakVectors {
    static final String FAMILY = "line-breaks";
    static final long SEED = 20_440_012L;
    static final int RANDOM_CASES = 4_000;
    /** Widths of the help cells: narrow, jopt-simple's option column (at most 39) and its neighbours, descriptions. */
    static final int[] HELP_WIDTHS = {12, 25, 38, 39, 40, 41, 57, 78};
    /** The characters that decide line breaks in help texts (ASCII only). */
    static final String PUNCTUATION = " -()[]{}<>'\":,./|?*=_!;+%$#\\\n\t@&^~`";

    private LineBreakVectors() {}

    static Path generate(Path dir) throws Exception {
        // jopt-simple asks BreakIterator.getLineInstance() for the default locale.
        Locale.setDefault(Locale.US);
        Path inputs = dir.getParent().resolve("inputs").resolve("line-breaks.txt");
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(inputs, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                texts.add(unescape(line));
            }
        }
        Class<?> columns = Class.forName("joptsimple.internal.Columns");
        Constructor<?> ctor = columns.getDeclaredConstructor(int.class, int.class);
        ctor.setAccessible(true);
        Method piecesOf = columns.getDeclaredMethod("piecesOf", String.class, int.class);
        piecesOf.setAccessible(true);
        Object cols = ctor.newInstance(0, 0);

        VectorFile file = new VectorFile(FAMILY, SEED,
            "java.text.BreakIterator.getLineInstance(Locale.US): first(), next() until DONE; "
                + "joptsimple.internal.Columns.piecesOf(String, int) (jopt-simple, as BuiltinHelpFormatter wraps a cell)");
        file.header("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version"));
        file.header("inputs", "tests/conformance/inputs/line-breaks.txt (" + texts.size() + " help texts) + "
            + RANDOM_CASES + " random strings over [A-Za-z0-9" + PUNCTUATION.replace("\n", "\\n").replace("\t", "\\t") + "]");
        for (String t : texts) {
            file.add(kase("help", t, cols, piecesOf, HELP_WIDTHS));
        }
        Random rnd = new Random(SEED);
        for (int i = 0; i < RANDOM_CASES; i++) {
            String t = random(rnd, 1 + rnd.nextInt(i % 4 == 0 ? 120 : 40));
            int[] widths = i % 3 == 0 ? new int[] {1 + rnd.nextInt(12), 5 + rnd.nextInt(40)} : new int[0];
            file.add(kase("random", t, cols, piecesOf, widths));
        }
        return file.write(dir);
    }

    private static Json.Obj kase(String kind, String text, Object cols, Method piecesOf, int[] widths) throws Exception {
        BreakIterator it = BreakIterator.getLineInstance(Locale.US);
        it.setText(text);
        List<Object> breaks = new ArrayList<>();
        it.first();
        for (int end = it.next(); end != BreakIterator.DONE; end = it.next()) {
            breaks.add(end);
        }
        Json.Obj c = Json.obj().put("kind", kind).put("text", text).put("breaks", breaks);
        if (widths.length > 0) {
            List<Object> wrapped = new ArrayList<>();
            for (int w : widths) {
                @SuppressWarnings("unchecked")
                List<String> pieces = (List<String>) piecesOf.invoke(cols, text, w);
                wrapped.add(Json.obj().put("width", w).put("pieces", new ArrayList<Object>(pieces)));
            }
            c.put("cells", wrapped);
        }
        return c;
    }

    /** Letters and digits in runs, spaces and the punctuation above between them. */
    private static String random(Random rnd, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            int k = rnd.nextInt(20);
            if (k < 7) {
                sb.append((char) ((rnd.nextBoolean() ? 'a' : 'A') + rnd.nextInt(26)));
            } else if (k < 10) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            } else if (k < 12) {
                sb.append(' ');
            } else {
                sb.append(PUNCTUATION.charAt(rnd.nextInt(PUNCTUATION.length())));
            }
        }
        return sb.toString();
    }

    /** One input line: {@code \n}, {@code \t} and {@code \\} escaped. */
    private static String unescape(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
