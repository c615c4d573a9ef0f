//! Each step's capture time, against tshark 4.0's (issue 20). The expected values were read with
//!   tshark -r FILE -o tcp.calculate_timestamps:TRUE -T fields -e tcp.stream -e frame.number \
//!     -e tcp.time_relative -e tls.handshake.type
//! (and `udp.calculate_timestamps` / `udp.time_relative` for QUIC): the time since the first
//! frame of that TCP stream or UDP flow, which is what `time_us` counts from.

use tls_lens::{analyze, Options};

fn conn_times(path: &str, stream: usize) -> (Vec<(String, Option<i64>)>, Option<tls_lens::model::Timing>) {
    let bytes = std::fs::read(path).unwrap();
    let a = analyze(&bytes, &Options::default());
    let c = a.connections.iter().find(|c| c.tcp_stream.or(c.udp_stream) == Some(stream)).unwrap();
    (c.messages.iter().map(|m| (m.name.clone(), m.time_us)).collect(), c.summary.timing.clone())
}

fn time_of(steps: &[(String, Option<i64>)], name: &str, nth: usize) -> i64 {
    steps.iter().filter(|s| s.0 == name).nth(nth).and_then(|s| s.1).unwrap_or_else(|| panic!("{name} #{nth} has no time: {steps:?}"))
}

/// tls12-ecdhe-rsa.pcap (a classic pcap, microseconds): frames 4 (ClientHello, 0.002508),
/// 6 (ServerHello .. ServerHelloDone, 0.004331), 8 (ClientKeyExchange, CCS, Finished, 0.006077),
/// 9 (the server's CCS and Finished, 0.006448), 14 (the alert, 3.001117).
#[test]
fn a_pcap_gives_each_step_its_frame_time() {
    let (steps, timing) = conn_times("tests/data/tls12-ecdhe-rsa.pcap", 0);
    assert_eq!(time_of(&steps, "ClientHello", 0), 2508);
    for m in ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone"] {
        assert_eq!(time_of(&steps, m, 0), 4331, "{m}");
    }
    assert_eq!(time_of(&steps, "ClientKeyExchange", 0), 6077);
    assert_eq!(time_of(&steps, "Finished", 0), 6077);
    assert_eq!(time_of(&steps, "Finished", 1), 6448);
    assert_eq!(time_of(&steps, "Alert", 0), 3001117);
    // ClientHello -> ServerHello 4.331 - 2.508; -> the server's Finished 6.448 - 2.508.
    let t = timing.unwrap();
    assert_eq!((t.server_hello_us, t.finished_us), (Some(1823), Some(3940)));
}

/// tls13-hrr.pcapng (pcapng, microsecond resolution): the first ClientHello in frame 4
/// (0.000454), the HelloRetryRequest in 6 (0.000983), the second ClientHello in 8 (0.001992), the
/// server's flight in 9 (0.004281), the client's Finished in 10 (0.006777).
#[test]
fn a_pcapng_hello_retry_handshake() {
    let (steps, timing) = conn_times("www/samples/tls13-hrr.pcapng", 0);
    assert_eq!(time_of(&steps, "ClientHello", 0), 454);
    assert_eq!(time_of(&steps, "HelloRetryRequest", 0), 983);
    assert_eq!(time_of(&steps, "ClientHello", 1), 1992);
    assert_eq!(time_of(&steps, "ServerHello", 0), 4281);
    assert_eq!(time_of(&steps, "Finished", 1), 6777);
    // The server's first answer is the HelloRetryRequest.
    let t = timing.unwrap();
    assert_eq!((t.server_hello_us, t.finished_us), (Some(529), Some(6323)));
}

/// latest.pcapng (the JA4 corpus), tcp.stream 3, whose first frame is not the file's:
/// ClientHello in frame 75 (tcp.time_relative 0.015090), ServerHello in 78 (0.022691), the
/// certificate flight in 81 (0.025638), ClientKeyExchange in 82 (0.028084), NewSessionTicket
/// in 84 (0.036083).
#[test]
fn times_count_from_the_connections_first_packet() {
    let (steps, _) = conn_times("tests/data/corpus/ja4/pcap/latest.pcapng", 3);
    assert_eq!(time_of(&steps, "ClientHello", 0), 15090);
    assert_eq!(time_of(&steps, "ServerHello", 0), 22691);
    assert_eq!(time_of(&steps, "Certificate", 0), 25638);
    assert_eq!(time_of(&steps, "ClientKeyExchange", 0), 28084);
    assert_eq!(time_of(&steps, "NewSessionTicket", 0), 36083);
}

/// quic-illustrated.pcapng, udp.stream 0: the client's Initial in frame 1 (0), the server's
/// Initial and Handshake packets in frame 2 (udp.time_relative 0.054534), frame 3 (0.054614).
#[test]
fn quic_packets_and_their_messages_have_times() {
    let (steps, timing) = conn_times("www/samples/quic-illustrated.pcapng", 0);
    assert_eq!(time_of(&steps, "QUIC Initial", 0), 0);
    assert_eq!(time_of(&steps, "ClientHello", 0), 0);
    assert_eq!(time_of(&steps, "QUIC Initial", 1), 54534);
    assert_eq!(time_of(&steps, "ServerHello", 0), 54534);
    assert_eq!(time_of(&steps, "QUIC Handshake", 1), 54614);
    assert_eq!(timing.unwrap().server_hello_us, Some(54534));
}

/// Input without capture times (hex) has none: no made-up zeros.
#[test]
fn hex_input_has_no_times() {
    let bytes = std::fs::read("www/samples/tls12-ecdhe-rsa.hex").unwrap();
    let a = analyze(&bytes, &Options::default());
    let c = &a.connections[0];
    assert!(c.messages.iter().all(|m| m.time_us.is_none()));
    assert!(c.summary.timing.is_none());
}
