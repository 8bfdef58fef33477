//! The one base64 codec (RFC 4648): the standard alphabet with `=` padding (record payloads
//! that are not UTF-8, in the JSON disk image) and base64url without padding (§5: share
//! links, lesson drafts, Kafka's topic ids as `Uuid.toString` prints them).

/// Which of RFC 4648's alphabets, and with it whether the text is padded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `A–Z a–z 0–9 + /`, padded with `=` to a multiple of four characters.
    Standard,
    /// `A–Z a–z 0–9 - _`, unpadded; decoding also takes `+` and `/` (a link retyped by hand).
    Url,
}

impl Alphabet {
    fn chars(self) -> &'static [u8; 64] {
        match self {
            Alphabet::Standard => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            Alphabet::Url => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }
}

/// The value of `ch` in `alphabet` (`None`: not one of its 64 characters).
pub(crate) fn value(ch: char, alphabet: Alphabet) -> Option<u32> {
    alphabet.chars().iter().position(|c| char::from(*c) == ch).map(|v| v as u32)
}

pub(crate) fn encode(data: &[u8], alphabet: Alphabet) -> String {
    let table = alphabet.chars();
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..=chunk.len() {
            s.push(table[((v >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if alphabet == Alphabet::Standard {
            for _ in chunk.len()..3 {
                s.push('=');
            }
        }
    }
    s
}

/// Decodes `s` (trailing `=` ignored). A last group of one character (half a byte) is
/// dropped: a text cut short shows up in what the bytes say, not here. `Err` names the first
/// character outside the alphabet and its position.
pub(crate) fn decode(s: &str, alphabet: Alphabet) -> Result<Vec<u8>, (char, u32)> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for (i, ch) in s.chars().enumerate() {
        let v = match (ch, alphabet) {
            ('A'..='Z', _) => ch as u32 - 'A' as u32,
            ('a'..='z', _) => ch as u32 - 'a' as u32 + 26,
            ('0'..='9', _) => ch as u32 - '0' as u32 + 52,
            ('+', _) | ('-', Alphabet::Url) => 62,
            ('/', _) | ('_', Alphabet::Url) => 63,
            _ => return Err((ch, u32::try_from(i).unwrap_or(u32::MAX))),
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_alphabets_round_trip_every_length() {
        for alphabet in [Alphabet::Standard, Alphabet::Url] {
            for n in 0..40u8 {
                let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
                let text = encode(&data, alphabet);
                assert_eq!(decode(&text, alphabet), Ok(data), "{alphabet:?}, length {n}");
            }
        }
    }

    #[test]
    fn rfc_4648_test_vectors() {
        for (plain, standard, url) in [
            ("", "", ""),
            ("f", "Zg==", "Zg"),
            ("fo", "Zm8=", "Zm8"),
            ("foo", "Zm9v", "Zm9v"),
            ("foob", "Zm9vYg==", "Zm9vYg"),
            ("fooba", "Zm9vYmE=", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes(), Alphabet::Standard), standard);
            assert_eq!(encode(plain.as_bytes(), Alphabet::Url), url);
        }
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::Standard), "+/8=");
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::Url), "-_8");
        assert_eq!(decode("-_8", Alphabet::Standard), Err(('-', 0)));
        assert_eq!(decode("+/8", Alphabet::Url), Ok(vec![0xfb, 0xff]));
        assert_eq!(decode("Zm!", Alphabet::Url), Err(('!', 2)));
        assert_eq!((value('_', Alphabet::Url), value('_', Alphabet::Standard)), (Some(63), None));
    }
}
