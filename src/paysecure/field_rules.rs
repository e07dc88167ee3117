//! Paysecure's field rules for `POST /purchases/` (`paysecure-api.md` §3.3): the emulator
//! refuses a request that breaks them, and the explorer's purchase form warns before it is
//! sent, so both read the same rules.

/// ISO 3166-1 alpha-2 codes, upper case.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE \
NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA \
UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// [`COUNTRIES`] as a table indexed by the two letters (`AA` is 0, `ZZ` is 675), built at
/// compile time: a create checks two countries, and a scan of the list was 1 % of the
/// sandbox's create profile.
const COUNTRY_TABLE: [bool; 26 * 26] = {
    let codes = COUNTRIES.as_bytes();
    let mut table = [false; 26 * 26];
    let mut at = 0;
    while at + 1 < codes.len() {
        table[(codes[at] - b'A') as usize * 26 + (codes[at + 1] - b'A') as usize] = true;
        at += 3;
    }
    table
};

/// Whether `code` is an ISO alpha-2 country code in upper case.
pub fn is_country(code: &str) -> bool {
    match code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
            COUNTRY_TABLE[(a - b'A') as usize * 26 + (b - b'A') as usize]
        }
        _ => false,
    }
}

/// Paysecure's backend email rule:
/// `^[_A-Za-z0-9-\+]+(\.[_A-Za-z0-9-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(\.[A-Za-z]{2,})$`.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let word = |s: &str, extra: &[u8]| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || extra.contains(&b))
    };
    let mut local_parts = local.split('.');
    let first_ok = local_parts.next().is_some_and(|p| word(p, b"+"));
    let local_ok = first_ok && local_parts.all(|p| word(p, b""));
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    let domain_ok = !rest.is_empty()
        && rest
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let tld_ok = tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic());
    local_ok && domain_ok && tld_ok
}

/// An absolute `http` or `https` URL with a host (redirects and callbacks).
pub fn is_http_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// A `yyyy-mm-dd` date (`date_of_birth`).
pub fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&text[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rule_matches_backend_regex() {
        for ok in ["buyer@example.com", "a+c.b@x-y.example.org", "_a@b.co"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a@b",
            "a@b.c",
            "a..b@x.com",
            "a@@x.com",
            "a b@x.com",
            "a@x.c0m",
            "@x.com",
            "a.b+c@x.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn countries_are_upper_alpha2() {
        assert!(is_country("DE"));
        assert!(is_country("IN"));
        assert!(!is_country("at"));
        assert!(!is_country("India"));
        assert!(!is_country("XX"));
        assert!(!is_country(""));
        assert!(!is_country("D"));
        assert!(!is_country("DEU"));
    }

    #[test]
    fn the_country_table_is_the_list() {
        let listed: Vec<&str> = COUNTRIES.split(' ').collect();
        assert_eq!(listed.len(), 249);
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = String::from_utf8(vec![a, b]).expect("ascii");
                assert_eq!(is_country(&code), listed.contains(&code.as_str()), "{code}");
            }
        }
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("1990-01-31"));
        assert!(!is_iso_date("1990-13-01"));
        assert!(!is_iso_date("01-01-1990"));
    }
}
