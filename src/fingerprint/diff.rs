//! Two ClientHellos side by side: what each offers, what differs, and why it matters for their
//! fingerprints (JA3 keeps the extension order, JA4 sorts it).

use serde::Serialize;

use crate::code::{group, NamedGroup};
use crate::explain::{render, Lang};
use crate::model::{Connection, Summary, TextRef};
use crate::registry::{self, ext, is_grease, ver};

/// One compared item (a list of code points, or a single value).
#[derive(Clone, Debug, Serialize)]
pub struct DiffItem {
    /// "cipher_suites", "extensions", "supported_groups", "key_share", "signature_algorithms",
    /// "supported_versions", "alpn", "sni", "ja3", "ja4".
    pub field: &'static str,
    pub a: Vec<String>,
    pub b: Vec<String>,
    pub same: bool,
    /// Same values, in another order.
    pub reordered: bool,
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
}

/// The comparison of two connections' ClientHellos.
#[derive(Clone, Debug, Serialize)]
pub struct HelloDiff {
    pub a: String,
    pub b: String,
    pub items: Vec<DiffItem>,
    /// What the differences mean, in the chosen language.
    pub notes: Vec<String>,
}

/// A list of code points as shown ("0x1301 TLS_AES_128_GCM_SHA256"), and as compared: GREASE
/// values (RFC 8701) are random by design, so each compares as one "GREASE" value.
struct Named {
    shown: Vec<String>,
    compared: Vec<String>,
}

fn named(list: impl IntoIterator<Item = u16>, name: fn(u16) -> String) -> Named {
    let mut n = Named { shown: Vec::new(), compared: Vec::new() };
    for v in list {
        let text = if is_grease(v) { format!("0x{v:04x} GREASE") } else { format!("0x{v:04x} {}", name(v)) };
        n.compared.push(if is_grease(v) { "GREASE".to_string() } else { text.clone() });
        n.shown.push(text);
    }
    n
}

/// Values that are not code points (ALPN, SNI, fingerprints) compare as they are.
fn plain(v: Vec<String>) -> Named {
    Named { compared: v.clone(), shown: v }
}

fn item(field: &'static str, a: Named, b: Named) -> DiffItem {
    let (a, na, b, nb) = (a.shown, a.compared, b.shown, b.compared);
    let only_a: Vec<String> = a.iter().zip(&na).filter(|(_, n)| !nb.contains(n)).map(|(x, _)| x.clone()).collect();
    let only_b: Vec<String> = b.iter().zip(&nb).filter(|(_, n)| !na.contains(n)).map(|(x, _)| x.clone()).collect();
    let same = na == nb;
    let (mut sa, mut sb) = (na.clone(), nb.clone());
    sa.sort();
    sb.sort();
    DiffItem { field, reordered: !same && sa == sb, same, only_a, only_b, a, b }
}

fn opt(v: &Option<String>) -> Vec<String> {
    v.iter().cloned().collect()
}

const PQ_GROUPS: [NamedGroup; 4] = [group::X25519_MLKEM768, group::SECP256R1_MLKEM768, group::SECP384R1_MLKEM1024, group::X25519_KYBER768_DRAFT00];

/// Compare two connections' ClientHellos; `a` and `b` label them in the output.
pub fn diff(a: (&str, &Connection), b: (&str, &Connection), lang: Lang) -> HelloDiff {
    let (sa, sb) = (&a.1.summary, &b.1.summary);
    let items = vec![
        item("supported_versions", named(sa.supported_versions_offered.iter().copied(), registry::version_name), named(sb.supported_versions_offered.iter().copied(), registry::version_name)),
        item("cipher_suites", named(sa.cipher_suites_offered.iter().map(|c| c.0), registry::cipher_suite_name), named(sb.cipher_suites_offered.iter().map(|c| c.0), registry::cipher_suite_name)),
        item("extensions", named(sa.extensions_offered.iter().map(|e| e.0), registry::extension_name), named(sb.extensions_offered.iter().map(|e| e.0), registry::extension_name)),
        item("supported_groups", named(sa.groups_offered.iter().map(|g| g.0), registry::group_name), named(sb.groups_offered.iter().map(|g| g.0), registry::group_name)),
        item("key_share", named(sa.key_share_groups.iter().map(|g| g.0), registry::group_name), named(sb.key_share_groups.iter().map(|g| g.0), registry::group_name)),
        item("signature_algorithms", named(sa.signature_algorithms.iter().map(|s| s.0), registry::signature_scheme_name), named(sb.signature_algorithms.iter().map(|s| s.0), registry::signature_scheme_name)),
        item("alpn", plain(sa.alpn_offered.clone()), plain(sb.alpn_offered.clone())),
        item("sni", plain(opt(&sa.sni)), plain(opt(&sb.sni))),
        item("ja3", plain(opt(&sa.ja3)), plain(opt(&sb.ja3))),
        item("ja4", plain(opt(&sa.ja4)), plain(opt(&sb.ja4))),
    ];
    let notes = explain(sa, sb, &items, a.0, b.0).iter().map(|r| render(lang, r, None)).collect();
    HelloDiff { a: a.0.to_string(), b: b.0.to_string(), items, notes }
}

/// Compare connection `a.2` of input `a.1` with connection `b.2` of input `b.1` (labels `a.0`,
/// `b.0`): both inputs go through `analyze` (the CLI's `diff`, the page's comparison).
pub fn diff_inputs(a: (&str, &[u8], usize), b: (&str, &[u8], usize), opts: &crate::Options) -> Result<HelloDiff, String> {
    let mut conns = Vec::new();
    for (label, input, n) in [a, b] {
        let mut an = crate::analyze(input, opts);
        if n >= an.connections.len() {
            return Err(format!("{label} has no connection {n} (it has {})", an.connections.len()));
        }
        let c = an.connections.swap_remove(n);
        if c.summary.cipher_suites_offered.is_empty() {
            return Err(format!("{label}: connection {n} has no ClientHello"));
        }
        conns.push(c);
    }
    Ok(diff((a.0, &conns[0]), (b.0, &conns[1]), opts.lang))
}

/// What the differences mean.
fn explain(sa: &Summary, sb: &Summary, items: &[DiffItem], la: &str, lb: &str) -> Vec<TextRef> {
    let get = |f: &str| items.iter().find(|i| i.field == f);
    let mut out = Vec::new();
    if items.iter().filter(|i| !matches!(i.field, "sni" | "ja3" | "ja4")).all(|i| i.same) {
        out.push(TextRef::new("diff.same_hello"));
    }
    if let Some(e) = get("extensions") {
        if e.reordered {
            out.push(TextRef::new("diff.ext_order"));
        }
    }
    for (s, label, other) in [(sa, la, sb), (sb, lb, sa)] {
        let pq: Vec<String> = s.key_share_groups.iter().filter(|g| PQ_GROUPS.contains(g)).map(|g| g.name()).collect();
        if !pq.is_empty() && !other.key_share_groups.iter().any(|g| PQ_GROUPS.contains(g)) {
            out.push(TextRef::new("diff.pq").arg("side", label.to_string()).arg("group", pq.join(", ")));
        }
        let grease = |s: &Summary| s.cipher_suites_offered.iter().map(|c| c.0).chain(s.extensions_offered.iter().map(|e| e.0)).any(is_grease);
        if grease(s) && !grease(other) {
            out.push(TextRef::new("diff.grease").arg("side", label.to_string()));
        }
        if s.extensions_offered.contains(&ext::ENCRYPTED_CLIENT_HELLO) && !other.extensions_offered.contains(&ext::ENCRYPTED_CLIENT_HELLO) {
            out.push(TextRef::new("diff.ech").arg("side", label.to_string()));
        }
        if s.supported_versions_offered.contains(&ver::TLS13) && !other.supported_versions_offered.contains(&ver::TLS13) {
            out.push(TextRef::new("diff.tls13").arg("side", label.to_string()));
        }
    }
    if get("cipher_suites").is_some_and(|c| !c.same && !c.reordered) {
        let c = get("cipher_suites").map(|c| (c.only_a.len(), c.only_b.len())).unwrap_or_default();
        out.push(TextRef::new("diff.suites").arg("a", la.to_string()).arg("b", lb.to_string()).arg("only_a", c.0.to_string()).arg("only_b", c.1.to_string()));
    }
    let (ja3_same, ja4_same) = (get("ja3").is_some_and(|i| i.same), get("ja4").is_some_and(|i| i.same));
    if !ja3_same && ja4_same {
        out.push(TextRef::new("diff.ja3_only"));
    }
    out
}
