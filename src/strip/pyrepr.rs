//! Python's text behaviour that nbformat's writer depends on, re-implemented exactly:
//! `repr(float)`, `str.splitlines(keepends)` and `str.isspace`.
//!
//! Rust's own versions differ in small ways that would break byte parity (`1e16` vs
//! `1e+16`, `str::lines` splitting only on `\n`, `char::is_whitespace` missing U+001C–U+001F).

/// Append Python's `repr(x)` of a float as `json.dumps` prints it (`NaN`, `Infinity`).
pub fn push_float_repr(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    // `{:e}` prints the shortest digits that round-trip, as Python's repr does.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // value = 0.DIGITS × 10^decpt
    let decpt = exp + 1;
    if negative {
        out.push('-');
    }
    let n = digits.len() as i32;
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..-decpt {
                out.push('0');
            }
            out.push_str(&digits);
        } else if decpt >= n {
            out.push_str(&digits);
            for _ in 0..decpt - n {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let (a, b) = digits.split_at(decpt as usize);
            out.push_str(a);
            out.push('.');
            out.push_str(b);
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = decpt - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        let abs = e.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    }
}

/// Python's `str(x)` of a float (`inf`, `nan`, else as repr): used for output sizes.
pub fn float_str_len(x: f64) -> usize {
    if x.is_nan() || x.is_infinite() {
        return if x < 0.0 { 4 } else { 3 };
    }
    let mut s = String::new();
    push_float_repr(&mut s, x);
    s.len()
}

/// Whether `c` ends a line for Python's `str.splitlines`.
#[inline]
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Python's `s.splitlines(keepends)`, as slices of `s`.
pub fn splitlines(s: &str, keepends: bool) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        // Fast skip over ASCII that cannot break a line.
        if c > '\r' && c < '\u{1c}' || (c > '\u{1e}' && c < '\u{85}') {
            continue;
        }
        if !is_line_break(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && bytes.get(end) == Some(&b'\n') {
            iter.next();
            end += 1;
        }
        lines.push(if keepends { &s[start..end] } else { &s[start..i] });
        start = end;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// Python's `str.isspace` for one character.
#[inline]
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(x: f64) -> String {
        let mut s = String::new();
        push_float_repr(&mut s, x);
        s
    }

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.1, "0.1"),
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (123456789.125, "123456789.125"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-2.5e-7, "-2.5e-07"),
            (1.2345678901234567e16, "1.2345678901234568e+16"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(splitlines("a\nb", true), ["a\n", "b"]);
        assert_eq!(splitlines("a\r\nb\r", true), ["a\r\n", "b\r"]);
        assert_eq!(splitlines("a\u{2028}b\x0cc", true), ["a\u{2028}", "b\x0c", "c"]);
        assert_eq!(splitlines("a\n\nb", false), ["a", "", "b"]);
        assert!(splitlines("", true).is_empty());
        assert_eq!(splitlines("\u{85}é\x1e", true), ["\u{85}", "é\x1e"]);
    }

    #[test]
    fn isspace_matches_python() {
        for c in [' ', '\t', '\u{1c}', '\u{1f}', '\u{85}', '\u{a0}', '\u{3000}'] {
            assert!(is_space(c), "{c:?}");
        }
        for c in ['a', '\u{200b}', '\u{feff}'] {
            assert!(!is_space(c), "{c:?}");
        }
    }
}
