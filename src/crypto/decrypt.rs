//! Decrypting TLS 1.3 (traffic secrets) and TLS 1.0–1.2 (master secret) connections with key
//! log secrets, as a part of the one walk of the connection (`tls::Opener`): each protected
//! record that opens with the direction's keys gives the walker its plaintext (inner content
//! type and content), which it walks at once as records placed right after the ciphertext they
//! came from, marked decrypted. Application data is opened (to prove the keys) but not kept.
//! After the walk both Finished messages are checked against the transcript.

use crate::input::keylog::Entry;
use super::recompute;
use super::tls13::{self, Hash, Suite, TrafficKeys};
use crate::code::{ct, ht, CipherSuite, ContentType, HandshakeType};
use crate::input::Capture;
use crate::model::{Dir, KeyGen, KeyValue, NoteSeverity, TextRef};
use crate::reader::{first_line, hexs};
use crate::tls::record::RawRecord;
use crate::tls::{Facts, OffsetMap, Opened, TlsConnection};

/// The TLS 1.3 secrets of one connection, from the key log.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    pub client_early: Option<Vec<u8>>,
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_app: Option<Vec<u8>>,
    pub server_app: Option<Vec<u8>>,
}

impl Secrets {
    pub fn find(entries: &[Entry], random: &[u8]) -> Secrets {
        let get = |label: &str| entries.iter().find(|e| e.label == label && e.key == random).map(|e| e.secret.clone());
        Secrets {
            client_early: get("CLIENT_EARLY_TRAFFIC_SECRET"),
            client_handshake: get("CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
            server_handshake: get("SERVER_HANDSHAKE_TRAFFIC_SECRET"),
            client_app: get("CLIENT_TRAFFIC_SECRET_0"),
            server_app: get("SERVER_TRAFFIC_SECRET_0"),
        }
    }

    fn any(&self) -> bool {
        self.client_early.is_some() || self.client_handshake.is_some() || self.server_handshake.is_some() || self.client_app.is_some() || self.server_app.is_some()
    }
}

struct Epoch {
    /// Key schedule name ("client_handshake_traffic") and where the secret came from.
    name: String,
    source: String,
    secret: Vec<u8>,
    keys: TrafficKeys,
    /// Records opened with these keys, and what they held.
    opened: usize,
    protects: Vec<String>,
    app_records: usize,
    /// Which secret of RFC 8446 §7.1 this is (application secrets can be updated by KeyUpdate),
    /// and its generation (0 unless updated).
    stage: Stage,
    generation: usize,
    /// After a KeyUpdate: the secret this one was derived from.
    parent: Option<Vec<u8>>,
    /// One record these keys opened, to decrypt again by hand: (sequence number, ciphertext
    /// with its tag, plaintext). The shortest among sequence numbers 1 to 3 (so that the nonce
    /// shows the XOR), else number 0.
    sample: Option<(u64, Vec<u8>, Vec<u8>)>,
    /// Whether a record opened with these keys yet (until then a failure says nothing about
    /// the sequence number: the record may belong to an epoch the key log lacks).
    used: bool,
}

struct DirState {
    epochs: Vec<Epoch>,
    at: usize,
    seq: u64,
}

impl DirState {
    /// `secrets`: (secret, its stage, schedule name, key log label).
    fn new(suite: Suite, secrets: &[(Option<&Vec<u8>>, Stage, &str, &str)]) -> DirState {
        let epochs = secrets
            .iter()
            .filter_map(|(s, stage, name, label)| s.map(|s| Epoch::new(name.to_string(), label.to_string(), s.clone(), suite, *stage)))
            .collect();
        DirState { epochs, at: 0, seq: 0 }
    }

    /// Open the next protected record: with the current keys, else with the next epoch's
    /// (from sequence number 0), else after a KeyUpdate of the application secret.
    fn open(&mut self, suite: Suite, header: &[u8], body: &[u8]) -> Option<Vec<u8>> {
        for e in self.at..self.epochs.len() {
            let seq = if e == self.at { self.seq } else { 0 };
            if let Some(p) = tls13::open(suite, &self.epochs[e].keys, seq, header, body) {
                self.at = e;
                self.seq = seq + 1;
                let ep = &mut self.epochs[e];
                ep.used = true;
                let better = match &ep.sample {
                    None => true,
                    Some((s, b, _)) => seq <= 3 && seq > 0 && (*s == 0 || body.len() < b.len()),
                };
                if better {
                    ep.sample = Some((seq, body.to_vec(), p.clone()));
                }
                return Some(p);
            }
        }
        let cur = self.epochs.get(self.at)?;
        if cur.stage == Stage::Application {
            let secret = tls13::next_secret(suite.hash, &cur.secret);
            let keys = tls13::traffic_keys(suite, &secret);
            if let Some(p) = tls13::open(suite, &keys, 0, header, body) {
                let generation = cur.generation + 1;
                let name = format!("{}{generation}", cur.name.trim_end_matches(char::is_numeric));
                let mut e = Epoch::new(name, format!("KeyUpdate: HKDF-Expand-Label({}, \"traffic upd\", \"\", {})", cur.name, suite.hash.len()), secret, suite, Stage::Application);
                e.generation = generation;
                e.parent = Some(cur.secret.clone());
                e.keys = keys;
                e.used = true;
                self.epochs.push(e);
                self.at = self.epochs.len() - 1;
                self.seq = 1;
                return Some(p);
            }
        }
        if self.epochs.get(self.at).is_some_and(|e| e.used) {
            self.seq += 1;
        }
        None
    }
}

impl Epoch {
    fn new(name: String, source: String, secret: Vec<u8>, suite: Suite, stage: Stage) -> Epoch {
        let keys = tls13::traffic_keys(suite, &secret);
        Epoch { name, source, secret, keys, opened: 0, protects: Vec::new(), app_records: 0, stage, generation: 0, parent: None, sample: None, used: false }
    }

    /// Note what one opened record held (its inner content type and content).
    fn record(&mut self, t: ContentType, content: &[u8]) {
        self.opened += 1;
        match t {
            ct::HANDSHAKE => self.protects.extend(handshake_names(content)),
            ct::ALERT => self.protects.push("Alert".into()),
            ct::APPLICATION_DATA => self.app_records += 1,
            _ => {}
        }
    }

    /// `psk`: the handshake used a PSK, with (Some(true)) or without (Some(false)) (EC)DHE.
    /// `early_offered`: the ClientHello offered early_data (else early keys protect nothing).
    /// `finished`: this side's Finished as checked, for the handshake keys' rows.
    fn key_gen(&self, suite: Suite, dir: Dir, psk: Option<bool>, early_offered: bool, finished: Option<&Checked>) -> KeyGen {
        let (n, h) = (suite.key_len(), suite.hash.len());
        let mut values = vec![
            // A KeyUpdate's secret comes from the one before it; the others are the key log's.
            KeyValue { name: "secret".into(), hex: hexs(&self.secret), formula: self.source.clone(), command: self.parent.as_ref().map(|p| recompute::expand_label(suite.hash, p, "traffic upd", &[], h)), ..Default::default() },
            KeyValue { name: "key".into(), hex: hexs(&self.keys.key), formula: format!("HKDF-Expand-Label(secret, \"key\", \"\", {n})"), command: Some(recompute::expand_label(suite.hash, &self.secret, "key", &[], n)), ..Default::default() },
            KeyValue { name: "iv".into(), hex: hexs(&self.keys.iv), formula: "HKDF-Expand-Label(secret, \"iv\", \"\", 12)".into(), command: Some(recompute::expand_label(suite.hash, &self.secret, "iv", &[], 12)), ..Default::default() },
        ];
        let fk = (self.stage == Stage::Handshake).then(|| tls13::expand_label(suite.hash, &self.secret, "finished", &[], h));
        if let Some(fk) = &fk {
            values.push(KeyValue { name: "finished_key".into(), hex: hexs(fk), formula: format!("HKDF-Expand-Label(secret, \"finished\", \"\", {h})"), command: Some(recompute::expand_label(suite.hash, &self.secret, "finished", &[], h)), ..Default::default() });
        }
        if let Some((seq, body, plain)) = &self.sample {
            // Decrypt it again by hand: the nonce (RFC 8446 §5.3) and the plaintext
            // (TLSInnerPlaintext, §5.2) from the ciphertext without its tag.
            let (tag, stream) = suite.aead.parts();
            let n = super::prim::nonce(&self.keys.iv, *seq);
            let record = |key: &str| Some(TextRef::new(key).arg("n", seq.to_string()));
            values.push(KeyValue { hex: hexs(&n), formula: format!("iv ⊕ {seq:024x} (seq = {seq}; RFC 8446 §5.3)"), name_ref: record("word.key.nonce"), ..Default::default() });
            let ct = &body[..body.len().saturating_sub(tag)];
            values.push(KeyValue {
                hex: hexs(plain),
                command: Some(recompute::open_record(stream, &self.keys.key, &n, ct)),
                name_ref: record("word.key.plaintext"),
                formula_ref: Some(TextRef::new("word.key.open13").arg("ct", ct.len().to_string()).arg("tag", tag.to_string()).arg("type", plain.iter().rev().find(|&&b| b != 0).copied().unwrap_or(0).to_string())),
                ..Default::default()
            });
        }
        if let (Some(c), Some(fk)) = (finished, &fk) {
            values.extend(finished_rows13(c, fk, suite.hash));
        }
        let kind = match (self.stage, psk, self.generation) {
            (Stage::Early, _, _) if !early_offered => "early.unused",
            (Stage::Early, _, _) => "early",
            (Stage::Handshake, Some(true), _) => "handshake.psk_dhe",
            (Stage::Handshake, Some(false), _) => "handshake.psk_ke",
            (Stage::Handshake, None, _) => "handshake",
            // What each side sends after its Finished differs (only the server sends tickets).
            (Stage::Application, _, 0) if dir == Dir::C2S => "application.c2s",
            (Stage::Application, _, 0) => "application.s2c",
            (Stage::Application, _, _) => "update",
        };
        let mut protects = self.protects.clone();
        if self.app_records > 0 {
            protects.push(format!("ApplicationData ×{}", self.app_records));
        }
        KeyGen {
            name: self.name.clone(),
            dir: Some(dir),
            source: self.source.clone(),
            values,
            protects,
            records: self.opened,
            text: String::new(),
            text_ref: TextRef::new(format!("field.keys.{kind}")),
        }
    }
}

/// Names of the handshake messages in decrypted handshake content.
fn handshake_names(content: &[u8]) -> Vec<String> {
    crate::tls::certcomp::split_messages(content).into_iter().filter(|m| m.len() >= 4).map(|m| crate::registry::handshake_name(m[0])).collect()
}


/// Decryption as a part of the walk (`tls::Opener`): once the hellos say which connection this
/// is and the key log has its secrets, each protected record is opened as the walker meets it,
/// and its handshake messages and alerts are walked right after it. `finish` then tells the
/// outcome, the key schedule, and checks both Finished messages.
pub struct Decryptor<'k> {
    entries: &'k [Entry],
    state: State,
    /// TLS 1.3 early data can come before the ServerHello that says which suite protects it:
    /// the client's protected records are kept until then.
    early: Vec<RawRecord>,
    notes: Vec<(NoteSeverity, TextRef)>,
    opened: usize,
    failed: usize,
    handshake: usize,
    app: [(u64, Option<String>); 2],
    /// (record offset, plaintext length) of the application data opened.
    app_plain: Vec<(usize, usize)>,
    /// The same for TLS 1.3 records that held handshake bytes.
    hs_plain: Vec<(usize, usize)>,
}

enum State {
    /// The hellos have not said yet.
    Waiting,
    /// Not decryptable with this key log (or the suite is not supported: the notes say so).
    Off,
    Tls13(Box<Tls13>),
    Tls12(Box<Tls12>),
}

struct Tls13 {
    suite: Suite,
    suite_id: CipherSuite,
    secrets: Secrets,
    client: DirState,
    server: DirState,
    early_app: (u64, Option<String>),
    /// The handshake used a PSK with (Some(true)) or without (Some(false)) (EC)DHE; the
    /// ClientHello offered early data.
    psk: Option<bool>,
    early_offered: bool,
}

struct Tls12 {
    version: u16,
    suite: super::tls12::Suite,
    suite_id: CipherSuite,
    master: Vec<u8>,
    keys: [super::tls12::DirKeys; 2],
    etm: bool,
    ems: bool,
    resumed: bool,
    /// Per direction: keys active (after its CCS), sequence number, TLS 1.0 CBC chain IV, CCS seen.
    st: [(bool, u64, Vec<u8>, usize); 2],
    /// What each direction's keys opened: (records, handshake message names, application records).
    opened_by: [(usize, Vec<String>, usize); 2],
    /// server_random + client_random, the key block's seed.
    seed: Vec<u8>,
    /// Per direction, one record to decrypt again by hand (as `Epoch::sample`): (sequence
    /// number, record body, plaintext).
    samples: [Option<(u64, Vec<u8>, Vec<u8>)>; 2],
    /// The ServerHello's version as sent (DTLS 1.2 is 0xfefd; `version` is its TLS equivalent).
    wire: u16,
}

impl<'k> Decryptor<'k> {
    pub fn new(entries: &'k [Entry]) -> Self {
        Decryptor { entries, state: State::Waiting, early: Vec::new(), notes: Vec::new(), opened: 0, failed: 0, handshake: 0, app: [(0, None), (0, None)], app_plain: Vec::new(), hs_plain: Vec::new() }
    }

    /// Decide, once the ServerHello is known, whether and how this connection can be opened.
    fn start(&mut self, f: &Facts) -> State {
        let Some(ch) = f.client_hello.as_ref() else { return State::Off };
        let Some(sh) = f.server_hello.as_ref() else { return State::Off };
        if f.is_tls13() {
            if ch.random.is_empty() {
                return State::Off;
            }
            let secrets = Secrets::find(self.entries, &ch.random);
            if !secrets.any() {
                return State::Off;
            }
            let Some(suite_id) = f.suite() else { return State::Off };
            let Some(suite) = Suite::from_id(suite_id) else {
                self.notes.push((NoteSeverity::Info, TextRef::new("note.decrypt.unsupported").arg("suite", suite_id.name())));
                return State::Off;
            };
            let client = DirState::new(
                suite,
                &[
                    (secrets.client_early.as_ref(), Stage::Early, "client_early_traffic", "CLIENT_EARLY_TRAFFIC_SECRET"),
                    (secrets.client_handshake.as_ref(), Stage::Handshake, "client_handshake_traffic", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
                    (secrets.client_app.as_ref(), Stage::Application, "client_application_traffic_0", "CLIENT_TRAFFIC_SECRET_0"),
                ],
            );
            let server = DirState::new(
                suite,
                &[
                    (secrets.server_handshake.as_ref(), Stage::Handshake, "server_handshake_traffic", "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
                    (secrets.server_app.as_ref(), Stage::Application, "server_application_traffic_0", "SERVER_TRAFFIC_SECRET_0"),
                ],
            );
            let psk = Some(sh).filter(|sh| sh.psk_selected).map(|sh| sh.key_share_group.is_some());
            let early_offered = ch.ext.types.contains(&crate::registry::ext::EARLY_DATA);
            return State::Tls13(Box::new(Tls13 { suite, suite_id, secrets, client, server, early_app: (0, None), psk, early_offered }));
        }
        use super::tls12 as t12;
        // DTLS 1.2 and 1.0 are TLS 1.2 and 1.1 over datagrams: the same PRF, key block and
        // record protection, with the epoch and sequence number in the record (RFC 6347 §4.1.2.1).
        let wire = sh.version();
        let version = match wire {
            0xfefd => 0x0303,
            0xfeff => 0x0302,
            v => v,
        };
        if !(0x0301..=0x0303).contains(&version) || ch.random.len() != 32 || sh.random.len() != 32 {
            return State::Off;
        }
        let Some(master) = self.entries.iter().find(|e| e.label == "CLIENT_RANDOM" && e.key == ch.random).map(|e| e.secret.clone()) else { return State::Off };
        let suite_id = sh.cipher_suite;
        let Some(suite) = t12::Suite::from_id(suite_id) else {
            self.notes.push((NoteSeverity::Info, TextRef::new("note.decrypt.unsupported").arg("suite", suite_id.name())));
            return State::Off;
        };
        let etm = sh.extensions.contains(&crate::registry::ext::ENCRYPT_THEN_MAC) && matches!(suite.cipher, t12::Cipher::AesCbc(_));
        // How the key log's master secret was made: with extended_master_secret from the session
        // hash (RFC 7627 §4), else from the two randoms only.
        let ems = sh.extensions.contains(&crate::registry::ext::EXTENDED_MASTER_SECRET) && ch.ext.types.contains(&crate::registry::ext::EXTENDED_MASTER_SECRET);
        // Whether the server resumed is known by the first protected record (its CCS right after
        // the ServerHello, RFC 5246 §7.3): `record` updates it until then.
        let resumed = f.resumed;
        let (ck, sk) = t12::key_block(version, suite, &master, &ch.random, &sh.random);
        let st = [(false, 0u64, ck.iv.clone(), 0usize), (false, 0u64, sk.iv.clone(), 0usize)];
        let seed = [sh.random.as_slice(), ch.random.as_slice()].concat();
        State::Tls12(Box::new(Tls12 { version, suite, suite_id, master, keys: [ck, sk], etm, ems, resumed, st, opened_by: Default::default(), seed, samples: [None, None], wire }))
    }

    /// Open one record of a TLS 1.3 connection.
    fn open13(&mut self, r: &RawRecord) -> Option<Opened> {
        let State::Tls13(t) = &mut self.state else { return None };
        if r.content_type != ct::APPLICATION_DATA || r.truncated || r.decrypted {
            return None;
        }
        let dir = r.dir?;
        let st = if dir == Dir::C2S { &mut t.client } else { &mut t.server };
        let header = [ct::APPLICATION_DATA.0, (r.version >> 8) as u8, r.version as u8, (r.length >> 8) as u8, r.length as u8];
        let Some(plain) = st.open(t.suite, &header, &r.payload) else {
            self.failed += 1;
            return None;
        };
        self.opened += 1;
        let (inner, content) = tls13::inner(&plain)?;
        let at = st.at;
        st.epochs[at].record(inner, content);
        match inner {
            ct::HANDSHAKE | ct::ALERT if !content.is_empty() => {
                if inner == ct::HANDSHAKE {
                    self.handshake += 1;
                    self.hs_plain.push((r.header.offset, content.len()));
                }
                Some(Opened { at: r.span().end(), dir, content_type: inner, content: content.to_vec() })
            }
            ct::APPLICATION_DATA => {
                self.app_plain.push((r.header.offset, content.len()));
                // 0-RTT data is told apart: a rejected attempt is sent again after the
                // handshake, and counting both would double the client's bytes.
                let a = if st.epochs[at].stage == Stage::Early { &mut t.early_app } else { &mut self.app[if dir == Dir::C2S { 0 } else { 1 }] };
                a.0 += content.len() as u64;
                a.1.get_or_insert_with(|| first_line(content));
                None
            }
            _ => None,
        }
    }

    /// Open one record of a TLS 1.0–1.2 connection: records after each side's ChangeCipherSpec
    /// with the key block's keys.
    fn open12(&mut self, r: &RawRecord) -> Option<Opened> {
        let State::Tls12(t) = &mut self.state else { return None };
        if r.truncated || r.decrypted {
            return None;
        }
        let dir = r.dir?;
        let i = if dir == Dir::C2S { 0 } else { 1 };
        let (active, seq, chain, ccs) = &mut t.st[i];
        // DTLS: the record says its epoch and sequence number; epoch 0 is plaintext, epoch 1 the
        // keys of this handshake, and the MAC and nonce take epoch ‖ sequence number as the
        // 64-bit sequence number (RFC 6347 §4.1, §4.1.2.1). Retransmitted or reordered records
        // open all the same.
        if let Some((epoch, rs)) = r.dtls {
            if epoch != 1 || r.content_type == ct::CHANGE_CIPHER_SPEC {
                return None;
            }
            *active = true;
            *seq = (1u64 << 48) | rs;
        }
        if r.content_type == ct::CHANGE_CIPHER_SPEC {
            // A second CCS (renegotiation) brings keys this key log line does not give.
            *ccs += 1;
            *active = *ccs == 1;
            *seq = 0;
            return None;
        }
        if !*active || !matches!(r.content_type, ct::ALERT | ct::HANDSHAKE | ct::APPLICATION_DATA) {
            return None;
        }
        let plain = super::tls12::open(t.suite, &t.keys[i], *seq, r.content_type.0, r.version, &r.payload, t.etm, chain);
        *seq += 1;
        let Some(content) = plain else {
            self.failed += 1;
            return None;
        };
        let n = *seq - 1;
        // (DTLS: the sequence number within the epoch.)
        let low = |x: u64| x & 0xffff_ffff_ffff;
        let better = match &t.samples[i] {
            None => true,
            Some((s, b, _)) => low(n) <= 3 && low(n) > 0 && (low(*s) == 0 || r.payload.len() < b.len()),
        };
        if better {
            t.samples[i] = Some((n, r.payload.to_vec(), content.clone()));
        }
        self.opened += 1;
        t.opened_by[i].0 += 1;
        match r.content_type {
            ct::HANDSHAKE => t.opened_by[i].1.extend(handshake_names(&content)),
            ct::ALERT => t.opened_by[i].1.push("Alert".into()),
            _ => t.opened_by[i].2 += 1,
        }
        match r.content_type {
            ct::ALERT | ct::HANDSHAKE if !content.is_empty() => {
                if r.content_type == ct::HANDSHAKE {
                    self.handshake += 1;
                }
                Some(Opened { at: r.span().end(), dir, content_type: r.content_type, content })
            }
            ct::APPLICATION_DATA => {
                self.app_plain.push((r.header.offset, content.len()));
                self.app[i].0 += content.len() as u64;
                if !content.is_empty() {
                    self.app[i].1.get_or_insert_with(|| first_line(&content));
                }
                None
            }
            _ => None,
        }
    }

    fn open(&mut self, r: &RawRecord) -> Option<Opened> {
        match self.state {
            State::Tls13(_) => self.open13(r),
            State::Tls12(_) => self.open12(r),
            _ => None,
        }
    }

    /// After the walk (`tls` and `cap` as the reader sees them, `map` from walked offsets to
    /// theirs): the notes on what opened (before the walk's own), the key schedule and the
    /// application data's plaintext lengths go to `tls`, both Finished messages checked.
    pub fn finish(self, tls: &mut TlsConnection, cap: &Capture, map: &OffsetMap) {
        let mut notes = self.finish_notes(tls, cap, map);
        notes.append(&mut tls.notes);
        tls.notes = notes;
    }

    fn finish_notes(self, tls: &mut TlsConnection, cap: &Capture, map: &OffsetMap) -> Vec<(NoteSeverity, TextRef)> {
        let mut notes = self.notes;
        if self.opened == 0 && self.failed == 0 {
            return notes;
        }
        tls.app_plain = self.app_plain.iter().map(|&(o, l)| (map.at(o), l)).collect();
        tls.hs_plain = self.hs_plain.iter().map(|&(o, l)| (map.at(o), l)).collect();
        match self.state {
            State::Tls13(t) => {
                outcome_notes(&mut notes, TextRef::new("note.decrypt.ok"), self.opened, self.failed, self.handshake, &self.app, t.suite_id);
                if t.early_app.0 > 0 {
                    let first = t.early_app.1.clone().unwrap_or_else(|| "—".into());
                    notes.push((NoteSeverity::Info, TextRef::new("note.decrypt.early_data").arg("n", t.early_app.0.to_string()).arg("first", first)));
                }
                let checked = if self.failed == 0 {
                    verify_finished_in(&tls.messages, tls.facts.hello_retry, cap, &t.secrets, t.suite.hash, &mut notes)
                } else {
                    notes.push((NoteSeverity::Info, TextRef::new("note.finished.unchecked")));
                    Vec::new()
                };
                // Key schedule order (RFC 8446 §7.1): early, handshake, then application
                // generations; the client first within each.
                let mut epochs: Vec<(&Epoch, Dir)> = [(&t.client, Dir::C2S), (&t.server, Dir::S2C)].iter().flat_map(|(st, d)| st.epochs.iter().map(move |e| (e, *d))).collect();
                crate::reader::sort_by_u64(&mut epochs, |(e, d)| (e.stage as u64) << 40 | (e.generation as u64) << 1 | (*d == Dir::S2C) as u64);
                tls.key_schedule = epochs.into_iter().map(|(e, d)| e.key_gen(t.suite, d, t.psk, t.early_offered, checked.iter().find(|c| c.dir == d))).collect();
            }
            State::Tls12(t) => {
                use super::tls12 as t12;
                let key = match (t.ems, t.resumed) {
                    (true, false) => "note.decrypt12.ems",
                    (false, false) => "note.decrypt12.no_ems",
                    (true, true) => "note.decrypt12.ems.resumed",
                    (false, true) => "note.decrypt12.no_ems.resumed",
                };
                notes.push((NoteSeverity::Info, TextRef::new(key)));
                // The PRF and the section that define the key block, by version (RFC 2246 §5, §6.3).
                let (prf, rfc) = match t.version {
                    v if v < 0x0302 => ("P_MD5 ⊕ P_SHA-1", "RFC 2246 §5, §6.3"),
                    0x0302 => ("P_MD5 ⊕ P_SHA-1", "RFC 4346 §5, §6.3"),
                    _ => (if t.suite.prf == t12::MacHash::Sha384 { "P_SHA384" } else { "P_SHA256" }, "RFC 5246 §5, §6.3"),
                };
                outcome_notes(&mut notes, TextRef::new("note.decrypt12.ok").arg("prf", prf).arg("rfc", rfc), self.opened, self.failed, self.handshake, &self.app, t.suite_id);
                let checked = if self.failed == 0 {
                    verify_finished12(&tls.messages, cap, &t, &mut notes)
                } else {
                    notes.push((NoteSeverity::Info, TextRef::new("note.finished.unchecked")));
                    Vec::new()
                };
                tls.key_schedule = key_schedule12(&t, &checked);
            }
            _ => {}
        }
        notes
    }
}

impl crate::tls::Opener for Decryptor<'_> {
    fn record(&mut self, r: &RawRecord, facts: &Facts, out: &mut Vec<Opened>) {
        if matches!(self.state, State::Waiting) {
            if facts.server_hello.is_none() {
                // Perhaps 0-RTT data: kept until the ServerHello says how it is protected.
                if r.content_type == ct::APPLICATION_DATA && r.dir == Some(Dir::C2S) {
                    self.early.push(r.clone());
                }
                return;
            }
            self.state = self.start(facts);
            for e in std::mem::take(&mut self.early) {
                out.extend(self.open(&e));
            }
        }
        if let State::Tls12(t) = &mut self.state {
            if self.opened + self.failed == 0 {
                t.resumed = facts.resumed;
            }
        }
        out.extend(self.open(r));
    }
}

/// Which traffic secret of RFC 8446 §7.1 an epoch's keys come from (in schedule order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Early,
    Handshake,
    Application,
}

/// The notes every decryption gives: how many records opened (and with what), how many did
/// not, and what the application data starts with.
/// `ok`: the note for the records that opened (its own arguments beside n, handshake, suite).
fn outcome_notes(notes: &mut Vec<(NoteSeverity, TextRef)>, ok: TextRef, opened: usize, failed: usize, handshake: usize, app: &[(u64, Option<String>); 2], suite_id: CipherSuite) {
    if opened > 0 {
        notes.push((NoteSeverity::Info, ok.arg("n", opened.to_string()).arg("handshake", handshake.to_string()).arg("suite", suite_id.name())));
    }
    if failed > 0 {
        let key = if opened == 0 { "note.decrypt.wrong_keys" } else { "note.decrypt.some_failed" };
        notes.push((NoteSeverity::Warning, TextRef::new(key).arg("n", failed.to_string())));
    }
    if app[0].0 + app[1].0 > 0 {
        notes.push((
            NoteSeverity::Info,
            // One side may have sent nothing: say so instead of quoting nothing.
            TextRef::new(match (app[0].0, app[1].0) {
                (_, 0) => "note.decrypt.app_data.c2s_only",
                (0, _) => "note.decrypt.app_data.s2c_only",
                _ => "note.decrypt.app_data",
            })
                .arg("c2s", app[0].0.to_string())
                .arg("s2c", app[1].0.to_string())
                .arg("c2s_first", app[0].1.clone().unwrap_or_else(|| "—".into()))
                .arg("s2c_first", app[1].1.clone().unwrap_or_else(|| "—".into())),
        ));
    }
}

/// TLS 1.0–1.2: both Finished messages against the PRF of the transcript (RFC 5246 §7.4.9).
/// What a Finished was checked against: the handshake messages before it, their hash, and the
/// verify_data they give (for the key schedule's commands).
struct Checked {
    dir: Dir,
    transcript: Vec<u8>,
    hash: Vec<u8>,
    verify_data: Vec<u8>,
}

fn verify_finished12(messages: &[crate::model::Message], cap: &Capture, t: &Tls12, notes: &mut Vec<(NoteSeverity, TextRef)>) -> Vec<Checked> {
    use super::tls12 as t12;
    let mut checked = Vec::new();
    let mut transcript = Vec::new();
    // A Certificate decompressed from a CompressedCertificate was never sent.
    let inflated = |m: &crate::model::Message| cap.inflated.iter().any(|&(o, l)| (o..o + l).contains(&m.span.offset));
    // DTLS (RFC 6347 §4.2.6): the ClientHello a HelloVerifyRequest answered and the
    // HelloVerifyRequest are left out, and each message counts as one unfragmented fragment.
    let hvr = messages.iter().rposition(|m| m.msg_type == Some(ht::HELLO_VERIFY_REQUEST));
    for (k, m) in messages.iter().enumerate().filter(|(_, m)| m.content_type == ct::HANDSHAKE && !m.encrypted && m.msg_type != Some(ht::HELLO_REQUEST) && !inflated(m)) {
        if hvr.is_some_and(|h| k <= h) {
            continue;
        }
        let mut bytes = m.bytes(&cap.data);
        if let (Some(seq), Some(len)) = (m.dtls_seq, bytes.get(1..4).map(<[u8]>::to_vec)) {
            // type, length, message_seq, fragment_offset 0, fragment_length = length, body.
            let body = bytes.split_off(4);
            bytes.extend_from_slice(&seq.to_be_bytes());
            bytes.extend_from_slice(&[0, 0, 0]);
            bytes.extend_from_slice(&len);
            bytes.extend_from_slice(&body);
        }
        if m.msg_type == Some(ht::FINISHED) && m.decrypted {
            let client = m.dir == Some(Dir::C2S);
            let want = t12::verify_data(t.version, t.suite.prf, &t.master, client, &transcript);
            let ok = bytes.get(if m.dtls_seq.is_some() { 12 } else { 4 }..) == Some(&want[..]);
            // The first Finished of each side is computed by hand (a copy of the transcript for
            // each of thousands would grow as the square of the input).
            let dir = if client { Dir::C2S } else { Dir::S2C };
            if !checked.iter().any(|c: &Checked| c.dir == dir) {
                checked.push(Checked { dir, hash: t12::finished_hash(t.version, t.suite.prf, &transcript), transcript: transcript.clone(), verify_data: want.clone() });
            }
            let who = if client { "client" } else { "server" };
            let key = format!("note.finished12.{}.{who}", if ok { "ok" } else { "bad" });
            // The PRF's hash (RFC 5246 §7.4.9) or, before TLS 1.2, MD5 + SHA-1 (RFC 2246 §7.4.9).
            let hash = match (t.version < 0x0303, t.suite.prf) {
                (true, _) => "MD5(handshake_messages) + SHA-1(handshake_messages)",
                (_, t12::MacHash::Sha384) => "SHA-384(handshake_messages)",
                _ => "SHA-256(handshake_messages)",
            };
            let rfc = match t.version {
                v if v < 0x0302 => "RFC 2246 §7.4.9",
                0x0302 => "RFC 4346 §7.4.9",
                _ => "RFC 5246 §7.4.9",
            };
            notes.push((if ok { NoteSeverity::Info } else { NoteSeverity::Danger }, TextRef::new(key).arg("hash", hash).arg("rfc", rfc)));
        }
        transcript.extend_from_slice(&bytes);
    }
    checked
}

/// A side's Finished, computed again by hand: its transcript hash (the command hashes the
/// handshake messages it covers) and verify_data = HMAC(finished_key, transcript hash) (RFC 8446
/// §4.4.4), rows of that side's handshake traffic keys.
fn finished_rows13(c: &Checked, finished_key: &[u8], hash: Hash) -> [KeyValue; 2] {
    let dgst = match hash {
        Hash::Sha256 => "sha256",
        Hash::Sha384 => "sha384",
    };
    [
        KeyValue { name: "transcript_hash".into(), hex: hexs(&c.hash), formula_ref: Some(TextRef::new("word.key.transcript13").arg("n", c.transcript.len().to_string())), command: Some(recompute::digest(&[dgst], &c.transcript)), ..Default::default() },
        KeyValue { name: "verify_data".into(), hex: hexs(&c.verify_data), formula: "HMAC(finished_key, transcript_hash) (RFC 8446 §4.4.4)".into(), command: Some(recompute::hmac(hash, finished_key, &c.hash)), ..Default::default() },
    ]
}

/// The same for TLS 1.0–1.2: verify_data = PRF(master_secret, finished_label, Hash(handshake
/// messages))[0..12] (RFC 5246 §7.4.9), rows of that side's write keys.
fn finished_rows12(c: &Checked, t: &Tls12) -> [KeyValue; 2] {
    let label = if c.dir == Dir::C2S { "client finished" } else { "server finished" };
    // Before TLS 1.2 the hash is MD5 and SHA-1 side by side.
    let algos: &[&str] = match (t.version < 0x0303, t.suite.prf) {
        (true, _) => &["md5", "sha1"],
        (_, super::tls12::MacHash::Sha384) => &["sha384"],
        _ => &["sha256"],
    };
    // The section that defines it, by version (DTLS: which messages and headers, RFC 6347 §4.2.6).
    let rfc = match (t.wire, t.version) {
        (w, _) if w >= 0xfe00 => "RFC 6347 §4.2.6, RFC 5246 §7.4.9",
        (_, v) if v < 0x0302 => "RFC 2246 §7.4.9",
        (_, 0x0302) => "RFC 4346 §7.4.9",
        _ => "RFC 5246 §7.4.9",
    };
    let hash = if t.version < 0x0303 { "MD5(handshake_messages) ‖ SHA-1(handshake_messages)" } else { "Hash(handshake_messages)" };
    [
        KeyValue { name: "handshake_hash".into(), hex: hexs(&c.hash), formula: format!("{hash}, {} B ({rfc})", c.transcript.len()), command: Some(recompute::digest(algos, &c.transcript)), ..Default::default() },
        KeyValue { name: "verify_data".into(), hex: hexs(&c.verify_data), formula: format!("PRF(master_secret, \"{label}\", handshake_hash)[0..12] ({rfc})"), command: Some(recompute::prf(t.version, t.suite.prf, &t.master, label, &c.hash, 12)), ..Default::default() },
    ]
}

/// TLS 1.0–1.2 key schedule: the master secret from the key log, the key block from the PRF,
/// each direction's MAC key, key and IV (RFC 5246 §6.3, §8.1).
fn key_schedule12(t: &Tls12, checked: &[Checked]) -> Vec<KeyGen> {
    use super::tls12::MacHash;
    let (version, suite, master, ems, resumed) = (t.version, t.suite, t.master.as_slice(), t.ems, t.resumed);
    let keys = [&t.keys[0], &t.keys[1]];
    let opened = &t.opened_by;
    // The key block as RFC 5246 §6.3 lays it out: both MAC keys, both keys, both IVs (none for
    // TLS 1.1 and 1.2 CBC suites, whose records carry their own).
    let cbc = matches!(suite.cipher, super::tls12::Cipher::AesCbc(_));
    let block_iv = if cbc && version >= 0x0302 { 0 } else { suite.iv_len() };
    let ivs: [&[u8]; 2] = [&keys[0].iv[..block_iv.min(keys[0].iv.len())], &keys[1].iv[..block_iv.min(keys[1].iv.len())]];
    let block: Vec<u8> = [&keys[0].mac_key[..], &keys[1].mac_key, &keys[0].key, &keys[1].key, ivs[0], ivs[1]].iter().flat_map(|v| v.iter().copied()).collect();
    let block_cmd = recompute::prf(version, suite.prf, master, "key expansion", &t.seed, block.len());
    // Where each part lies in it, and the command that prints that part alone (`openssl kdf`
    // writes 3 characters a byte: "AB:").
    let (ml, kl, il) = (keys[0].mac_key.len(), keys[0].key.len(), ivs[0].len());
    let part = |name: String, hex: &[u8], at: usize| {
        let end = at + hex.len();
        KeyValue { name, hex: hexs(hex), formula: format!("key_block[{at}..{end}]"), command: Some(format!("{block_cmd} | cut -c{}-{}", 3 * at + 1, 3 * end - 1)), ..Default::default() }
    };
    let prf = match (version < 0x0303, suite.prf) {
        (true, _) => "PRF(MD5 ⊕ SHA-1)",
        (_, MacHash::Sha384) => "PRF(SHA-384)",
        _ => "PRF(SHA-256)",
    };
    // TLS 1.1 and 1.2 CBC records carry their own IV: the key block then holds none
    // (RFC 5246 §6.3, RFC 4346 §6.3); TLS 1.0 and AEAD suites take theirs from it (`block_iv`).
    let parts = match suite.cipher {
        super::tls12::Cipher::AesCbc(_) if version >= 0x0302 => "@field.keys.s.block.cbc",
        super::tls12::Cipher::AesCbc(_) => "@field.keys.s.block.cbc10",
        _ => "@field.keys.s.block.aead",
    };
    let mut out = vec![KeyGen {
        name: "master_secret".into(),
        dir: None,
        source: "CLIENT_RANDOM".into(),
        values: vec![
            KeyValue {
                name: "master_secret".into(),
                hex: hexs(master),
                // The key log's own: its pre_master_secret never leaves the two sides.
                command: None,
                // How it was made (RFC 7627 §4, RFC 5246 §8.1); the value is the key log's.
                formula: match (resumed, ems) {
                    (true, _) => String::new(),
                    (false, true) => format!("{prf}(pre_master_secret, \"extended master secret\", session_hash), session_hash = Hash(ClientHello … ClientKeyExchange) (CLIENT_RANDOM)"),
                    (false, false) => format!("{prf}(pre_master_secret, \"master secret\", client_random + server_random) (CLIENT_RANDOM)"),
                },
                formula_ref: resumed.then(|| TextRef::new("word.key.master_resumed")),
                ..Default::default()
            },
            KeyValue {
                name: "key_block".into(),
                hex: hexs(&block),
                command: Some(block_cmd.clone()),
                formula: format!("{prf}(master_secret, \"key expansion\", server_random + client_random)[0..{}], 2 × ({} + {} + {}) B", 2 * (suite.mac_len() + suite.key_len + block_iv), suite.mac_len(), suite.key_len, block_iv),
                ..Default::default()
            },
        ],
        protects: Vec::new(),
        records: 0,
        text: String::new(),
        text_ref: TextRef::new(match (resumed, ems) {
            (true, _) => "field.keys.master12.resumed",
            (false, true) => "field.keys.master12.ems",
            (false, false) => "field.keys.master12",
        })
        .arg("version", crate::registry::version_name(t.wire))
        .arg("spec", crate::registry::spec_rfc(Some(version)))
        .arg("s_parts", parts)
        .arg("mac", suite.mac_len().to_string())
        .arg("key", suite.key_len.to_string())
        .arg("iv", block_iv.to_string()),
    }];
    for (i, (k, side)) in keys.iter().zip(["client", "server"]).enumerate() {
        let mut values = Vec::new();
        if !k.mac_key.is_empty() {
            values.push(part(format!("{side}_write_MAC_key"), &k.mac_key, i * ml));
        }
        values.push(part(format!("{side}_write_key"), &k.key, 2 * ml + i * kl));
        if block_iv > 0 && !k.iv.is_empty() {
            values.push(part(format!("{side}_write_IV"), ivs[i], 2 * (ml + kl) + i * il));
        }
        // One record decrypted by hand (AEAD suites): its nonce and plaintext.
        if let Some((seq, body, plain)) = &t.samples[i] {
            if let Some((nonce, ct, stream)) = super::tls12::by_hand(suite, k, *seq, body) {
                // DTLS's seq_num is the epoch and the sequence number (RFC 6347 §4.1.2.1).
                let dtls = if t.wire >= 0xfe00 { "; seq_num = epoch ‖ sequence_number, RFC 6347 §4.1.2.1" } else { "" };
                let how = if stream == recompute::Stream::ChaCha20 { format!("{side}_write_IV ⊕ {seq:024x} (seq_num; RFC 7905 §2{dtls})") } else { format!("{side}_write_IV ‖ explicit_nonce {} (RFC 5288 §3)", hexs(&nonce[4..])) };
                // DTLS numbers a record by epoch and sequence number (RFC 6347 §4.1).
                let no = if seq >> 48 > 0 { format!("{}:{}", seq >> 48, seq & 0xffff_ffff_ffff) } else { seq.to_string() };
                let record = |key: &str| Some(TextRef::new(key).arg("n", no.clone()));
                values.push(KeyValue { hex: hexs(&nonce), formula: how, name_ref: record("word.key.nonce"), ..Default::default() });
                let tag = body.len() - ct.len() - if stream == recompute::Stream::ChaCha20 { 0 } else { 8 };
                let open = TextRef::new("word.key.open12").arg("side", side).arg("ct", ct.len().to_string()).arg("tag", tag.to_string()).arg("dtls", dtls);
                values.push(KeyValue { hex: hexs(plain), command: Some(recompute::open_record(stream, &k.key, &nonce, &ct)), name_ref: record("word.key.plaintext"), formula_ref: Some(open), ..Default::default() });
            }
        }
        let dir = if i == 0 { Dir::C2S } else { Dir::S2C };
        if let Some(c) = checked.iter().find(|c| c.dir == dir) {
            values.extend(finished_rows12(c, t));
        }
        let mut protects = opened[i].1.clone();
        if opened[i].2 > 0 {
            protects.push(format!("ApplicationData ×{}", opened[i].2));
        }
        out.push(KeyGen {
            name: format!("{side}_write"),
            dir: Some(if i == 0 { Dir::C2S } else { Dir::S2C }),
            source: "key_block".into(),
            values,
            protects,
            records: opened[i].0,
            text: String::new(),
            // An AEAD suite has no MAC key: its cipher authenticates (RFC 5246 §6.2.3.3).
            text_ref: TextRef::new(if k.mac_key.is_empty() { "field.keys.write12.aead" } else { "field.keys.write12" })
                .arg("mac", k.mac_key.len().to_string())
                .arg("key", k.key.len().to_string())
                // From TLS 1.1 on a CBC record carries its own IV: the key block's is unused.
                .arg("iv", if matches!(suite.cipher, super::tls12::Cipher::AesCbc(_)) && version >= 0x0302 { 0 } else { k.iv.len() }.to_string())
                .arg("s_iv", match suite.cipher {
                    super::tls12::Cipher::AesGcm | super::tls12::Cipher::AesCcm(_) => "@field.keys.s.iv_aead",
                    super::tls12::Cipher::ChaCha20Poly1305 => "@field.keys.s.iv_chacha",
                    super::tls12::Cipher::AesCbc(_) if version < 0x0302 => "@field.keys.s.iv_cbc10",
                    super::tls12::Cipher::AesCbc(_) => "@field.keys.s.iv_cbc",
                })
                .arg("rfc", match version {
                    v if v < 0x0302 => "RFC 2246 §6.3",
                    0x0302 => "RFC 4346 §6.3",
                    _ => "RFC 5246 §6.3",
                }),
        });
    }
    out
}


/// Check both Finished messages: verify_data must be HMAC(finished_key, Transcript-Hash of the
/// handshake messages before it), with the message_hash rule after a HelloRetryRequest
/// (RFC 8446 §4.4.1, §4.4.4).
/// QUIC: its packets were opened in the QUIC stage; the Finished messages their CRYPTO frames
/// carried are checked here, on the walked messages, with the key log's secrets for them.
pub fn verify_quic_finished(tls: &mut TlsConnection, cap: &Capture, entries: &[Entry]) {
    // After a Retry the client sends its ClientHello again, perhaps with a new random: the
    // secrets belong to the last one.
    let Some(suite) = tls.facts.suite().and_then(Suite::from_id) else { return };
    let mut secrets = Secrets::default();
    for r in [tls.facts.last_client_random.as_ref(), tls.facts.client_hello.as_ref().map(|ch| &ch.random)].into_iter().flatten() {
        if !secrets.any() {
            secrets = Secrets::find(entries, r);
        }
    }
    if !secrets.any() {
        return;
    }
    let mut notes = Vec::new();
    verify_finished_in(&tls.messages, tls.facts.hello_retry, cap, &secrets, suite.hash, &mut notes);
    tls.notes.extend(notes);
}

/// `verify_finished` on messages already walked (`hrr`: there was a HelloRetryRequest).
fn verify_finished_in(messages: &[crate::model::Message], hrr: bool, cap: &Capture, secrets: &Secrets, hash: Hash, notes: &mut Vec<(NoteSeverity, TextRef)>) -> Vec<Checked> {
    let mut checked = Vec::new();
    let mut transcript: Vec<u8> = Vec::new();
    let mut transcript_types: Vec<HandshakeType> = Vec::new();
    let mut first_hello = hrr;
    let mut server_done = false;
    // The client's Certificate and CertificateVerify after the server's Finished, which its
    // own Finished covers too (RFC 8446 §4.4.4).
    let (mut client_cert, mut client_cv) = (false, false);
    let hs: Vec<&crate::model::Message> = messages.iter().filter(|m| m.content_type == ct::HANDSHAKE && !m.encrypted).collect();
    // A QUIC client that got a Retry sends its ClientHello again: the transcript starts at the
    // last ClientHello before the server's first message (with an HRR, at the first one).
    let first_server = hs.iter().position(|m| m.dir == Some(Dir::S2C)).unwrap_or(hs.len());
    let start = if hrr { 0 } else { hs[..first_server].iter().rposition(|m| m.msg_type == Some(ht::CLIENT_HELLO)).unwrap_or(0) };
    for m in hs.into_iter().skip(start) {
        // After its Finished the server may already send NewSessionTicket (RFC 8446 §4.6.1):
        // not part of the client Finished's transcript.
        if server_done && m.dir == Some(Dir::S2C) {
            continue;
        }
        // A Certificate decompressed from CompressedCertificate was never sent: the transcript
        // holds the CompressedCertificate message as it was (RFC 8879 §4).
        if cap.inflated.iter().any(|&(o, l)| (o..o + l).contains(&m.span.offset)) {
            continue;
        }
        let bytes = m.bytes(&cap.data);
        if m.msg_type == Some(ht::FINISHED) {
            let (dir, who, secret) = match m.dir {
                Some(Dir::S2C) => (Dir::S2C, "server", &secrets.server_handshake),
                _ => (Dir::C2S, "client", &secrets.client_handshake),
            };
            if let Some(secret) = secret {
                let want = tls13::verify_data(hash, secret, &hash.digest(&transcript));
                let ok = bytes.get(4..) == Some(&want[..]);
                if !checked.iter().any(|c: &Checked| c.dir == dir) {
                    checked.push(Checked { dir, hash: hash.digest(&transcript), transcript: transcript.clone(), verify_data: want.clone() });
                }
                // With a PSK there is no CertificateVerify: the transcript ends with
                // EncryptedExtensions (RFC 8446 §4.4.4).
                let cv = transcript_types.contains(&ht::CERTIFICATE_VERIFY);
                let key = match (ok, dir, cv) {
                    (true, Dir::S2C, false) => "note.finished.ok.server.psk".to_string(),
                    // No CertificateVerify after the client's Certificate: it was empty (§4.4.3).
                    (true, Dir::C2S, _) if client_cert => format!("note.finished.ok.client.{}", if client_cv { "auth" } else { "auth_empty" }),
                    _ => format!("note.finished.{}.{who}", if ok { "ok" } else { "bad" }),
                };
                notes.push((if ok { NoteSeverity::Info } else { NoteSeverity::Danger }, TextRef::new(key)));
            }
            if m.dir == Some(Dir::C2S) {
                break;
            }
            server_done = true;
        }
        if let Some(t) = m.msg_type {
            transcript_types.push(t);
            if server_done && m.dir == Some(Dir::C2S) {
                client_cert |= t == ht::CERTIFICATE || t == ht::COMPRESSED_CERTIFICATE;
                client_cv |= t == ht::CERTIFICATE_VERIFY;
            }
        }
        if first_hello && m.msg_type == Some(ht::CLIENT_HELLO) {
            // ClientHello1 is replaced by a synthetic message_hash message.
            let h = hash.digest(&bytes);
            transcript.extend_from_slice(&[254, 0, 0, h.len() as u8]);
            transcript.extend_from_slice(&h);
            first_hello = false;
            continue;
        }
        transcript.extend_from_slice(&bytes);
    }
    checked
}
