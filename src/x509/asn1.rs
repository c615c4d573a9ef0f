//! A certificate's DER as its ASN.1 tree (issue 21, part 2): every node's tag, header and content
//! lengths, byte offset and a readable value (OID names, integers, strings, times), as
//! `openssl asn1parse` and asn1js show it. DER only (X.690 §8, §10): definite lengths; an
//! indefinite or overlong length, a length past the end or nesting deeper than `MAX_DEPTH` ends
//! the walk there with an error on that node, never a panic.
//!
//! OCTET STRINGs and BIT STRINGs whose content is itself one whole DER value (an extension's
//! value, an RSA or EC public key, a signature's SEQUENCE) are opened too, their nodes marked
//! `encapsulated` (openssl asn1parse shows them as a hex dump instead).

use serde::Serialize;

use super::oids;

const MAX_DEPTH: usize = 32;

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// Offset of the tag byte in the DER given.
    pub offset: usize,
    /// Tag and length bytes.
    pub header: usize,
    /// Content bytes.
    pub len: usize,
    /// "universal", "application", "context" or "private".
    pub class: &'static str,
    pub constructed: bool,
    pub number: u32,
    /// "SEQUENCE", "INTEGER", "OBJECT IDENTIFIER", "[0]" ...
    pub tag: String,
    /// The value in words: an OID's name and dotted form, an integer (hex when over 8 bytes), a
    /// string, a time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For opaque bytes (OCTET STRING, BIT STRING, a long INTEGER, a context-specific value):
    /// how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    /// A BIT STRING's unused bits in its last byte (X.690 §8.6.2.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unused_bits: Option<u8>,
    /// Inside an OCTET STRING or BIT STRING that holds DER.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub encapsulated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Why the walk stopped at this node (malformed DER), in English: `problem`'s message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The same as `error`, for the faces to say in their language: where and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Why the DER could not be read further (X.690 §8.1, §10.1): a code and its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Why {
    /// The end came where a tag byte was expected.
    EndAtTag,
    /// A high tag number (§8.1.2.4) ran into the end.
    TagCutOff,
    /// A tag number of more than four base-128 bytes.
    TagTooLarge,
    /// The end came where a length byte was expected.
    EndAtLength,
    /// 0x80: the indefinite form, which DER forbids (§10.1).
    Indefinite,
    /// A long-form length of `bytes` bytes (more than four).
    LongLength { bytes: usize },
    /// A long-form length cut off by the end.
    LengthCutOff,
    /// A content length `length` with only `left` bytes left.
    PastEnd { length: usize, left: usize },
    /// The tree holds `MAX_NODES` nodes; the rest is not shown.
    TooManyNodes { max: usize },
    /// Nested deeper than `MAX_DEPTH` levels.
    TooDeep { max: usize },
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Why::EndAtTag => f.write_str("expected a tag byte, found the end"),
            Why::TagCutOff => f.write_str("tag number cut off by the end"),
            Why::TagTooLarge => f.write_str("tag number too large"),
            Why::EndAtLength => f.write_str("expected a length byte, found the end"),
            Why::Indefinite => f.write_str("indefinite length (BER, not DER)"),
            Why::LongLength { bytes } => write!(f, "a {bytes}-byte length"),
            Why::LengthCutOff => f.write_str("length cut off by the end"),
            Why::PastEnd { length, left } => write!(f, "length {length} runs past the end ({left} left)"),
            Why::TooManyNodes { max } => write!(f, "more than {max} nodes: the rest is not shown"),
            Why::TooDeep { max } => write!(f, "nested deeper than {max} levels"),
        }
    }
}

/// Where the walk stopped (the offset of the value it could not read, in the DER given) and why:
/// `{"offset", "code", ...its numbers, "message"}` (`message`: the English words).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub offset: usize,
    #[serde(flatten)]
    pub why: Why,
    pub message: String,
}

impl Problem {
    fn new(offset: usize, why: Why) -> Problem {
        Problem { offset, message: why.to_string(), why }
    }
}

/// The nodes of `der` at the top level (a certificate is one SEQUENCE), and, when bytes were
/// left that are not DER, where and why.
pub fn parse(der: &[u8]) -> (Vec<Node>, Option<Problem>) {
    let mut nodes = Vec::new();
    let mut budget = MAX_NODES;
    let err = walk(der, 0, 0, false, &mut nodes, &mut budget);
    (nodes, err)
}

/// At most this many nodes in one tree: a node costs far more than its two bytes of DER, and a
/// certificate's DER can be long (a real one has a few hundred).
const MAX_NODES: usize = 20_000;

/// Tag and length of the value at `at`: (class bits, constructed, number, header length, content
/// length), or why not.
fn header(b: &[u8], at: usize) -> Result<(u8, bool, u32, usize, usize), Why> {
    let first = *b.get(at).ok_or(Why::EndAtTag)?;
    let (class, constructed) = (first >> 6, first & 0x20 != 0);
    let mut i = at + 1;
    let mut number = u32::from(first & 0x1f);
    if number == 0x1f {
        // High tag number form: base-128, at most four bytes here.
        number = 0;
        loop {
            let c = *b.get(i).ok_or(Why::TagCutOff)?;
            i += 1;
            if number > 0x00ff_ffff {
                return Err(Why::TagTooLarge);
            }
            number = (number << 7) | u32::from(c & 0x7f);
            if c & 0x80 == 0 {
                break;
            }
        }
    }
    let l = *b.get(i).ok_or(Why::EndAtLength)?;
    i += 1;
    let len = if l < 0x80 {
        usize::from(l)
    } else if l == 0x80 {
        return Err(Why::Indefinite);
    } else {
        let n = usize::from(l & 0x7f);
        if n > 4 {
            return Err(Why::LongLength { bytes: n });
        }
        let bytes = b.get(i..i + n).ok_or(Why::LengthCutOff)?;
        i += n;
        bytes.iter().fold(0usize, |a, &x| (a << 8) | usize::from(x))
    };
    if b.len() - i < len {
        return Err(Why::PastEnd { length: len, left: b.len() - i });
    }
    Ok((class, constructed, number, i - at, len))
}

/// Every value in `b[..]`, appended to `out`; `base` is `b`'s offset in the whole DER.
fn walk(b: &[u8], base: usize, depth: usize, encapsulated: bool, out: &mut Vec<Node>, budget: &mut usize) -> Option<Problem> {
    let mut at = 0;
    while at < b.len() {
        if *budget == 0 {
            return Some(Problem::new(base + at, Why::TooManyNodes { max: MAX_NODES }));
        }
        *budget -= 1;
        let (class, constructed, number, hl, len) = match header(b, at) {
            Ok(h) => h,
            Err(why) => return Some(Problem::new(base + at, why)),
        };
        let content = &b[at + hl..at + hl + len];
        let mut node = Node {
            offset: base + at,
            header: hl,
            len,
            class: ["universal", "application", "context", "private"][usize::from(class)],
            constructed,
            number,
            tag: tag_name(class, constructed, number),
            value: None,
            bytes: None,
            unused_bits: None,
            encapsulated,
            children: Vec::new(),
            error: None,
            problem: None,
        };
        if constructed {
            node.problem = if depth + 1 >= MAX_DEPTH {
                Some(Problem::new(base + at + hl, Why::TooDeep { max: MAX_DEPTH }))
            } else {
                walk(content, base + at + hl, depth + 1, encapsulated, &mut node.children, budget)
            };
        } else {
            (node.value, node.bytes, node.unused_bits) = value(class, number, content);
            // DER inside a string: an extension's value, a public key, a signature.
            // An OCTET STRING may hold any one DER value (an extension's value: a SEQUENCE, the
            // subjectKeyIdentifier's OCTET STRING, keyUsage's BIT STRING); a BIT STRING only a
            // SEQUENCE (a public key), as signatures are random bytes.
            let inner = match (class, number) {
                (0, 4) => Some((content, 0, false)),
                (0, 3) if content.first() == Some(&0) => Some((&content[1..], 1, true)),
                _ => None,
            };
            if let Some((inner, skip, _)) = inner.filter(|(i, _, seq_only)| is_der(i, *seq_only) && depth + 1 < MAX_DEPTH) {
                node.problem = walk(inner, base + at + hl + skip, depth + 1, true, &mut node.children, budget);
            }
        }
        node.error = node.problem.as_ref().map(|p| match p.why {
            Why::TooDeep { .. } => p.message.clone(),
            _ => format!("at byte {}: {}", p.offset, p.message),
        });
        out.push(node);
        at += hl + len;
    }
    None
}

/// Is `b` exactly one DER value (with `seq_only`, a SEQUENCE or SET), well formed all the way
/// down, of a universal type?
fn is_der(b: &[u8], seq_only: bool) -> bool {
    fn whole(b: &[u8], depth: usize) -> bool {
        let mut at = 0;
        while at < b.len() {
            let Ok((_, constructed, _, hl, len)) = header(b, at) else { return false };
            if constructed && (depth >= MAX_DEPTH || !whole(&b[at + hl..at + hl + len], depth + 1)) {
                return false;
            }
            at += hl + len;
        }
        true
    }
    let tag_ok = match b.first() {
        Some(0x30 | 0x31) => true,
        // BOOLEAN, INTEGER, BIT STRING, OCTET STRING, OBJECT IDENTIFIER, and the strings.
        Some(&t) => !seq_only && matches!(t, 0x01..=0x04 | 0x06 | 0x0c | 0x13 | 0x16),
        None => false,
    };
    tag_ok && header(b, 0).is_ok_and(|(_, _, _, hl, len)| hl + len == b.len()) && whole(b, 0)
}

fn tag_name(class: u8, constructed: bool, number: u32) -> String {
    if class != 0 {
        let c = match class {
            1 => "APPLICATION ",
            3 => "PRIVATE ",
            _ => "",
        };
        return format!("[{c}{number}]");
    }
    let name = match number {
        1 => "BOOLEAN",
        2 => "INTEGER",
        3 => "BIT STRING",
        4 => "OCTET STRING",
        5 => "NULL",
        6 => "OBJECT IDENTIFIER",
        10 => "ENUMERATED",
        12 => "UTF8String",
        16 => "SEQUENCE",
        17 => "SET",
        18 => "NumericString",
        19 => "PrintableString",
        20 => "T61String",
        22 => "IA5String",
        23 => "UTCTime",
        24 => "GeneralizedTime",
        26 => "VisibleString",
        28 => "UniversalString",
        30 => "BMPString",
        n => return format!("[UNIVERSAL {n}]{}", if constructed { " (constructed)" } else { "" }),
    };
    name.to_string()
}

/// Dotted form of an OID's content bytes (X.690 §8.19), or None when malformed.
pub fn oid_dotted(c: &[u8]) -> Option<String> {
    if c.is_empty() || c.last().is_some_and(|&x| x & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut v: u64 = 0;
    for &x in c {
        if v > u64::MAX >> 7 {
            return None;
        }
        v = (v << 7) | u64::from(x & 0x7f);
        if x & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (v / 40).min(2);
                arcs.push(first);
                arcs.push(v - first * 40);
            } else {
                arcs.push(v);
            }
            v = 0;
        }
    }
    Some(arcs.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
}

/// What a primitive value says: (its value in words, when it has one; its size, for opaque bytes;
/// a BIT STRING's unused bits). The words are numbers, names, strings and times, the same in
/// every language; the faces write the size and unused bits in theirs.
fn value(class: u8, number: u32, c: &[u8]) -> (Option<String>, Option<usize>, Option<u8>) {
    let hex = |b: &[u8]| format!("0x{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    if class != 0 {
        // An implicitly tagged string (a dNSName [2], a URI [6]) reads as its text.
        let text = !c.is_empty() && c.iter().all(|b| (0x20..0x7f).contains(b));
        return (text.then(|| String::from_utf8_lossy(c).into_owned()), Some(c.len()), None);
    }
    let words = |v: String| (Some(v), None, None);
    match number {
        1 => match c {
            [0] => words("FALSE".into()),
            [_] => words("TRUE".into()),
            _ => (None, Some(c.len()), None),
        },
        2 | 10 if c.len() <= 8 && !c.is_empty() => {
            // Two's complement, big-endian.
            let v = c.iter().fold(if c[0] & 0x80 != 0 { -1i64 } else { 0 }, |a, &x| (a << 8) | i64::from(x));
            words(v.to_string())
        }
        2 | 10 => (Some(hex(c)), Some(c.len()), None),
        3 => match c.split_first() {
            Some((unused, rest)) => (None, Some(rest.len()), Some(*unused)),
            None => (None, Some(0), None),
        },
        5 => (None, None, None),
        6 => words(match oid_dotted(c) {
            Some(d) => match oids::short_name(&d) {
                Some(name) => format!("{name} ({d})"),
                None => d,
            },
            None => hex(c),
        }),
        12 | 18 | 19 | 20 | 22 | 23 | 24 | 26 => words(String::from_utf8_lossy(c).into_owned()),
        30 => {
            let units: Vec<u16> = c.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            words(String::from_utf16_lossy(&units))
        }
        _ => (None, Some(c.len()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::{oid_dotted, parse, Problem, Why};

    /// X.690 §8.19.5's example: 2.100.3 is encoded 0x81 0x34 0x03.
    #[test]
    fn oids_follow_x690() {
        assert_eq!(oid_dotted(&[0x81, 0x34, 0x03]).as_deref(), Some("2.100.3"));
        // sha256WithRSAEncryption.
        assert_eq!(oid_dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(), Some("1.2.840.113549.1.1.11"));
        assert_eq!(oid_dotted(&[0x86]), None);
    }

    /// Bad DER stops the walk at the byte, with why: a length past the end, an indefinite length.
    #[test]
    fn bad_der_is_reported_where_it_is() {
        let (nodes, err) = parse(&[0x30, 0x03, 0x02, 0x01, 0x05, 0x30, 0x80]);
        assert_eq!(nodes.len(), 1);
        assert_eq!(nodes[0].children[0].value.as_deref(), Some("5"));
        assert_eq!(err, Some(Problem::new(5, Why::Indefinite)));
        assert_eq!(err.map(|p| p.message).as_deref(), Some("indefinite length (BER, not DER)"));
        let (nodes, err) = parse(&[0x02, 0x09, 0x00]);
        assert!(nodes.is_empty());
        assert_eq!(err, Some(Problem::new(0, Why::PastEnd { length: 9, left: 1 })));
        let (nodes, err) = parse(&[0x30, 0x04, 0x02, 0x03, 0x00, 0x00]);
        assert_eq!((nodes.len(), err), (1, None));
        assert_eq!(nodes[0].error.as_deref(), Some("at byte 2: length 3 runs past the end (2 left)"));
        assert_eq!(nodes[0].problem, Some(Problem::new(2, Why::PastEnd { length: 3, left: 2 })));
        // The JSON the faces read: the code and its numbers beside the English words.
        let json = serde_json::to_value(nodes[0].problem.as_ref()).unwrap();
        assert_eq!(json, serde_json::json!({"offset": 2, "code": "past_end", "length": 3, "left": 2, "message": "length 3 runs past the end (2 left)"}));
        // Deep nesting ends with an error, not a stack overflow.
        let mut deep = vec![0x30, 0x00];
        for _ in 0..200 {
            let n = deep.len();
            let mut w = vec![0x30, 0x82, (n >> 8) as u8, n as u8];
            w.extend(deep);
            deep = w;
        }
        let (nodes, _) = parse(&deep);
        let mut n = &nodes[0];
        let mut depth = 0;
        while let Some(c) = n.children.first() {
            n = c;
            depth += 1;
        }
        assert_eq!(depth, 31);
        // Many small values stop at the cap, with an error where they stop.
        let many: Vec<u8> = std::iter::repeat([5u8, 0]).take(super::MAX_NODES + 10).flatten().collect();
        let (nodes, err) = parse(&many);
        assert_eq!(nodes.len(), super::MAX_NODES);
        assert_eq!(err.map(|e| (e.offset, e.why)), Some((2 * super::MAX_NODES, Why::TooManyNodes { max: super::MAX_NODES })));
        assert_eq!(n.error.as_deref(), Some("nested deeper than 32 levels"));
    }
}
