//! `curl -v` logs: no bytes, but one line per TLS message
//! (`* TLSv1.2 (OUT), TLS handshake, Client hello (1):`) plus what curl says it negotiated.
//! Each line becomes a step without fields, explained from the same texts.

use crate::code::{ct, AlertDescription, ContentType, HandshakeType};
use crate::model::Dir;

/// One `* TLSv1.x (OUT|IN), ...` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogMessage {
    pub dir: Dir,
    pub content_type: ContentType,
    pub msg_type: Option<HandshakeType>,
    /// An alert's level and description: curl writes them as one number, level × 256 +
    /// description ("TLS alert, close notify (256)").
    pub alert: Option<(u8, AlertDescription)>,
    /// 1-based line number and the line as written.
    pub line: usize,
    pub text: String,
}

/// What curl reports besides the messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogInfo {
    pub version: Option<u16>,
    /// The cipher as curl names it (OpenSSL name or IANA name).
    pub cipher: Option<String>,
    pub alpn_offered: Vec<String>,
    pub alpn: Option<String>,
    pub host: Option<String>,
    pub server: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub start: Option<String>,
    pub expire: Option<String>,
    /// curl printed "SSL certificate verify ok.": the chain was valid when the log was made.
    pub verify_ok: bool,
    /// curl printed that the server agreed on no ALPN protocol ("ALPN: server did not agree on a
    /// protocol. Uses default." in 7.88; "ALPN, server did not agree to a protocol" before).
    pub alpn_refused: bool,
}

fn version(v: &str) -> Option<u16> {
    match v {
        "TLSv1.3" => Some(0x0304),
        "TLSv1.2" => Some(0x0303),
        "TLSv1.1" => Some(0x0302),
        "TLSv1.0" | "TLSv1" => Some(0x0301),
        "SSLv3" => Some(0x0300),
        _ => None,
    }
}

/// Parse a curl verbose log; None when it has no TLS message lines.
pub fn parse(text: &str) -> Option<(Vec<LogMessage>, LogInfo)> {
    let mut msgs = Vec::new();
    let mut info = LogInfo::default();
    for (i, raw) in text.lines().enumerate() {
        // Logs copied from web pages carry non-breaking spaces.
        let line = raw.replace('\u{a0}', " ");
        let l = line.trim_start_matches(['*', ' ', '\t']).trim_end();
        if let Some(m) = message_line(l) {
            msgs.push(LogMessage { line: i + 1, text: raw.trim_end().replace('\u{a0}', " "), ..m });
            if info.version.is_none() {
                info.version = l.split(' ').next().and_then(version);
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix("SSL connection using ") {
            let mut parts = rest.split(" / ");
            info.version = parts.next().and_then(|v| version(v.trim())).or(info.version);
            info.cipher = parts.next().map(|c| c.trim().to_string());
        } else if let Some(p) = l.strip_prefix("ALPN, offering ").or_else(|| l.strip_prefix("ALPN: offers ")) {
            info.alpn_offered.extend(p.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()));
        } else if let Some(p) = l.strip_prefix("ALPN, server accepted to use ").or_else(|| l.strip_prefix("ALPN: server accepted ")) {
            info.alpn = Some(p.trim().to_string());
        } else if l.starts_with("ALPN: server did not agree") || l.starts_with("ALPN, server did not agree") {
            info.alpn_refused = true;
        } else if let Some(p) = l.strip_prefix("Connected to ") {
            // "Connected to HOST (IP) port N (#0)"
            let host = p.split(' ').next().unwrap_or_default();
            let ip = p.split_once('(').and_then(|(_, r)| r.split_once(')')).map(|(ip, _)| ip);
            let port = p.split_once(" port ").and_then(|(_, r)| r.split(' ').next());
            info.host = Some(host.to_string()).filter(|h| !h.is_empty());
            if let (Some(ip), Some(port)) = (ip, port) {
                info.server = Some(if ip.contains(':') { format!("[{ip}]:{port}") } else { format!("{ip}:{port}") });
            }
        } else if let Some(p) = l.strip_prefix("subject: ") {
            info.subject = Some(p.to_string());
        } else if let Some(p) = l.strip_prefix("issuer: ") {
            info.issuer = Some(p.to_string());
        } else if let Some(p) = l.strip_prefix("start date: ") {
            info.start = Some(curl_date(p));
        } else if let Some(p) = l.strip_prefix("expire date: ") {
            info.expire = Some(curl_date(p));
        } else if l.starts_with("SSL certificate verify ok") {
            info.verify_ok = true;
        }
    }
    (!msgs.is_empty()).then_some((msgs, info))
}

/// `TLSv1.2 (OUT), TLS handshake, Client hello (1):`
fn message_line(l: &str) -> Option<LogMessage> {
    let (ver, rest) = l.split_once(' ')?;
    version(ver)?;
    let (dir, rest) = if let Some(r) = rest.strip_prefix("(OUT), ") {
        (Dir::C2S, r)
    } else if let Some(r) = rest.strip_prefix("(IN), ") {
        (Dir::S2C, r)
    } else {
        return None;
    };
    let (kind, what) = rest.split_once(", ")?;
    let num: Option<u32> = what.rsplit_once('(').and_then(|(_, n)| n.trim_end_matches([')', ':']).parse().ok());
    let (content_type, msg_type) = match kind {
        "TLS handshake" => (ct::HANDSHAKE, Some(HandshakeType(u8::try_from(num?).ok()?))),
        "TLS change cipher" => (ct::CHANGE_CIPHER_SPEC, None),
        "TLS alert" => (ct::ALERT, None),
        // "TLS header" lines (record headers) and "TLS app data" carry no message.
        _ => return None,
    };
    let alert = num.filter(|_| content_type == ct::ALERT).and_then(|n| Some((u8::try_from(n >> 8).ok()?, AlertDescription((n & 0xff) as u8))));
    Some(LogMessage { dir, content_type, msg_type, alert, line: 0, text: String::new() })
}

/// "Dec  2 00:00:00 2019 GMT" -> "2019-12-02T00:00:00Z" (left as it is when it does not parse).
fn curl_date(s: &str) -> String {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match parts.as_slice() {
        [mon, day, time, year, ..] => match (months.iter().position(|m| m == mon), day.parse::<u32>()) {
            (Some(m), Ok(d)) => format!("{year}-{:02}-{d:02}T{time}Z", m + 1),
            _ => s.to_string(),
        },
        _ => s.to_string(),
    }
}

/// The IANA name of a cipher suite curl reports: IANA names as they are; OpenSSL names
/// (`ECDHE-RSA-AES128-GCM-SHA256`) for the common ECDHE/DHE/RSA AEAD and CBC suites.
pub fn iana_suite(name: &str) -> Option<u16> {
    let candidates = if name.starts_with("TLS_") {
        vec![name.to_string()]
    } else {
        let parts: Vec<&str> = name.split('-').collect();
        let (kx, rest): (&str, &[&str]) = match parts.as_slice() {
            ["ECDHE", "RSA" | "ECDSA", rest @ ..] => (if parts[1] == "RSA" { "ECDHE_RSA" } else { "ECDHE_ECDSA" }, rest),
            ["DHE", "RSA", rest @ ..] => ("DHE_RSA", rest),
            rest => ("RSA", rest),
        };
        let cipher = match rest {
            ["AES128", "GCM", "SHA256"] => "AES_128_GCM_SHA256",
            ["AES256", "GCM", "SHA384"] => "AES_256_GCM_SHA384",
            ["CHACHA20", "POLY1305"] => "CHACHA20_POLY1305_SHA256",
            ["AES128", "SHA256"] => "AES_128_CBC_SHA256",
            ["AES256", "SHA384"] => "AES_256_CBC_SHA384",
            ["AES128", "SHA"] => "AES_128_CBC_SHA",
            ["AES256", "SHA"] => "AES_256_CBC_SHA",
            _ => return None,
        };
        vec![format!("TLS_{kx}_WITH_{cipher}")]
    };
    candidates.iter().find_map(|c| tls_parser::TlsCipherSuite::from_name(c).map(|cs| cs.id.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_log() {
        let text = "* TLSv1.2\u{a0}(OUT),\u{a0}TLS\u{a0}handshake,\u{a0}Client\u{a0}hello\u{a0}(1):\n* TLSv1.2 (IN), TLS handshake, Server finished (14):\n* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):\n* SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256\n* ALPN, server accepted to use h2\n*  start date: Dec  2 00:00:00 2019 GMT\n";
        let (m, info) = parse(text).unwrap_or_default();
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].dir, m[0].content_type, m[0].msg_type), (Dir::C2S, ct::HANDSHAKE, Some(crate::code::ht::CLIENT_HELLO)));
        assert_eq!((m[1].dir, m[1].msg_type), (Dir::S2C, Some(crate::code::ht::SERVER_HELLO_DONE)));
        assert_eq!(m[2].content_type, ct::CHANGE_CIPHER_SPEC);
        assert_eq!(info.version, Some(0x0303));
        assert_eq!(info.alpn.as_deref(), Some("h2"));
        assert_eq!(info.start.as_deref(), Some("2019-12-02T00:00:00Z"));
        assert_eq!(iana_suite(info.cipher.as_deref().unwrap_or("")), Some(0xc02f));
        assert_eq!(iana_suite("TLS_AES_256_GCM_SHA384"), Some(0x1302));
    }
}
