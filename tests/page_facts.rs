//! Facts the page must know before the core has read an input, kept equal to the core's.

/// www/worker-client.js's CAPTURE_MAGICS are src/wire.rs's pcap and pcapng magic numbers.
#[test]
fn the_page_knows_capture_files_by_the_core_s_magic_numbers() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/worker-client.js")).unwrap();
    let line = js.lines().find(|l| l.starts_with("const CAPTURE_MAGICS")).expect("CAPTURE_MAGICS in worker-client.js");
    let mut page: Vec<String> = line.split('\'').skip(1).step_by(2).map(String::from).collect();
    let hex = |m: &[u8; 4]| m.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut core: Vec<String> = tls_lens::wire::PCAP_MAGICS.iter().map(hex).collect();
    core.push(hex(&tls_lens::wire::PCAPNG_MAGIC));
    page.sort();
    core.sort();
    assert_eq!(page, core);
    for m in &core {
        let b: Vec<u8> = (0..4).map(|i| u8::from_str_radix(&m[2 * i..2 * i + 2], 16).unwrap()).collect();
        assert!(tls_lens::wire::capture_file_kind(&b).is_some(), "{m}");
    }
    assert_eq!(tls_lens::wire::capture_file_kind(&[0x16, 3, 1, 0]), None);
}
