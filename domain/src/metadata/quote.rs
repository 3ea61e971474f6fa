//! JSON string quoting for infotext values, as AUTOMATIC1111's `quote` and
//! `unquote` do it (Python's `json.dumps(..., ensure_ascii=False)`).

/// Whether a value must be quoted to survive the settings line.
pub(super) fn needs_quotes(value: &str) -> bool {
    value.contains([',', ':', '"', '\n', '\r'])
}

/// The value as a JSON string literal, non-ASCII characters kept as they are.
pub(super) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a JSON string literal; `None` when `text` is not one.
pub(super) fn unquote(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(unescape(&mut chars)?),
            // An unescaped quote inside means this was not one JSON string.
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Decodes the escape after a backslash.
fn unescape(chars: &mut std::str::Chars<'_>) -> Option<char> {
    Some(match chars.next()? {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => {
            let high = hex4(chars)?;
            if (0xD800..0xDC00).contains(&high) {
                // A surrogate pair: the low half must follow as `\uXXXX`.
                if chars.next()? != '\\' || chars.next()? != 'u' {
                    return None;
                }
                let low = hex4(chars)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
            } else {
                char::from_u32(high)?
            }
        }
        _ => return None,
    })
}

/// Four hex digits.
fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}
