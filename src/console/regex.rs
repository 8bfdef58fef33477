//! A small regular-expression matcher for the tools' topic filters (`kafka-topics --topic
//! 'orders.*'`, `kafka-get-offsets --topic-partitions 'topic(3|4):2,__.*:3'`), which Kafka
//! evaluates with `java.util.regex.Pattern.matcher(name).matches()` (a full match).
//!
//! The subset: literals, `.`, `[...]`/`[^...]` classes with ranges, `\d \w \s \D \W \S`
//! and escaped metacharacters, groups `(...)`/`(?:...)`, `|`, `* + ?`, `{n}`, `{n,}`,
//! `{n,m}`, `^`, `$`. It is compiled to a Thompson NFA and simulated state-set by
//! state-set, so matching is linear in the input and can never blow up or panic.

/// Most states a pattern may compile to (counted repetitions are expanded).
const MAX_STATES: usize = 10_000;

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Clone, Debug)]
enum State {
    Char(char, usize),
    Any(usize),
    Class(Vec<(char, char)>, bool, usize),
    Split(usize, usize),
    Start(usize),
    End(usize),
    Match,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Regex {
    states: Vec<State>,
    start: usize,
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn alt(&mut self, depth: u32) -> Result<Node, String> {
        if depth > 50 {
            return Err("nested too deeply".into());
        }
        let mut branches = vec![self.concat(depth)?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat(depth)?);
        }
        Ok(if branches.len() == 1 { branches.remove(0) } else { Node::Alt(branches) })
    }

    fn concat(&mut self, depth: u32) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            let atom = self.quantifier(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn quantifier(&mut self, atom: Node) -> Result<Node, String> {
        let mut node = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.pos += 1;
                    (0, None)
                }
                Some('+') => {
                    self.pos += 1;
                    (1, None)
                }
                Some('?') => {
                    self.pos += 1;
                    (0, Some(1))
                }
                Some('{') => {
                    let save = self.pos;
                    match self.braces() {
                        Some(r) => r,
                        None => {
                            self.pos = save;
                            return Err(format!("Illegal repetition near index {save}"));
                        }
                    }
                }
                _ => return Ok(node),
            };
            // Lazy and possessive suffixes change nothing for a full match.
            if matches!(self.peek(), Some('?') | Some('+')) {
                self.pos += 1;
            }
            if matches!(node, Node::Start | Node::End) {
                return Err("dangling meta character".into());
            }
            node = Node::Repeat(Box::new(node), min, max);
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`; leaves `pos` after `}`.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        self.pos += 1;
        let num = |p: &mut Parser| -> Option<u32> {
            let start = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            let s: String = p.chars[start..p.pos].iter().collect();
            s.parse().ok()
        };
        let min = num(self)?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek() == Some('}') {
                None
            } else {
                Some(num(self)?)
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') || min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
            return None;
        }
        self.pos += 1;
        Some((min, max))
    }

    fn atom(&mut self, depth: u32) -> Result<Node, String> {
        let Some(c) = self.peek() else { return Err("unexpected end".into()) };
        self.pos += 1;
        match c {
            '.' => Ok(Node::Any),
            '^' => Ok(Node::Start),
            '$' => Ok(Node::End),
            '(' => {
                if self.chars.get(self.pos) == Some(&'?') && self.chars.get(self.pos + 1) == Some(&':') {
                    self.pos += 2;
                }
                let inner = self.alt(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err("Unclosed group".into());
                }
                self.pos += 1;
                Ok(inner)
            }
            '[' => self.class(),
            '\\' => self.escape(false).map(|(r, neg)| match r {
                Esc::Char(c) => Node::Char(c),
                Esc::Class(v) => Node::Class(v, neg),
            }),
            '*' | '+' | '?' => Err(format!("Dangling meta character '{c}'")),
            _ => Ok(Node::Char(c)),
        }
    }

    fn escape(&mut self, _in_class: bool) -> Result<(Esc, bool), String> {
        let Some(c) = self.peek() else { return Err("Unexpected internal error".into()) };
        self.pos += 1;
        let digits = vec![('0', '9')];
        let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
        let space = vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r'), ('\u{b}', '\u{c}')];
        Ok(match c {
            'd' => (Esc::Class(digits), false),
            'D' => (Esc::Class(digits), true),
            'w' => (Esc::Class(word), false),
            'W' => (Esc::Class(word), true),
            's' => (Esc::Class(space), false),
            'S' => (Esc::Class(space), true),
            't' => (Esc::Char('\t'), false),
            'n' => (Esc::Char('\n'), false),
            c if c.is_ascii_alphanumeric() => return Err(format!("Illegal/unsupported escape sequence \\{c}")),
            c => (Esc::Char(c), false),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let mut negate = false;
        if self.peek() == Some('^') {
            negate = true;
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return Err("Unclosed character class".into()) };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            let lo = if c == '\\' {
                match self.escape(true)? {
                    (Esc::Char(ch), _) => ch,
                    (Esc::Class(v), false) => {
                        ranges.extend(v);
                        continue;
                    }
                    (Esc::Class(_), true) => return Err("negated escapes inside a class are not supported".into()),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|n| *n != ']') {
                self.pos += 1;
                let Some(mut hi) = self.peek() else { return Err("Unclosed character class".into()) };
                self.pos += 1;
                if hi == '\\' {
                    match self.escape(true)? {
                        (Esc::Char(ch), _) => hi = ch,
                        _ => return Err("Illegal character range".into()),
                    }
                }
                if hi < lo {
                    return Err("Illegal character range".into());
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(ranges, negate))
    }
}

enum Esc {
    Char(char),
    Class(Vec<(char, char)>),
}

struct Compiler {
    states: Vec<State>,
}

impl Compiler {
    fn push(&mut self, s: State) -> Result<usize, String> {
        if self.states.len() >= MAX_STATES {
            return Err("pattern too large".into());
        }
        self.states.push(s);
        Ok(self.states.len() - 1)
    }

    /// Compiles `node` so that it continues at `next`; returns its entry state.
    fn compile(&mut self, node: &Node, next: usize) -> Result<usize, String> {
        match node {
            Node::Char(c) => self.push(State::Char(*c, next)),
            Node::Any => self.push(State::Any(next)),
            Node::Class(r, neg) => self.push(State::Class(r.clone(), *neg, next)),
            Node::Start => self.push(State::Start(next)),
            Node::End => self.push(State::End(next)),
            Node::Concat(items) => {
                let mut entry = next;
                for item in items.iter().rev() {
                    entry = self.compile(item, entry)?;
                }
                Ok(entry)
            }
            Node::Alt(branches) => {
                let mut entries = Vec::new();
                for b in branches {
                    entries.push(self.compile(b, next)?);
                }
                let mut entry = entries.pop().unwrap_or(next);
                while let Some(e) = entries.pop() {
                    entry = self.push(State::Split(e, entry))?;
                }
                Ok(entry)
            }
            Node::Repeat(inner, min, max) => {
                // Optional or unbounded tail first, then `min` mandatory copies in front.
                let mut entry = match max {
                    None => {
                        let split = self.push(State::Split(usize::MAX, next))?;
                        let body = self.compile(inner, split)?;
                        if let Some(State::Split(a, _)) = self.states.get_mut(split) {
                            *a = body;
                        }
                        split
                    }
                    Some(m) => {
                        let mut e = next;
                        for _ in *min..*m {
                            let body = self.compile(inner, e)?;
                            e = self.push(State::Split(body, next))?;
                        }
                        e
                    }
                };
                for _ in 0..*min {
                    entry = self.compile(inner, entry)?;
                }
                Ok(entry)
            }
        }
    }
}

impl Regex {
    /// Compiles a pattern; `Err` is a short reason (like `PatternSyntaxException`).
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser { chars: &chars, pos: 0 };
        let node = p.alt(0)?;
        if p.pos < chars.len() {
            return Err(format!("Unmatched closing ')' near index {}", p.pos));
        }
        let mut c = Compiler { states: Vec::new() };
        let accept = c.push(State::Match)?;
        let start = c.compile(&node, accept)?;
        Ok(Regex { states: c.states, start })
    }

    fn add(&self, list: &mut Vec<usize>, seen: &mut [bool], s: usize, at_start: bool, at_end: bool) {
        let mut stack = vec![s];
        while let Some(id) = stack.pop() {
            if id >= self.states.len() || seen[id] {
                continue;
            }
            seen[id] = true;
            match &self.states[id] {
                State::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                State::Start(n) => {
                    if at_start {
                        stack.push(*n)
                    }
                }
                State::End(n) => {
                    if at_end {
                        stack.push(*n)
                    }
                }
                _ => list.push(id),
            }
        }
    }

    /// Whether the whole text matches (Java `Matcher.matches()`).
    pub(crate) fn is_full_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let n = self.states.len();
        let mut current = Vec::new();
        let mut seen = vec![false; n];
        self.add(&mut current, &mut seen, self.start, true, chars.is_empty());
        for (i, c) in chars.iter().enumerate() {
            let mut next = Vec::new();
            let mut seen = vec![false; n];
            let at_end = i + 1 == chars.len();
            for &id in &current {
                let target = match &self.states[id] {
                    State::Char(x, t) if x == c => Some(*t),
                    State::Any(t) if *c != '\n' => Some(*t),
                    State::Class(r, neg, t) => {
                        let inside = r.iter().any(|(lo, hi)| c >= lo && c <= hi);
                        (inside != *neg).then_some(*t)
                    }
                    _ => None,
                };
                if let Some(t) = target {
                    self.add(&mut next, &mut seen, t, false, at_end);
                }
            }
            current = next;
            if current.is_empty() {
                return false;
            }
        }
        current.iter().any(|id| matches!(self.states[*id], State::Match))
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p).unwrap().is_full_match(t)
    }

    #[test]
    fn java_full_match_subset() {
        assert!(m("orders", "orders"));
        assert!(!m("orders", "orders2"));
        assert!(m("orders.*", "orders-eu"));
        assert!(m("topic(3|4)", "topic4"));
        assert!(!m("topic(3|4)", "topic5"));
        assert!(m("__.*", "__consumer_offsets"));
        assert!(m("a|b|c", "b"));
        assert!(m("[a-c]+x?", "abca"));
        assert!(m("[^a]+", "bcd"));
        assert!(!m("[^a]+", "bad"));
        assert!(m("t\\d{2}", "t42"));
        assert!(!m("t\\d{2}", "t421"));
        assert!(m("t\\d{2,}", "t421"));
        assert!(m("^x$", "x"));
        assert!(m("a\\.b", "a.b"));
        assert!(!m("a\\.b", "axb"));
        assert!(m("", ""));
        assert!(m("(?:ab)*", "abab"));
        assert!(Regex::new("(").is_err());
        assert!(Regex::new("*a").is_err());
        assert!(Regex::new("a)").is_err());
        assert!(Regex::new("[a").is_err());
        // No blow-up on the classic pathological pattern.
        assert!(!m("(a*)*b", &"a".repeat(5000)));
    }
}
