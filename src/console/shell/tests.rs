//! Tests of the console shell (program names as in Kafka's `bin/`).

use super::*;

fn ok(src: &str) -> Vec<ScriptItem> {
    parse_script(src).into_iter().map(|r| r.unwrap_or_else(|e| panic!("unexpected error {e:?} for {src:?}"))).collect()
}

fn one(src: &str) -> ScriptItem {
    let v = ok(src);
    assert_eq!(v.len(), 1, "{v:?}");
    v.into_iter().next().unwrap()
}

fn err(src: &str) -> ShellError {
    let v = parse_script(src);
    assert_eq!(v.len(), 1, "{v:?}");
    v.into_iter().next().unwrap().unwrap_err()
}

fn argv(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// tools are typed as bin/kafka-topics.sh
#[test]
fn program_name_is_normalised_and_original_kept() {
    let it = one("bin/kafka-topics.sh --bootstrap-server localhost:9092 --list");
    assert_eq!(it.argv, argv(&["kafka-topics", "--bootstrap-server", "localhost:9092", "--list"]));
    assert_eq!(it.program_as_typed, "bin/kafka-topics.sh");
    assert_eq!(it.line, 1);
    assert_eq!(it.text, "bin/kafka-topics.sh --bootstrap-server localhost:9092 --list");
    assert_eq!(it.stdin, None);
    for name in ["kafka-topics", "kafka-topics.sh", "./bin/kafka-topics.sh", "/opt/kafka/bin/kafka-topics.sh"] {
        assert_eq!(normalize_program(name), "kafka-topics", "{name}");
    }
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn whitespace_and_blank_lines_and_comments() {
    let v = ok("\n\n   # a comment\nkafka-topics   --list\t--bootstrap-server x:1 # trailing\n\n");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].line, 4);
    assert_eq!(v[0].argv, argv(&["kafka-topics", "--list", "--bootstrap-server", "x:1"]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn hash_inside_word_is_literal() {
    let it = one("kafka-console-producer --property key.separator=#");
    assert_eq!(it.argv[2], "key.separator=#");
    let it = one("echo a#b");
    assert_eq!(it.argv, argv(&["echo", "a#b"]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn single_quotes_are_literal() {
    let it = one(r#"cmd 'a b' 'x\ny' '$HOME' '"q"'"#);
    assert_eq!(it.argv, argv(&["cmd", "a b", r"x\ny", "$HOME", "\"q\""]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn double_quotes_with_escapes() {
    let it = one(r#"cmd "a \"b\" c" "back\\slash" "\$VAR" "keep\n" "$VAR""#);
    assert_eq!(it.argv, argv(&["cmd", "a \"b\" c", r"back\slash", "$VAR", r"keep\n", "$VAR"]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn adjacent_quotes_concatenate_and_empty_words_survive() {
    let it = one(r#"cmd --property "key.separator="':' '' """#);
    assert_eq!(it.argv, argv(&["cmd", "--property", "key.separator=:", "", ""]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn backslash_escapes_outside_quotes() {
    let it = one(r"cmd a\ b \$x \\ \'");
    assert_eq!(it.argv, argv(&["cmd", "a b", "$x", "\\", "'"]));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn backslash_newline_continuation() {
    let v = ok("kafka-topics --bootstrap-server localhost:9092 \\\n  --create --topic orders \\\n  --partitions 3\nkafka-topics --list --bootstrap-server x:1\n");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].line, 1);
    assert_eq!(
        v[0].argv,
        argv(&[
            "kafka-topics",
            "--bootstrap-server",
            "localhost:9092",
            "--create",
            "--topic",
            "orders",
            "--partitions",
            "3"
        ])
    );
    assert!(v[0].text.contains("\\\n  --create"));
    assert_eq!(v[1].line, 4);
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn quotes_may_span_lines() {
    let v = ok("cmd 'a\nb'\nnext\n");
    assert_eq!(v[0].argv, argv(&["cmd", "a\nb"]));
    assert_eq!(v[1].line, 3);
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn semicolon_separates_commands() {
    let v = ok("a 1; b 2 ;c");
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].argv, argv(&["a", "1"]));
    assert_eq!(v[1].argv, argv(&["b", "2"]));
    assert_eq!(v[2].argv, argv(&["c"]));
    assert_eq!(v[1].text, "b 2");
}

// `ConsoleProducer`: producers read stdin; a heredoc is piped input
#[test]
fn heredoc_feeds_stdin() {
    let src = "kafka-console-producer --topic orders --bootstrap-server localhost:9092 <<EOF\nfirst\nsecond\nEOF\nkafka-topics --list\n";
    let v = ok(src);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].stdin.as_deref(), Some("first\nsecond\n"));
    assert_eq!(v[0].argv[0], "kafka-console-producer");
    assert_eq!(
        v[0].text,
        "kafka-console-producer --topic orders --bootstrap-server localhost:9092 <<EOF\nfirst\nsecond\nEOF"
    );
    assert_eq!(v[1].line, 5);
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn heredoc_any_delimiter_and_quoted_forms() {
    let it = one("p <<END_OF_DATA\na\nEND_OF_DATA");
    assert_eq!(it.stdin.as_deref(), Some("a\n"));
    let it = one("p <<'EOF'\n$x \\$y \\\\\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("$x \\$y \\\\\n"));
    let it = one("p <<\"EOF\"\n\\$y\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("\\$y\n"));
    // Unquoted: \$ and \\ lose their backslash, $VAR stays literal.
    let it = one("p <<EOF\n$x \\$y \\\\\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("$x $y \\\n"));
    let it = one("p << EOF\nz\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("z\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn heredoc_dash_strips_leading_tabs() {
    let it = one("p <<-EOF\n\t\tkey1:v1\n\tkey2:v2\n\tEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("key1:v1\nkey2:v2\n"));
    // Without '-', tabs stay and an indented delimiter does not close.
    let it = one("p <<EOF\n\tkey\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("\tkey\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn heredoc_empty_body() {
    let it = one("p <<EOF\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some(""));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn heredoc_body_lines_that_look_like_commands_are_data() {
    let v = ok("p <<EOF\nkafka-topics --list\n# not a comment\nEOF\nq\n");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].stdin.as_deref(), Some("kafka-topics --list\n# not a comment\n"));
    assert_eq!(v[1].argv, argv(&["q"]));
    assert_eq!(v[1].line, 5);
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn unterminated_heredoc_is_an_error() {
    let e = err("kafka-console-producer --topic t <<EOF\na\nb\n");
    assert_eq!(e.line, 1);
    assert_eq!(e.message, "here-document started on line 1 is never closed: add a line containing only 'EOF'");
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn unterminated_quotes_are_errors_and_parsing_goes_on() {
    let v = parse_script("kafka-topics --topic 'abc\nkafka-topics --list\n");
    assert_eq!(v.len(), 2, "{v:?}");
    let e = v[0].clone().unwrap_err();
    assert_eq!(e.line, 1);
    assert_eq!(e.message, "unterminated single quote: the ' opened on line 1 is never closed");
    assert_eq!(v[1].clone().unwrap().argv, argv(&["kafka-topics", "--list"]));
    let e = err("echo \"abc");
    assert_eq!(e.message, "unterminated double quote: the \" opened on line 1 is never closed");
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn echo_pipe() {
    let it = one("echo hello world | kafka-console-producer --topic t --bootstrap-server b:1");
    assert_eq!(it.stdin.as_deref(), Some("hello world\n"));
    assert_eq!(it.argv[0], "kafka-console-producer");
    assert_eq!(it.text, "echo hello world | kafka-console-producer --topic t --bootstrap-server b:1");
    let it = one("echo -n abc | p");
    assert_eq!(it.stdin.as_deref(), Some("abc"));
    let it = one(r#"echo -e "k1:v1\nk2:v2\tx" | p"#);
    assert_eq!(it.stdin.as_deref(), Some("k1:v1\nk2:v2\tx\n"));
    let it = one(r#"echo "k1:v1\nk2" | p"#);
    assert_eq!(it.stdin.as_deref(), Some("k1:v1\\nk2\n"));
    let it = one(r#"echo -ne "a\nb" | p"#);
    assert_eq!(it.stdin.as_deref(), Some("a\nb"));
    let it = one("echo | p");
    assert_eq!(it.stdin.as_deref(), Some("\n"));
    let it = one(r#"echo -e "a\cb" | p"#);
    assert_eq!(it.stdin.as_deref(), Some("a"));
    let it = one("echo -x | p");
    assert_eq!(it.stdin.as_deref(), Some("-x\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn printf_pipe() {
    let it = one(r#"printf 'key%d:value%d\n' 1 1 2 2 | p"#);
    assert_eq!(it.stdin.as_deref(), Some("key1:value1\nkey2:value2\n"));
    let it = one(r#"printf '%s\n' a b c | p"#);
    assert_eq!(it.stdin.as_deref(), Some("a\nb\nc\n"));
    let it = one(r#"printf 'a\tb\\c 100%%\n' | p"#);
    assert_eq!(it.stdin.as_deref(), Some("a\tb\\c 100%\n"));
    let it = one(r#"printf '%s-%s\n' x | p"#);
    assert_eq!(it.stdin.as_deref(), Some("x-\n"));
    let it = one(r#"printf 'no newline' extra ignored | p"#);
    assert_eq!(it.stdin.as_deref(), Some("no newline"));
    let it = one(r#"printf '%5s|%-3d|%03d\n' ab 7 5 | p"#);
    assert_eq!(it.stdin.as_deref(), Some("   ab|7  |005\n"));
    let it = one(r#"printf '%d\n' | p"#);
    assert_eq!(it.stdin.as_deref(), Some("0\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn printf_errors() {
    assert_eq!(err("printf '%d' abc | p").message, "printf: abc: invalid number");
    assert_eq!(err("printf '%q' a | p").message, "printf: '%q': invalid format character (supported: %s, %d, %%)");
    assert_eq!(err("printf | p").message, "printf: usage: printf format [arguments]");
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn seq_pipe() {
    assert_eq!(one("seq 3 | p").stdin.as_deref(), Some("1\n2\n3\n"));
    assert_eq!(one("seq 5 7 | p").stdin.as_deref(), Some("5\n6\n7\n"));
    assert_eq!(one("seq 10 -5 0 | p").stdin.as_deref(), Some("10\n5\n0\n"));
    assert_eq!(one("seq 0 | p").stdin.as_deref(), Some(""));
    assert_eq!(one("seq 3 1 | p").stdin.as_deref(), Some(""));
    let big = one("seq 100000 | p").stdin.unwrap();
    assert_eq!(big.lines().count(), 100_000);
    assert!(big.ends_with("100000\n"));
    assert_eq!(err("seq x | p").message, "seq: invalid integer argument: 'x'");
    assert_eq!(err("seq | p").message, "seq: missing operand (use seq N or seq A B)");
    assert_eq!(err("seq 1 0 5 | p").message, "seq: invalid Zero increment value: '0'");
    assert_eq!(err("seq 99999999999 | p").message, "seq: refusing to print more than 1000000 numbers in the simulator");
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn cat_heredoc_pipe() {
    let it = one("cat <<EOF | kafka-console-producer --topic t --bootstrap-server b:1 --property parse.key=true\nk1\tv1\nk2\tv2\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("k1\tv1\nk2\tv2\n"));
    assert_eq!(it.argv[0], "kafka-console-producer");
    assert!(it.text.ends_with("\nk1\tv1\nk2\tv2\nEOF"));
    // `cat FILE | tool`: the executor reads the file from the virtual file system.
    let f = one("cat data.txt | p");
    assert_eq!(f.stdin_file.as_deref(), Some("data.txt"));
    assert_eq!(f.stdin, None);
    assert_eq!(
        err("cat a b | p").message,
        "cat can pass a here-document or one file into a pipe (cat <<EOF | ..., cat FILE | ...)"
    );
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn unsupported_producers_and_operators() {
    assert_eq!(
        err("grep x | p").message,
        "'grep' cannot feed a pipe here: only echo, printf, seq and cat <<EOF are supported before '|'"
    );
    assert_eq!(
        err("kafka-topics --list | grep orders").message,
        "'kafka-topics' cannot feed a pipe here: only echo, printf, seq and cat <<EOF are supported before '|'"
    );
    assert_eq!(
        err("echo a | b | c").message,
        "only one '|' per command is supported: <echo|printf|seq|cat <<EOF> | <kafka tool>"
    );
    assert!(err("a && b").message.starts_with("'&&' is not supported"));
    assert!(err("a || b").message.starts_with("'||' is not supported"));
    assert!(err("a &").message.starts_with("'&' (background jobs) is not supported"));
    assert!(err("a 2>/dev/null").message.starts_with("redirecting stderr (2>) is not supported"));
    assert!(err("a >& x").message.starts_with("only '> FILE' and '>> FILE'"));
    assert!(err("a <<< x").message.starts_with("here-strings (<<<) are not supported"));
    assert!(err("a $(b)").message.starts_with("command substitution $(...)"));
    assert!(err("a `b`").message.starts_with("command substitution (`...`)"));
    assert!(err("(a)").message.starts_with("subshells"));
    assert!(err("| p").message.starts_with("syntax error near unexpected token '|'"));
    assert!(err("a <<").message.starts_with("syntax error: a delimiter word must follow '<<'"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn trailing_pipe_continues_on_next_line_or_errors_at_eof() {
    let it = one("echo x |\n  p --a");
    assert_eq!(it.stdin.as_deref(), Some("x\n"));
    assert_eq!(it.argv, argv(&["p", "--a"]));
    let e = err("echo x |");
    assert!(e.message.starts_with("syntax error: unexpected end of input after '|'"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn errors_do_not_stop_later_commands() {
    let v = parse_script("good 1\nbad 2> x\ngood 2\ngrep | p\ngood 3\n");
    assert_eq!(v.len(), 5);
    assert!(v[0].is_ok() && v[2].is_ok() && v[4].is_ok());
    assert_eq!(v[1].as_ref().unwrap_err().line, 2);
    assert_eq!(v[3].as_ref().unwrap_err().line, 4);
    assert_eq!(v[4].as_ref().unwrap().line, 5);
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn heredoc_wins_over_pipe_like_sh() {
    let it = one("echo from-pipe | p <<EOF\nfrom-heredoc\nEOF\n");
    assert_eq!(it.stdin.as_deref(), Some("from-heredoc\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn crlf_scripts() {
    let v = ok("a 1\r\nb <<EOF\r\nx\r\nEOF\r\n");
    assert_eq!(v.len(), 2);
    assert_eq!(v[1].stdin.as_deref(), Some("x\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn lone_echo_is_a_command() {
    let it = one("echo hi");
    assert_eq!(it.argv, argv(&["echo", "hi"]));
    assert_eq!(producer_output(&it.argv, None).unwrap(), "hi\n");
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn unicode_words() {
    let it = one("echo 'héllo wörld' ✓ | p");
    assert_eq!(it.stdin.as_deref(), Some("héllo wörld ✓\n"));
}

// `ConsoleProducer` (tools read stdin); the shell subset the console supports
#[test]
fn needs_more_input_cases() {
    assert!(!needs_more_input(""));
    assert!(!needs_more_input("kafka-topics --list"));
    assert!(needs_more_input("kafka-topics --topic 'abc"));
    assert!(needs_more_input("kafka-topics --topic \"abc"));
    assert!(needs_more_input("kafka-topics --bootstrap-server x:1 \\"));
    assert!(needs_more_input("echo x |"));
    assert!(needs_more_input("p <<EOF"));
    assert!(needs_more_input("p <<EOF\nline"));
    assert!(!needs_more_input("p <<EOF\nline\nEOF"));
    assert!(!needs_more_input("p <<EOF\nline\nEOF\n"));
    assert!(needs_more_input("cat <<EOF | p\na\n"));
    assert!(!needs_more_input("echo 'a' # it's a comment"));
    assert!(!needs_more_input("a \\\nb"));
}

// Redirections: `cmd > file`, `cmd >> file`, `cat > plan.json <<EOF`, `< file`.
#[test]
fn stdout_redirection_and_input_files() {
    let it = one("kafka-topics --list > topics.txt");
    assert_eq!(it.argv, argv(&["kafka-topics", "--list"]));
    assert_eq!(it.redirect, Some(super::Redirect { path: "topics.txt".into(), append: false }));
    let it = one("echo hi >>log.txt");
    assert_eq!(it.argv, argv(&["echo", "hi"]));
    assert_eq!(it.redirect, Some(super::Redirect { path: "log.txt".into(), append: true }));
    let it = one("echo hi 1> one.txt");
    assert_eq!(it.argv, argv(&["echo", "hi"]));
    assert_eq!(it.redirect.map(|r| r.path), Some("one.txt".to_string()));
    let it = one("cat > plan.json <<EOF\n{\"a\":1}\nEOF\n");
    assert_eq!(it.argv, argv(&["cat"]));
    assert_eq!(it.stdin.as_deref(), Some("{\"a\":1}\n"));
    assert_eq!(it.redirect.map(|r| r.path), Some("plan.json".to_string()));
    let it = one("kafka-console-producer --topic t < lines.txt");
    assert_eq!(it.stdin_file.as_deref(), Some("lines.txt"));
    assert_eq!(it.argv.len(), 3);
    let it = one("echo a | p > out.txt");
    assert_eq!(it.stdin.as_deref(), Some("a\n"));
    assert_eq!(it.redirect.map(|r| r.path), Some("out.txt".to_string()));
    assert_eq!(err("a >").message, "syntax error: a file name must follow '>'");
    assert_eq!(err("a <").message, "syntax error: a file name must follow '<'");
    assert_eq!(err("echo a > f | p").message, "a redirection must come after the last command of a pipe");
    // A word that merely contains a digit is not a descriptor.
    let it = one("echo 12> x");
    assert_eq!(it.argv, argv(&["echo", "12"]));
}
