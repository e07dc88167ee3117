//! A record's size bound: one exchange must never outgrow the rotation limit (a single
//! 8 MiB body would make `history.jsonl` 8 MiB whatever `max_bytes` says). Long fields
//! are cut with a visible marker; cutting happens after redaction, so no card number
//! is left half-masked by it.

use super::record::Record;

/// `…[truncated 123456 bytes]` is appended to a cut text.
pub fn truncate(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let dropped = text.len() - cut;
    text.truncate(cut);
    text.push_str(&format!("…[truncated {dropped} bytes]"));
}

/// The length of the record's JSON line (newline included).
pub fn line_len(record: &Record) -> usize {
    serde_json::to_vec(record).map_or(usize::MAX, |v| v.len() + 1)
}

/// Most headers kept per side; more are replaced by a count.
const MAX_HEADERS: usize = 64;

/// Cuts the record's long fields until its line fits in `max_line` bytes. Each round
/// halves the per-field budget, so escaping (a control character is six bytes in JSON)
/// cannot defeat it; at the end the bodies and headers go altogether.
pub fn fit(record: &mut Record, max_line: usize) {
    let mut budget = max_line / 2;
    for _ in 0..16 {
        if line_len(record) <= max_line {
            return;
        }
        shrink(record, budget);
        budget /= 2;
    }
    if line_len(record) > max_line {
        let ex = &mut record.exchange;
        ex.request_headers.clear();
        ex.response_headers.clear();
        for body in [&mut ex.request_body, &mut ex.response_body]
            .into_iter()
            .flatten()
        {
            truncate(body, 0);
        }
        for text in [&mut ex.error, &mut ex.note].into_iter().flatten() {
            truncate(text, 64);
        }
        truncate(&mut ex.url, 256);
    }
}

fn shrink(record: &mut Record, budget: usize) {
    let ex = &mut record.exchange;
    for text in [
        &mut ex.request_body,
        &mut ex.response_body,
        &mut ex.error,
        &mut ex.note,
    ]
    .into_iter()
    .flatten()
    {
        truncate(text, budget);
    }
    truncate(&mut ex.url, budget.max(256));
    for headers in [&mut ex.request_headers, &mut ex.response_headers] {
        if headers.len() > MAX_HEADERS {
            let dropped = headers.len() - MAX_HEADERS;
            headers.truncate(MAX_HEADERS);
            headers.push((
                "x-explorer-truncated".into(),
                format!("{dropped} more headers"),
            ));
        }
        let per_header = budget / MAX_HEADERS;
        for (name, value) in headers.iter_mut() {
            truncate(name, per_header.max(64));
            truncate(value, per_header.max(64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Exchange, ExchangeKind};

    #[test]
    fn long_bodies_are_cut_with_a_marker_and_the_line_fits() {
        let ex = Exchange {
            response_body: Some("é".repeat(400_000)),
            request_body: Some("\u{1}".repeat(300_000)),
            response_headers: (0..500)
                .map(|i| (format!("h{i}"), "v".repeat(900)))
                .collect(),
            ..Exchange::new(ExchangeKind::Api, "GET", "http://h/", 0)
        };
        let mut record = Record::new(1, ex);
        fit(&mut record, 64 * 1024);
        assert!(line_len(&record) <= 64 * 1024, "{}", line_len(&record));
        let body = record.exchange.response_body.as_deref().expect("body");
        assert!(
            body.contains("…[truncated "),
            "{}",
            &body[body.len() - 40..]
        );
        let mut short = "abc".to_string();
        truncate(&mut short, 10);
        assert_eq!(short, "abc");
        truncate(&mut short, 1);
        assert_eq!(short, "a…[truncated 2 bytes]");
    }
}
