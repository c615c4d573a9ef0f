//! The NSS key log format (SSLKEYLOGFILE), as written by browsers, curl, OpenSSL, Go, Python:
//! one `LABEL <client_random hex> <secret hex>` per line, `#` comments and blank lines
//! ignored (draft-ietf-tls-keylogfile). Labels: CLIENT_RANDOM (TLS 1.2 master secret), the
//! TLS 1.3 traffic and exporter secrets, and the rarer RSA / ECH ones.

/// Labels a key log line may carry.
pub const LABELS: &[&str] = &[
    "CLIENT_RANDOM",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EARLY_EXPORTER_SECRET",
    "EXPORTER_SECRET",
    "RSA",
    "ECH_SECRET",
    "ECH_CONFIG",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub label: &'static str,
    /// The client random (32 bytes), or for `RSA` the first 8 bytes of the encrypted
    /// pre-master secret.
    pub key: Vec<u8>,
    pub secret: Vec<u8>,
}

impl Entry {
    /// Keyed by the ClientHello's random (every label but `RSA`, which is keyed by the start of
    /// the encrypted pre-master secret).
    pub fn by_client_random(&self) -> bool {
        self.label != "RSA"
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

/// One key log line, when it is one.
pub fn parse_line(line: &str) -> Option<Entry> {
    let mut it = line.split_whitespace();
    let (label, key, secret) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let label = *LABELS.iter().find(|l| **l == label)?;
    let key = unhex(key)?;
    let secret = unhex(secret)?;
    let e = Entry { label, key, secret };
    // A client random is 32 bytes; an RSA entry is keyed by 8 bytes of the encrypted premaster.
    let key_ok = e.key.len() == if e.by_client_random() { 32 } else { 8 };
    (key_ok && !e.secret.is_empty()).then_some(e)
}

/// All entries of a key log text (other lines are ignored).
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines().filter_map(parse_line).collect()
}

/// Split pasted text into its key log lines and everything else (blank and `#` lines go with
/// the key log when there is one). None when the text holds no key log line.
pub fn split(text: &str) -> Option<(String, String)> {
    if !text.lines().any(|l| parse_line(l).is_some()) {
        return None;
    }
    let (mut keys, mut rest) = (String::new(), String::new());
    for l in text.lines() {
        let t = l.trim();
        if parse_line(l).is_some() || t.starts_with('#') {
            keys.push_str(t);
            keys.push('\n');
            // Keep line numbers of the rest stable for its diagnostics.
            rest.push('\n');
        } else {
            rest.push_str(l);
            rest.push('\n');
        }
    }
    Some((keys, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_labels() {
        let cr = "00".repeat(32);
        assert_eq!(parse_line(&format!("CLIENT_RANDOM {cr} {}", "ab".repeat(48))).map(|e| e.label), Some("CLIENT_RANDOM"));
        assert_eq!(parse_line(&format!("SERVER_HANDSHAKE_TRAFFIC_SECRET {cr} {}", "AB".repeat(48))).map(|e| e.secret.len()), Some(48));
        assert!(parse_line(&format!("CLIENT_RANDOM {} {}", "00".repeat(31), "ab".repeat(48))).is_none(), "short random");
        assert!(parse_line(&format!("SOMETHING {cr} abab")).is_none());
        assert!(parse_line("16 03 01 00 05").is_none());
        let (k, r) = split(&format!("# keys\nCLIENT_RANDOM {cr} {}\n16 03 01\n", "ab".repeat(48))).unwrap();
        assert_eq!(k.lines().count(), 2);
        assert_eq!(r, "\n\n16 03 01\n");
    }
}
