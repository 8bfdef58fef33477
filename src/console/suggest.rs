//! "Did you mean …": the nearest known name to a mistyped one (a tool, a command, an option).

/// The candidate nearest to `typed`, when it is near enough to be a slip of the fingers: at
/// most two edits (insert, delete, substitute, swap neighbours) and fewer than a third of the
/// name, or `typed` a prefix of exactly one candidate. Ties go to the first candidate.
pub(crate) fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if typed.is_empty() {
        return None;
    }
    let mut best: Option<(u32, &str)> = None;
    let mut prefixed = Vec::new();
    for c in candidates {
        if c == typed {
            return None;
        }
        if c.starts_with(typed) {
            prefixed.push(c);
        }
        let d = distance(typed, c);
        if best.map(|(b, _)| d < b).unwrap_or(true) {
            best = Some((d, c));
        }
    }
    let limit = (typed.chars().count() as u32).div_ceil(3).min(2);
    match best {
        Some((d, c)) if d <= limit => Some(c),
        _ if prefixed.len() == 1 => Some(prefixed[0]),
        _ => None,
    }
}

/// Optimal string alignment distance (Levenshtein plus swaps of neighbours), over chars.
fn distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0u32; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j as u32;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn slips_find_their_name_and_strangers_find_none() {
        let tools = ["kafka-topics", "kafka-configs", "kafka-console-producer", "kafka-console-consumer"];
        assert_eq!(nearest("kafka-topic", tools), Some("kafka-topics"));
        assert_eq!(nearest("kafka-tpoics", tools), Some("kafka-topics"));
        assert_eq!(nearest("kafka-console-prod", tools), Some("kafka-console-producer"));
        assert_eq!(nearest("kafka-console", tools), None, "two tools start so");
        assert_eq!(nearest("kafka-streams", tools), None);
        assert_eq!(nearest("kafka-topics", tools), None, "an exact name needs no suggestion");
        let opts = ["topic", "partitions", "bootstrap-server", "replication-factor"];
        assert_eq!(nearest("topi", opts), Some("topic"));
        assert_eq!(nearest("partition", opts), Some("partitions"));
        assert_eq!(nearest("bootstrap-servers", opts), Some("bootstrap-server"));
        assert_eq!(nearest("x", opts), None);
        assert_eq!(nearest("", opts), None);
    }
}
