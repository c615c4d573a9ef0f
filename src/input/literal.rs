//! Byte-array literals from source code: C/Rust/Go/Java arrays of `0x..` numbers
//! (`{0x16, 0x03, ...}`, `[0x16u8, 3]` is not: every element needs the `0x` form) and string
//! literals with escapes (Python `b'\x16\x03...'`, C `"\x16\x03"`, Rust `b"\x16"`), possibly
//! split over several concatenated literals.

/// The bytes, when the text is one of these forms.
pub fn parse(text: &str) -> Option<Vec<u8>> {
    if text.matches("\\x").count() >= 2 {
        return string_literals(text);
    }
    if text.matches("0x").count() + text.matches("0X").count() >= 2 {
        return hex_numbers(text);
    }
    None
}

/// Every `0xH` / `0xHH` number, in order. Wider numbers (`0x0303`) mean it is not a byte array.
fn hex_numbers(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'0' && (b[i + 1] == b'x' || b[i + 1] == b'X') && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let digits = b[i + 2..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
            if digits == 0 || digits > 2 {
                return None;
            }
            let s = std::str::from_utf8(&b[i + 2..i + 2 + digits]).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 2 + digits;
        } else {
            i += 1;
        }
    }
    Some(out).filter(|v| !v.is_empty())
}

/// The contents of every quoted literal, escapes decoded; text outside quotes is ignored.
fn string_literals(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let q = b[i];
        if q != b'\'' && q != b'"' {
            i += 1;
            continue;
        }
        i += 1;
        while i < b.len() && b[i] != q {
            if b[i] == b'\\' && i + 1 < b.len() {
                let e = b[i + 1];
                i += 2;
                match e {
                    b'x' => {
                        let h = std::str::from_utf8(b.get(i..i + 2)?).ok()?;
                        out.push(u8::from_str_radix(h, 16).ok()?);
                        i += 2;
                    }
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'0' => out.push(0),
                    b'\\' | b'\'' | b'"' => out.push(e),
                    b'\n' => {}
                    _ => return None,
                }
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        i += 1;
    }
    Some(out).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_strings() {
        let want = Some(vec![0x16, 0x03, 0x01, 0x00, 0x05]);
        assert_eq!(parse("const uint8_t ch[] = {0x16, 0x03, 0x01, 0x00, 0x05};"), want);
        assert_eq!(parse("let ch: [u8; 5] = [0x16, 0x3, 0x1, 0x0, 0x05];"), want);
        assert_eq!(parse("ch = b'\\x16\\x03\\x01' b\"\\x00\\x05\""), want);
        assert_eq!(parse("b'\\x16\\x03\\x01\\x00A'"), Some(vec![0x16, 3, 1, 0, b'A']));
        assert_eq!(parse("0x0303, 0x0304"), None, "16-bit numbers are not bytes");
        assert_eq!(parse("16 03 01"), None);
    }
}
