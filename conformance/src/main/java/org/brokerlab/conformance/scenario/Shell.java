package org.brokerlab.conformance.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The small shell of a scenario, the subset of {@code sh} Brokerlab's console speaks
 * ({@code src/console/shell.rs}): words with {@code 'single'} and {@code "double"} quotes and
 * backslash escapes, {@code #} comments, {@code ;} between commands, here-documents
 * ({@code <<EOF}, {@code <<'EOF'}, {@code <<-EOF}), one pipe whose left side is {@code echo},
 * {@code printf}, {@code seq}, {@code cat <<EOF} or {@code cat FILE}, and {@code > FILE},
 * {@code >> FILE}, {@code < FILE}. Anything else is refused with a message.
 */
public final class Shell {
    private Shell() {}

    /** One command ready to run. */
    public static final class Command {
        /** Arguments after quote removal; argv[0] as typed. */
        public final List<String> argv = new ArrayList<>();
        /** Standard input given as text (a here-document, or what the left side of a pipe printed); null if none. */
        public String stdin;
        /** Standard input from a scenario file ({@code < FILE}, {@code cat FILE |}); null if none. */
        public String stdinFile;
        /** {@code > FILE} or {@code >> FILE}. */
        public String redirect;
        public boolean append;

        public String program() {
            return normalizeProgram(argv.isEmpty() ? "" : argv.get(0));
        }
    }

    public static final class ShellException extends Exception {
        public ShellException(String message) {
            super(message);
        }
    }

    /** {@code bin/kafka-topics.sh}, {@code ./bin/kafka-topics.sh} and {@code kafka-topics} are one program. */
    public static String normalizeProgram(String name) {
        String s = name;
        while (s.startsWith("./")) {
            s = s.substring(2);
        }
        if (s.startsWith("bin/")) {
            s = s.substring(4);
        } else {
            int i = s.lastIndexOf("/bin/");
            if (i >= 0) {
                s = s.substring(i + 5);
            }
        }
        if (s.endsWith(".sh")) {
            s = s.substring(0, s.length() - 3);
        }
        return s;
    }

    // ------------------------------------------------------------------ lexer

    private enum Kind { WORD, PIPE, SEMI, HEREDOC, OUT, APPEND, IN }

    private static final class Tok {
        final Kind kind;
        final String text;
        /** For HEREDOC: index of the here-document. */
        final int heredoc;

        Tok(Kind kind, String text, int heredoc) {
            this.kind = kind;
            this.text = text;
            this.heredoc = heredoc;
        }
    }

    private static final class HereDoc {
        String delim;
        boolean stripTabs;
        String body;
        boolean closed;
    }

    private static final class Line {
        final List<Tok> toks = new ArrayList<>();
        final List<HereDoc> heredocs = new ArrayList<>();
        String incomplete;
    }

    /**
     * Lexes one logical line starting at {@code pos[0]} (continuations and here-document bodies
     * included) and advances {@code pos[0]} past it.
     */
    private static Line lexLine(String s, int[] pos) throws ShellException {
        Line line = new Line();
        int i = pos[0];
        int n = s.length();
        StringBuilder word = null;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                i++;
                break;
            }
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    line.toks.add(new Tok(Kind.WORD, word.toString(), -1));
                    word = null;
                }
                i++;
                continue;
            }
            if (c == '#' && word == null) {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    line.incomplete = "backslash";
                    i++;
                    break;
                }
                char d = s.charAt(i + 1);
                if (d == '\n') {
                    i += 2;
                    if (i >= n) {
                        line.incomplete = "backslash";
                    }
                    continue;
                }
                if (word == null) {
                    word = new StringBuilder();
                }
                word.append(d);
                i += 2;
                continue;
            }
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    line.incomplete = "single quote";
                    i = n;
                    break;
                }
                if (word == null) {
                    word = new StringBuilder();
                }
                word.append(s, i + 1, end);
                i = end + 1;
                continue;
            }
            if (c == '"') {
                if (word == null) {
                    word = new StringBuilder();
                }
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = s.charAt(j);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && j + 1 < n) {
                        char e = s.charAt(j + 1);
                        if (e == '"' || e == '\\' || e == '$' || e == '`') {
                            word.append(e);
                            j += 2;
                            continue;
                        }
                        if (e == '\n') {
                            j += 2;
                            continue;
                        }
                    }
                    word.append(d);
                    j++;
                }
                if (!closed) {
                    line.incomplete = "double quote";
                    i = n;
                    break;
                }
                i = j + 1;
                continue;
            }
            if (c == '|') {
                if (i + 1 < n && s.charAt(i + 1) == '|') {
                    throw new ShellException("'||' is not supported here: run the commands one by one");
                }
                flush(line, word);
                word = null;
                line.toks.add(new Tok(Kind.PIPE, "|", -1));
                i++;
                continue;
            }
            if (c == ';') {
                flush(line, word);
                word = null;
                line.toks.add(new Tok(Kind.SEMI, ";", -1));
                i++;
                continue;
            }
            if (c == '&') {
                throw new ShellException("'&' and '&&' are not supported here: run the commands one by one");
            }
            if (c == '`' || (c == '$' && i + 1 < n && s.charAt(i + 1) == '(')) {
                throw new ShellException("command substitution is not supported here");
            }
            if (c == '>' || (c == '1' && word == null && i + 1 < n && s.charAt(i + 1) == '>')
                || (c == '2' && word == null && i + 1 < n && s.charAt(i + 1) == '>')) {
                if (c == '2') {
                    throw new ShellException("redirecting stderr (2>) is not supported here");
                }
                flush(line, word);
                word = null;
                if (c == '1') {
                    i++;
                }
                if (i + 1 < n && s.charAt(i + 1) == '>') {
                    line.toks.add(new Tok(Kind.APPEND, ">>", -1));
                    i += 2;
                } else {
                    line.toks.add(new Tok(Kind.OUT, ">", -1));
                    i++;
                }
                continue;
            }
            if (c == '<') {
                flush(line, word);
                word = null;
                if (i + 1 < n && s.charAt(i + 1) == '<') {
                    i += 2;
                    HereDoc h = new HereDoc();
                    if (i < n && s.charAt(i) == '-') {
                        h.stripTabs = true;
                        i++;
                    }
                    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                        i++;
                    }
                    StringBuilder d = new StringBuilder();
                    while (i < n && " \t\n;|<>".indexOf(s.charAt(i)) < 0) {
                        char e = s.charAt(i);
                        if (e != '\'' && e != '"') {
                            d.append(e);
                        }
                        i++;
                    }
                    if (d.length() == 0) {
                        throw new ShellException("a here-document needs a delimiter word: <<EOF");
                    }
                    h.delim = d.toString();
                    line.toks.add(new Tok(Kind.HEREDOC, h.delim, line.heredocs.size()));
                    line.heredocs.add(h);
                } else {
                    line.toks.add(new Tok(Kind.IN, "<", -1));
                    i++;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            word.append(c);
            i++;
        }
        flush(line, word);
        if (line.incomplete == null && !line.toks.isEmpty() && line.toks.get(line.toks.size() - 1).kind == Kind.PIPE) {
            line.incomplete = "pipe";
        }
        // Here-document bodies follow the line that opened them.
        for (HereDoc h : line.heredocs) {
            StringBuilder body = new StringBuilder();
            while (i < n) {
                int end = s.indexOf('\n', i);
                String l = end < 0 ? s.substring(i) : s.substring(i, end);
                i = end < 0 ? n : end + 1;
                if (h.stripTabs) {
                    l = l.replaceFirst("^\t+", "");
                }
                if (l.equals(h.delim)) {
                    h.closed = true;
                    break;
                }
                body.append(l).append('\n');
            }
            h.body = body.toString();
        }
        pos[0] = i;
        return line;
    }

    private static void flush(Line line, StringBuilder word) {
        if (word != null) {
            line.toks.add(new Tok(Kind.WORD, word.toString(), -1));
        }
    }

    /** True while {@code partial} cannot run yet: an open quote, a trailing backslash or pipe, an unclosed here-document. */
    public static boolean needsMoreInput(String partial) {
        int[] pos = {0};
        String s = partial.replace("\r\n", "\n");
        while (pos[0] < s.length()) {
            int before = pos[0];
            Line l;
            try {
                l = lexLine(s, pos);
            } catch (ShellException e) {
                return false;
            }
            if (l.incomplete != null) {
                return true;
            }
            for (HereDoc h : l.heredocs) {
                if (!h.closed) {
                    return true;
                }
            }
            if (pos[0] <= before) {
                break;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ commands

    /** Parses a command text (one or more commands) into commands. */
    public static List<Command> parse(String text) throws ShellException {
        String s = text.replace("\r\n", "\n");
        List<Command> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < s.length()) {
            Line line = lexLine(s, pos);
            if (line.incomplete != null) {
                throw new ShellException("the command is incomplete (" + line.incomplete + ")");
            }
            for (HereDoc h : line.heredocs) {
                if (!h.closed) {
                    throw new ShellException("the here-document is never closed: a line '" + h.delim + "' must end it");
                }
            }
            List<Tok> seg = new ArrayList<>();
            for (Tok t : line.toks) {
                if (t.kind == Kind.SEMI) {
                    build(seg, line, out);
                    seg = new ArrayList<>();
                } else {
                    seg.add(t);
                }
            }
            build(seg, line, out);
        }
        return out;
    }

    private static void build(List<Tok> toks, Line line, List<Command> out) throws ShellException {
        if (toks.isEmpty()) {
            return;
        }
        List<List<Tok>> stages = new ArrayList<>();
        List<Tok> cur = new ArrayList<>();
        for (Tok t : toks) {
            if (t.kind == Kind.PIPE) {
                stages.add(cur);
                cur = new ArrayList<>();
            } else {
                cur.add(t);
            }
        }
        stages.add(cur);
        if (stages.size() > 2) {
            throw new ShellException("only one pipe is supported here (echo ... | tool)");
        }
        Command last = simple(stages.get(stages.size() - 1), line);
        if (stages.size() == 2) {
            Command left = simple(stages.get(0), line);
            if (left.redirect != null) {
                throw new ShellException("the left side of a pipe cannot redirect its output");
            }
            String prog = left.argv.isEmpty() ? "" : left.argv.get(0);
            if (prog.equals("cat") && left.stdin == null) {
                List<String> files = left.argv.subList(1, left.argv.size());
                if (files.size() != 1) {
                    throw new ShellException("cat can pass a here-document or one file into a pipe (cat <<EOF | ..., cat FILE | ...)");
                }
                last.stdinFile = files.get(0);
            } else {
                last.stdin = producerOutput(left.argv, left.stdin);
            }
        }
        out.add(last);
    }

    private static Command simple(List<Tok> toks, Line line) throws ShellException {
        Command c = new Command();
        for (int i = 0; i < toks.size(); i++) {
            Tok t = toks.get(i);
            switch (t.kind) {
                case WORD -> c.argv.add(t.text);
                case HEREDOC -> c.stdin = line.heredocs.get(t.heredoc).body;
                case OUT, APPEND, IN -> {
                    if (i + 1 >= toks.size() || toks.get(i + 1).kind != Kind.WORD) {
                        throw new ShellException("a file name must follow '" + t.text + "'");
                    }
                    String file = toks.get(++i).text;
                    if (t.kind == Kind.IN) {
                        c.stdinFile = file;
                    } else {
                        c.redirect = file;
                        c.append = t.kind == Kind.APPEND;
                    }
                }
                default -> throw new ShellException("unexpected '" + t.text + "'");
            }
        }
        if (c.argv.isEmpty()) {
            throw new ShellException("a command is missing");
        }
        return c;
    }

    /** What {@code echo}, {@code printf}, {@code seq} or {@code cat <<EOF} writes. */
    public static String producerOutput(List<String> argv, String heredoc) throws ShellException {
        String prog = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        switch (prog) {
            case "echo":
                return echo(args);
            case "printf":
                return printf(args);
            case "seq":
                return seq(args);
            case "cat":
                if (heredoc != null && args.stream().allMatch(a -> a.equals("-"))) {
                    return heredoc;
                }
                throw new ShellException("cat can pass a here-document or one file into a pipe (cat <<EOF | ..., cat FILE | ...)");
            default:
                throw new ShellException("'" + prog + "' cannot feed a pipe here: only echo, printf, seq and cat <<EOF are supported before '|'");
        }
    }

    private static String echo(List<String> args) {
        boolean newline = true;
        boolean escapes = false;
        int i = 0;
        while (i < args.size() && args.get(i).matches("-[neE]+")) {
            for (char f : args.get(i).substring(1).toCharArray()) {
                if (f == 'n') {
                    newline = false;
                } else if (f == 'e') {
                    escapes = true;
                } else {
                    escapes = false;
                }
            }
            i++;
        }
        String s = String.join(" ", args.subList(i, args.size()));
        if (escapes) {
            s = unescape(s);
        }
        return newline ? s + "\n" : s;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                switch (d) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case '\\' -> b.append('\\');
                    default -> b.append('\\').append(d);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String printf(List<String> args) throws ShellException {
        if (args.isEmpty()) {
            throw new ShellException("printf: missing format");
        }
        String fmt = args.get(0);
        List<String> rest = args.subList(1, args.size());
        StringBuilder out = new StringBuilder();
        int next = 0;
        do {
            for (int i = 0; i < fmt.length(); i++) {
                char c = fmt.charAt(i);
                if (c == '\\' && i + 1 < fmt.length()) {
                    char d = fmt.charAt(++i);
                    switch (d) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case '\\' -> out.append('\\');
                        default -> out.append('\\').append(d);
                    }
                } else if (c == '%' && i + 1 < fmt.length()) {
                    char d = fmt.charAt(++i);
                    switch (d) {
                        case '%' -> out.append('%');
                        case 's' -> out.append(next < rest.size() ? rest.get(next++) : "");
                        case 'd' -> out.append(next < rest.size() ? rest.get(next++) : "0");
                        default -> throw new ShellException("printf: %" + d + " is not supported (only %s, %d and %%)");
                    }
                } else {
                    out.append(c);
                }
            }
        } while (next > 0 && next < rest.size());
        return out.toString();
    }

    private static String seq(List<String> args) throws ShellException {
        long first = 1;
        long step = 1;
        long last;
        try {
            switch (args.size()) {
                case 1 -> last = Long.parseLong(args.get(0));
                case 2 -> {
                    first = Long.parseLong(args.get(0));
                    last = Long.parseLong(args.get(1));
                }
                case 3 -> {
                    first = Long.parseLong(args.get(0));
                    step = Long.parseLong(args.get(1));
                    last = Long.parseLong(args.get(2));
                }
                default -> throw new ShellException("seq: usage: seq LAST | seq FIRST LAST | seq FIRST STEP LAST");
            }
        } catch (NumberFormatException e) {
            throw new ShellException("seq: not a number: " + e.getMessage());
        }
        if (step == 0) {
            throw new ShellException("seq: the step must not be 0");
        }
        StringBuilder b = new StringBuilder();
        for (long v = first; step > 0 ? v <= last : v >= last; v += step) {
            b.append(v).append('\n');
        }
        return b.toString();
    }
}
