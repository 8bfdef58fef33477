//! The console's small virtual file system: the files Kafka tools read and write
//! (`--reassignment-json-file plan.json`, `--command-config admin.properties`,
//! `kafka-topics --list > topics.txt`, `cat > plan.json <<EOF`).
//!
//! Files are UTF-8 text keyed by a normalised path (`./plan.json`, `plan.json` and
//! `/tmp/../plan.json` are different spellings of names, normalised lexically: `.` and
//! `..` segments are resolved, a leading `./` dropped). There are no directories: a path
//! is just a name, so `ls` lists every file. Order is by name (a `BTreeMap`).

use crate::sim::codec::Codec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most bytes one file may hold (keeps the page responsive).
pub(crate) const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Most files the console keeps.
pub(crate) const MAX_FILES: usize = 1000;

/// The files of one console.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Codec)]
pub struct Vfs {
    files: BTreeMap<String, String>,
}

/// Normalises a path lexically (`./a/../b.json` → `b.json`). `None` for an empty name.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return None;
    }
    let joined = parts.join("/");
    Some(if absolute { format!("/{joined}") } else { joined })
}

impl Vfs {
    pub(crate) fn new() -> Vfs {
        Vfs::default()
    }

    /// The file's text, if it exists.
    pub(crate) fn read(&self, path: &str) -> Option<&str> {
        normalize(path).and_then(|p| self.files.get(&p)).map(String::as_str)
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.read(path).is_some()
    }

    /// Creates or replaces a file.
    pub fn write(&mut self, path: &str, text: &str) -> Result<(), String> {
        let p = normalize(path).ok_or_else(|| format!("'{path}' is not a file name"))?;
        if p == "/dev/null" {
            return Ok(());
        }
        if text.len() > MAX_FILE_BYTES {
            return Err(format!("{path}: file too large for the simulator (at most {MAX_FILE_BYTES} bytes)"));
        }
        if !self.files.contains_key(&p) && self.files.len() >= MAX_FILES {
            return Err(format!("{path}: too many files (at most {MAX_FILES}); remove some with rm"));
        }
        self.files.insert(p, text.to_string());
        Ok(())
    }

    /// Appends to a file (creating it).
    pub(crate) fn append(&mut self, path: &str, text: &str) -> Result<(), String> {
        let mut current = self.read(path).unwrap_or("").to_string();
        current.push_str(text);
        self.write(path, &current)
    }

    /// Removes a file; false when there was none.
    pub(crate) fn remove(&mut self, path: &str) -> bool {
        match normalize(path) {
            Some(p) => self.files.remove(&p).is_some(),
            None => false,
        }
    }

    /// Every file name, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
}

/// Parses Java `.properties` text (`key=value`, `key: value`, `key value`; `#`/`!`
/// comments; blank lines). Line continuations and escapes beyond `\\` are not needed by
/// the tools' config files and are kept literally.
pub(crate) fn parse_properties(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let split = line.find(['=', ':', ' ', '\t']);
        let (k, v) = match split {
            Some(i) => {
                let key = &line[..i];
                let rest = line[i..].trim_start_matches([' ', '\t']);
                let rest = rest.strip_prefix(['=', ':']).unwrap_or(rest);
                (key, rest.trim_start())
            }
            None => (line, ""),
        };
        out.push((k.to_string(), v.trim_end().to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_and_files_round_trip() {
        let mut v = Vfs::new();
        v.write("./plan.json", "{}").unwrap();
        assert_eq!(v.read("plan.json"), Some("{}"));
        assert_eq!(v.read("x/../plan.json"), Some("{}"));
        v.append("plan.json", "\n").unwrap();
        assert_eq!(v.read("plan.json"), Some("{}\n"));
        assert!(v.remove("plan.json"));
        assert!(!v.remove("plan.json"));
        assert!(v.write("", "x").is_err());
        v.write("/dev/null", "gone").unwrap();
        assert!(v.names().is_empty());
    }

    #[test]
    fn properties_parse_like_java() {
        let p = parse_properties("# comment\nacks=all\nlinger.ms: 5\n\nclient.id console\n  retries = 3 \n");
        assert_eq!(
            p,
            vec![
                ("acks".to_string(), "all".to_string()),
                ("linger.ms".to_string(), "5".to_string()),
                ("client.id".to_string(), "console".to_string()),
                ("retries".to_string(), "3".to_string()),
            ]
        );
    }
}
