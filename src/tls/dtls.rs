//! DTLS handshake reassembly (RFC 6347 §4.2.3, RFC 9147 §5.5): messages put together from
//! fragments, retransmissions and inconsistent fragments skipped with a diagnostic.

use super::di;
use super::walker::Walker;
use crate::model::{Diagnostic, Dir, Field, Span, TextRef};
use crate::reader::PieceMap;
use crate::registry;

/// A DTLS handshake message being put together from its fragments (RFC 6347 §4.2.3).
#[derive(Default)]
pub(super) struct DtlsMsg {
    msg_type: u8,
    len: usize,
    body: Vec<u8>,
    /// (offset in the body, where those bytes are) per fragment.
    pieces: Vec<(usize, PieceMap)>,
    /// The first fragment's msg_type and length bytes.
    header: Option<PieceMap>,
    fragments: Vec<Field>,
    records: Vec<usize>,
    done: bool,
}

impl Walker {
    /// DTLS: each fragment (12-byte header: type, length, message_seq, fragment_offset,
    /// fragment_length) goes into its message; a complete message is explained like a TLS one,
    /// its fragment headers as fields. Retransmissions of complete messages are skipped.
    pub(super) fn dtls_handshake_record(&mut self, i: usize, pd: Option<Dir>) {
        let (payload, pmap) = (self.raw[i].payload.clone(), self.raw[i].payload_map.clone());
        let mut pos = 0;
        while pos < payload.len() {
            if payload.len() - pos < 12 {
                let at = pmap.abs(pos);
                self.out.diagnostics.push(Diagnostic::error(at, TextRef::new("diag.dtls.fragment_header").arg("at", at.to_string()).arg("have", (payload.len() - pos).to_string())));
                return;
            }
            let h = &payload[pos..pos + 12];
            let u24 = |b: &[u8]| (b[0] as usize) << 16 | (b[1] as usize) << 8 | b[2] as usize;
            let (t, len, seq, off, flen) = (h[0], u24(&h[1..4]), u16::from_be_bytes([h[4], h[5]]), u24(&h[6..9]), u24(&h[9..12]));
            let have = flen.min(payload.len() - pos - 12);
            let hm = pmap.slice(pos, 12);
            let part = |o: usize, n: usize| hm.span(Span::new(o, n));
            let value = TextRef::new("word.value.dtls_fragment").arg("seq", seq.to_string()).arg("from", off.to_string()).arg("to", (off + flen).to_string()).arg("len", len.to_string());
            let frag = Field::says("DTLS fragment", value, part(0, 12)).note("field.dtls.fragment").with_children(vec![
                Field::new("msg_type", format!("{t} ({})", registry::handshake_name(t)), part(0, 1)).note("field.handshake.msg_type"),
                Field::says("length", crate::reader::bytes_value(len), part(1, 3)).note("field.handshake.length"),
                Field::new("message_seq", seq.to_string(), part(4, 2)).note("field.dtls.message_seq"),
                Field::new("fragment_offset", off.to_string(), part(6, 3)).note("field.dtls.fragment_offset"),
                Field::says("fragment_length", crate::reader::bytes_value(flen), part(9, 3)).note("field.dtls.fragment_length"),
            ]);
            // Bounded memory whatever the lengths say: at most 64 messages in progress per
            // direction, of at most 256 KiB each, their buffers grown only as data arrives.
            const DTLS_MSG_MAX: usize = 256 << 10;
            let msgs = &mut self.dtls_msgs[di(pd)];
            let too_many = !msgs.contains_key(&seq) && msgs.values().filter(|m| !m.done).count() >= 64;
            let m = msgs.entry(seq).or_insert_with(|| DtlsMsg { msg_type: t, len, ..Default::default() });
            if too_many || m.done || m.msg_type != t || m.len != len || off + have > len || len > DTLS_MSG_MAX {
                let at = pmap.abs(pos);
                let why = if m.done {
                    "@diag.dtls.why.retransmission"
                } else if len > DTLS_MSG_MAX || too_many {
                    "@diag.dtls.why.limit"
                } else {
                    "@diag.dtls.why.inconsistent"
                };
                self.out.diagnostics.push(Diagnostic::warning(at, TextRef::new("diag.dtls.fragment_skipped").arg("at", at.to_string()).arg("seq", seq.to_string()).arg("why", why)));
                pos += 12 + have;
                continue;
            }
            if m.body.len() < off + have {
                m.body.resize(off + have, 0);
            }
            m.body[off..off + have].copy_from_slice(&payload[pos + 12..pos + 12 + have]);
            m.pieces.push((off, pmap.slice(pos + 12, have)));
            if off == 0 {
                m.header = Some(pmap.slice(pos, 4));
            }
            m.fragments.push(frag);
            if !m.records.contains(&i) {
                m.records.push(i);
            }
            pos += 12 + have;
            // Complete when the pieces cover 0..len.
            let mut pieces = m.pieces.clone();
            crate::reader::sort_by_u64(&mut pieces, |p| p.0 as u64);
            let mut map = match &m.header {
                Some(h) => h.clone(),
                None => continue,
            };
            let mut cur = 0;
            for (o, pm) in &pieces {
                if *o <= cur && o + pm.len() > cur {
                    map.append(&pm.slice(cur - o, o + pm.len() - cur));
                    cur = o + pm.len();
                }
            }
            if cur < m.len {
                continue;
            }
            m.done = true;
            let mut bytes = vec![t, (len >> 16) as u8, (len >> 8) as u8, len as u8];
            bytes.extend_from_slice(&m.body[..len.min(m.body.len())]);
            let recs = m.records.clone();
            let fragments = std::mem::take(&mut m.fragments);
            // `handshake_message` puts one record header field per owned record first.
            let headers = if self.lean { 0 } else { recs.len() };
            self.handshake_message(bytes, map, recs.clone(), recs, pd);
            if let Some(msg) = self.out.messages.last_mut() {
                msg.dtls_seq = Some(seq);
                // The fragment headers right after the record header(s).
                let at = headers.min(msg.fields.len());
                for (k, f) in fragments.into_iter().enumerate() {
                    // With an empty body the message would end inside the 12-byte header.
                    msg.span = msg.span.cover(f.span);
                    msg.fields.insert(at + k, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::input::{Capture, ChunkIn};
    use crate::model::Dir;

    /// A DTLS 1.2 record (RFC 6347 §4.1) holding one whole ServerHelloDone (empty body) as a
    /// handshake fragment (§4.2.2) with message_seq 2.
    fn server_hello_done(record_seq: u8) -> Vec<u8> {
        let frag = [14, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, record_seq, 0, frag.len() as u8];
        r.extend_from_slice(&frag);
        r
    }

    /// The same message sent twice (a retransmission, §4.2.4) is kept once; the second copy is
    /// skipped with a diagnostic that says why.
    #[test]
    fn a_retransmitted_message_is_kept_once() {
        let mut cap = Capture { dtls: true, marked: true, ..Default::default() };
        for seq in [1, 2] {
            let d = server_hello_done(seq);
            cap.chunks.push(ChunkIn { dir: Some(Dir::S2C), offset: cap.data.len(), len: d.len(), frame: None, time: None, layer: None });
            cap.data.extend_from_slice(&d);
        }
        let t = super::super::parse(&cap);
        assert_eq!(t.messages.iter().filter(|m| m.name == "ServerHelloDone").count(), 1, "{:?}", t.messages.iter().map(|m| &m.name).collect::<Vec<_>>());
        let d = t.diagnostics.iter().find(|d| d.is("dtls.fragment_skipped")).expect("a skipped fragment");
        assert_eq!((d.offset, d.text.get("why")), (25 + 13, Some("@diag.dtls.why.retransmission")));
    }
}
