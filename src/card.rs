//! Card-number helpers shared by the sandbox, the client's redaction and the forms:
//! Luhn, brand detection, masking and `MM/YY` expiry parsing.

use crate::clock::YearMonth;

/// Whether `number` is all ASCII digits, 10 to 20 long, and passes the Luhn check.
pub fn is_valid_pan(number: &str) -> bool {
    let len_ok = (10..=20).contains(&number.len());
    len_ok && number.bytes().all(|b| b.is_ascii_digit()) && luhn_ok(number)
}

/// The Luhn (mod 10) check over the digits of `number`; false for any non-digit.
pub fn luhn_ok(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in number.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !number.is_empty() && sum.is_multiple_of(10)
}

/// The card scheme as Paysecure names it (`VISA`, `MASTER`, …), from the number's prefix.
pub fn brand(number: &str) -> &'static str {
    let prefix = |n: usize| -> u32 { number.get(..n).and_then(|p| p.parse().ok()).unwrap_or(0) };
    match () {
        _ if number.starts_with('4') => "VISA",
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "MASTER",
        _ if matches!(prefix(2), 34 | 37) => "AMEX",
        _ if number.starts_with("6011") || number.starts_with("65") => "DISCOVER",
        _ if (3528..=3589).contains(&prefix(4)) => "JCB",
        _ if matches!(prefix(2), 36 | 38) || (300..=305).contains(&prefix(3)) => "DINERS",
        _ => "UNKNOWN",
    }
}

/// Masks a card number to its first six and last four characters (`444433******1111`).
/// A number written in groups (`4444 3333 2222 1111`, or joined by dashes or by `+`, how
/// a form writes a space: the text redactor's separators too) is masked as its digits,
/// so that the six and four kept are digits, not a separator (a field, a form or a
/// query may hold it grouped). Anything too short to keep six and four visible is
/// masked whole, so no short input (a typo, a partial PAN) ever leaks in full.
pub fn mask_pan(number: &str) -> String {
    let separator = |b: u8| matches!(b, b' ' | b'-' | b'+');
    let grouped = number.bytes().any(separator)
        && number.bytes().any(|b| b.is_ascii_digit())
        && number.bytes().all(|b| b.is_ascii_digit() || separator(b));
    let chars: Vec<char> = if grouped {
        number.chars().filter(char::is_ascii_digit).collect()
    } else {
        number.chars().collect()
    };
    if chars.len() < 13 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Groups a card number in fours for display (`4444 3333 2222 1111`).
pub fn group_in_fours(number: &str) -> String {
    let chars: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a strict `MM/YY` expiry (month 01-12) into the month it names.
pub fn parse_expiry(text: &str) -> Option<YearMonth> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b'/' {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (mm, yy) = (&text[..2], &text[3..]);
    if !digits(mm) || !digits(yy) {
        return None;
    }
    let month: u32 = mm.parse().ok()?;
    let year: i32 = yy.parse().ok()?;
    (1..=12).contains(&month).then_some(YearMonth {
        year: 2000 + year,
        month,
    })
}

/// Whether `expires` is a strict `MM/YY` later than `now` (the current month is too late,
/// as Paysecure's message says: "must be greater than current month/year").
pub fn expiry_is_valid(expires: &str, now: YearMonth) -> bool {
    parse_expiry(expires).is_some_and(|e| e > now)
}

/// Whether a CVC is 3 or 4 ASCII digits.
pub fn cvc_is_valid(cvc: &str) -> bool {
    (3..=4).contains(&cvc.len()) && cvc.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_seed_and_published_cards_and_rejects_typos() {
        assert!(is_valid_pan("4444333322221111"));
        assert!(is_valid_pan("5116213113429327"));
        assert!(!is_valid_pan("4444333322221112"));
        assert!(!is_valid_pan("4444 3333 2222 1111"));
        assert!(!is_valid_pan("42"));
        assert!(!is_valid_pan("0000000000000000000000"));
    }

    #[test]
    fn brand_follows_prefix() {
        assert_eq!(brand("4444333322221111"), "VISA");
        assert_eq!(brand("5116213113429327"), "MASTER");
        assert_eq!(brand("2221000000000009"), "MASTER");
        assert_eq!(brand("378282246310005"), "AMEX");
        assert_eq!(brand("9"), "UNKNOWN");
    }

    #[test]
    fn mask_keeps_first_six_last_four_only() {
        assert_eq!(mask_pan("4444333322221111"), "444433******1111");
        assert_eq!(mask_pan("1234"), "****");
        assert_eq!(mask_pan(""), "");
    }

    #[test]
    fn a_grouped_number_is_masked_as_its_digits() {
        assert_eq!(mask_pan("4444 3333 2222 1111"), "444433******1111");
        assert_eq!(mask_pan("4444-3333-2222-1111"), "444433******1111");
        assert_eq!(mask_pan("4444+3333+2222+1111"), "444433******1111");
        assert_eq!(mask_pan(" 4444 3333 2222 1111 "), "444433******1111");
        assert_eq!(mask_pan("4444 3333"), "********", "too short: all masked");
        // Separators alone are not a number: a sent value still shows as sent, masked.
        assert_eq!(mask_pan(" - "), "***");
        // Not a grouped number: masked character by character, as before.
        assert_eq!(mask_pan("4444x3333y2222z1111"), "4444x3*********1111");
    }

    #[test]
    fn expiry_must_be_mm_yy_and_after_current_month() {
        let now = YearMonth {
            year: 2026,
            month: 11,
        };
        assert!(expiry_is_valid("12/26", now));
        assert!(!expiry_is_valid("11/26", now));
        assert!(!expiry_is_valid("13/30", now));
        assert!(!expiry_is_valid("00/30", now));
        assert!(!expiry_is_valid("1230", now));
        assert!(!expiry_is_valid("12/2030", now));
        assert!(!expiry_is_valid("1/30", now));
        assert!(!expiry_is_valid("é1/30", now));
    }

    #[test]
    fn cvc_three_or_four_digits() {
        assert!(cvc_is_valid("123"));
        assert!(cvc_is_valid("1234"));
        assert!(!cvc_is_valid("12"));
        assert!(!cvc_is_valid("12a"));
    }

    #[test]
    fn grouping() {
        assert_eq!(group_in_fours("4444333322221111"), "4444 3333 2222 1111");
        assert_eq!(group_in_fours("44443"), "4444 3");
    }
}
