//! Config values the way Kafka's Java code reads and prints them: `ConfigDef.parseType` (trim,
//! then parse as the config's type), the built-in validators of `ConfigDef` with their
//! `ConfigException` messages, and `ConfigDef.convertToString` / `Object.toString` for what a
//! describe or an error message shows (`Double.toString`, `List.toString`, ...).
//!
//! This is config validation and display, never a simulation decision: the double comparisons
//! here are the ones `ConfigDef.Range.ensureValid` makes (`Number.doubleValue()`).

use super::{Type, Valid};
use crate::sim::java::{java_capacity_for_copy, java_hash_order, java_string_hash, java_trim};

/// A value parsed as its config's type (`ConfigDef.parseType`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Parsed {
    Bool(bool),
    Str(String),
    /// INT, SHORT and LONG.
    Int(i64),
    Double(f64),
    List(Vec<String>),
    Class(String),
    Password,
}

impl Parsed {
    /// `ConfigDef.convertToString`: how a describe prints the value.
    pub(crate) fn to_config_string(&self) -> String {
        match self {
            Parsed::Bool(b) => b.to_string(),
            Parsed::Str(s) | Parsed::Class(s) => s.clone(),
            Parsed::Int(i) => i.to_string(),
            Parsed::Double(d) => double_to_string(*d),
            Parsed::List(l) => l.join(","),
            Parsed::Password => "[hidden]".to_string(),
        }
    }

    /// `Object.toString()` of the parsed value, as `ConfigException` puts it in a message.
    fn to_java_string(&self) -> String {
        match self {
            Parsed::List(l) => format!("[{}]", l.join(", ")),
            other => other.to_config_string(),
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Parsed::Int(i) => Some(*i as f64),
            Parsed::Double(d) => Some(*d),
            _ => None,
        }
    }
}

/// `new ConfigException(name, value, message).getMessage()`.
pub(crate) fn invalid(name: &str, value: &str, message: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {message}")
}

/// Splits on `\s*,\s*` like `String.split(regex, -1)` on an already trimmed string.
pub(crate) fn split_list(trimmed: &str) -> Vec<String> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split(',').map(|s| s.trim_matches(char::is_whitespace).to_string()).collect()
}

/// `ConfigDef.parseType(name, value, type)` for a value given as a string.
pub(crate) fn parse_type(name: &str, ty: Type, raw: &str) -> Result<Parsed, String> {
    let trimmed = java_trim(raw);
    let not_a_number = || invalid(name, raw, &format!("Not a number of type {}", ty.name()));
    match ty {
        Type::Boolean => {
            if trimmed.eq_ignore_ascii_case("true") {
                Ok(Parsed::Bool(true))
            } else if trimmed.eq_ignore_ascii_case("false") {
                Ok(Parsed::Bool(false))
            } else {
                Err(invalid(name, raw, "Expected value to be either true or false"))
            }
        }
        Type::Password => Ok(Parsed::Password),
        Type::String => Ok(Parsed::Str(trimmed.to_string())),
        Type::Int => trimmed.parse::<i32>().map(|v| Parsed::Int(i64::from(v))).map_err(|_| not_a_number()),
        Type::Short => trimmed.parse::<i16>().map(|v| Parsed::Int(i64::from(v))).map_err(|_| not_a_number()),
        Type::Long => trimmed.parse::<i64>().map(Parsed::Int).map_err(|_| not_a_number()),
        Type::Double => parse_double(trimmed).map(Parsed::Double).ok_or_else(not_a_number),
        Type::List => Ok(Parsed::List(split_list(trimmed))),
        Type::Class => {
            if super::known_class(trimmed) {
                Ok(Parsed::Class(trimmed.to_string()))
            } else {
                Err(invalid(name, raw, &format!("Class {raw} could not be found.")))
            }
        }
    }
}

/// `Double.parseDouble` for the decimal forms: sign, digits, fraction, exponent, an optional
/// `d`/`f` suffix, `NaN` and `Infinity`.
fn parse_double(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body == "NaN" || body == "Infinity" {
        return s.replace("Infinity", "inf").parse().ok();
    }
    let body = s.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(s);
    let digits = body.strip_prefix(['+', '-']).unwrap_or(body);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.');
    if !ok {
        return None;
    }
    body.parse().ok()
}

/// `Double.toString(d)`: plain digits between 10^-3 and 10^7, computerized scientific notation
/// (`1.0E-4`) outside, always with a fraction digit.
pub(crate) fn double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let a = d.abs();
    if (1e-3..1e7).contains(&a) {
        let s = format!("{d}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{d:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exp}")
    }
}

/// A validator's `ensureValid`. `dedup`: `ConfigDef.parseValue` removes duplicates from a
/// `ValidList` value before validating it (AbstractConfig, topic configs); the dynamic broker
/// path (`DynamicConfig.Broker.validate`) does not, so duplicates are refused there.
pub(crate) fn ensure_valid(name: &str, valid: &Valid, value: &mut Parsed, dedup: bool) -> Result<(), String> {
    match valid {
        Valid::Any => Ok(()),
        Valid::Range(min, max) => {
            let Some(n) = value.as_f64() else { return Ok(()) };
            let bound = |t: &str| parse_double(t).unwrap_or(0.0);
            if let Some(min) = min {
                if n < bound(min) {
                    return Err(invalid(name, &value.to_java_string(), &format!("Value must be at least {min}")));
                }
            }
            if let Some(max) = max {
                if n > bound(max) {
                    return Err(invalid(name, &value.to_java_string(), &format!("Value must be no more than {max}")));
                }
            }
            Ok(())
        }
        Valid::GzipLevel => match value {
            Parsed::Int(v) if *v == -1 || (1..=9).contains(v) => Ok(()),
            _ => Err(invalid(name, &value.to_java_string(), "Value must be between 1 and 9 or equal to -1")),
        },
        Valid::OneOf(choices) => match value {
            Parsed::Str(s) if choices.contains(&s.as_str()) => Ok(()),
            _ => Err(invalid(name, &value.to_java_string(), &format!("String must be one of: {}", choices.join(", ")))),
        },
        Valid::OneOfIgnoreCase(choices) => match value {
            Parsed::Str(s) if choices.iter().any(|c| c.eq_ignore_ascii_case(s)) => Ok(()),
            _ => Err(invalid(
                name,
                &value.to_java_string(),
                &format!("String must be one of (case insensitive): {}", choices.join(", ")),
            )),
        },
        Valid::List { items, empty_ok, .. } => {
            let Parsed::List(values) = value else { return Ok(()) };
            if dedup {
                let mut seen: Vec<String> = Vec::new();
                values.retain(|v| {
                    let new = !seen.contains(v);
                    if new {
                        seen.push(v.clone());
                    }
                    new
                });
            }
            if !empty_ok && values.is_empty() {
                let valid = if items.is_empty() { "any non-empty value".to_string() } else { list_text(items) };
                return Err(format!("Configuration '{name}' must not be empty. Valid values include: {valid}"));
            }
            let mut seen: Vec<&String> = Vec::new();
            for v in values.iter() {
                if seen.contains(&v) {
                    return Err(format!("Configuration '{name}' values must not be duplicated."));
                }
                seen.push(v);
            }
            for v in values.iter() {
                if v.is_empty() {
                    return Err(format!("Configuration '{name}' values must not be empty."));
                }
                if !items.is_empty() && !items.contains(&v.as_str()) {
                    return Err(invalid(name, v, &format!("String must be one of: {}", items.join(", "))));
                }
            }
            Ok(())
        }
        Valid::NonEmptyString => match value {
            Parsed::Str(s) if s.is_empty() => Err(invalid(name, s, "String must be non-empty")),
            _ => Ok(()),
        },
        Valid::NonNull => Ok(()),
        Valid::ThrottledReplicas => {
            let Parsed::List(values) = value else { return Ok(()) };
            let replica = |s: &str| {
                s.is_empty()
                    || s.split_once(':').is_some_and(|(p, b)| {
                        !p.is_empty()
                            && !b.is_empty()
                            && p.chars().all(|c| c.is_ascii_digit())
                            && b.chars().all(|c| c.is_ascii_digit())
                    })
            };
            let trimmed: Vec<&str> = values.iter().map(|v| java_trim(v)).collect();
            if !trimmed.iter().all(|s| replica(s)) && trimmed.concat() != "*" {
                return Err(invalid(
                    name,
                    &value.to_java_string(),
                    &format!("{name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."),
                ));
            }
            Ok(())
        }
        Valid::QuorumVoters => {
            let Parsed::List(values) = value else { return Ok(()) };
            for entry in values.iter() {
                let parts: Vec<&str> = java_split_keep_leading(entry, '@');
                let form = "Each entry should be in the form `{id}@{host}:{port}`.";
                if parts.len() != 2 {
                    return Err(format!("Invalid configuration value for controller.quorum.voters. {form}"));
                }
                if parts[0].parse::<i32>().is_err() {
                    return Err(format!("Failed to parse voter ID as an integer from {}", parts[0]));
                }
                if host_port(parts[1]).is_none() {
                    return Err(format!(
                        "Failed to parse host name from entry {entry} for the configuration controller.quorum.voters. {form}"
                    ));
                }
            }
            Ok(())
        }
        Valid::QuorumBootstrap => {
            let Parsed::List(values) = value else { return Ok(()) };
            for entry in values.iter() {
                if host_port(entry).is_none() {
                    return Err(format!(
                        "Failed to parse host name from {entry} for the configuration controller.quorum.bootstrap.servers. Each entry should be in the form \"{{host}}:{{port}}\""
                    ));
                }
            }
            Ok(())
        }
    }
}

/// `[a, b]`: how `ValidString.toString()` lists choices.
pub(crate) fn list_text(items: &[&str]) -> String {
    format!("[{}]", items.join(", "))
}

/// `String.split(char)`: drops trailing empty strings, keeps leading ones.
fn java_split_keep_leading(s: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(sep).collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts == [""] {
        return Vec::new();
    }
    parts
}

/// `Utils.getHost` / `getPort` (`HOST_PORT_PATTERN`): `[scheme://][host]:port`.
pub(crate) fn host_port(address: &str) -> Option<(String, i32)> {
    let rest = match address.find("://") {
        Some(i) if address[..i].chars().all(is_host_char) => &address[i + 3..],
        _ => address,
    };
    let (host, port) = rest.rsplit_once(':')?;
    let host = host.strip_prefix('[').unwrap_or(host);
    let host = host.strip_suffix(']').unwrap_or(host);
    if !host.chars().all(|c| is_host_char(c) || c == ':')
        || port.is_empty()
        || !port.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((host.to_string(), port.parse().ok()?))
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '%' | '.' | '_')
}

/// `HashSet<String>.toString()` of `new HashSet<>(names)`: Java's iteration order for a set
/// sized for them ([`java_hash_order`]).
pub(crate) fn java_set_string(names: &[String]) -> String {
    let keyed: Vec<(&str, i32)> = names.iter().map(|n| (n.as_str(), java_string_hash(n))).collect();
    format!("[{}]", java_hash_order(&keyed, java_capacity_for_copy(names.len())).join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(double_to_string(0.5), "0.5");
        assert_eq!(double_to_string(1.0), "1.0");
        assert_eq!(double_to_string(1e-4), "1.0E-4");
        assert_eq!(double_to_string(1.5e7), "1.5E7");
        assert_eq!(double_to_string(1234567.0), "1234567.0");
        assert_eq!(parse_double("1e-1"), Some(0.1));
        assert_eq!(parse_double(".5"), Some(0.5));
        assert_eq!(parse_double("2d"), Some(2.0));
        assert_eq!(parse_double("abc"), None);
        assert_eq!(parse_double("inf"), None);
    }

    #[test]
    fn hash_set_order_is_javas() {
        // new HashSet<>(List.of("b", "a")) prints [a, b]: "a" hashes to 97, "b" to 98.
        assert_eq!(java_set_string(&["b".into(), "a".into()]), "[a, b]");
        assert_eq!(java_set_string(&["num.partitions".into()]), "[num.partitions]");
    }

    #[test]
    fn host_ports() {
        assert_eq!(host_port("localhost:9092"), Some(("localhost".into(), 9092)));
        assert_eq!(host_port("PLAINTEXT://[::1]:9092"), Some(("::1".into(), 9092)));
        assert_eq!(host_port("bogus"), None);
    }
}
