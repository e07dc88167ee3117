//! The app acting as the customer's browser: open the callback URL, answer the 3DS
//! challenge with an OTP, and follow the redirect to the merchant.

use reqwest::Url;
use serde::Serialize;
use serde_json::Value;

use super::presets::MerchantUrls;
use crate::api::{ApiError, PaysecureClient, TransportKind};

/// Which merchant page the customer landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Landed {
    Success,
    Failure,
    Pending,
}

/// What the browser step ended with.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserResult {
    /// Where the final redirect pointed.
    pub landing_url: String,
    /// Which redirect that is, if it matches one of the purchase's.
    pub landed: Option<Landed>,
    /// Whether a challenge page was answered.
    pub challenged: bool,
    /// Whether the merchant page was loaded (only where it is reachable from here).
    pub landing_loaded: bool,
}

/// Which of the purchase's redirects `location` is (query ignored).
pub fn classify_landing(location: &str, urls: &MerchantUrls) -> Option<Landed> {
    let bare = |u: &str| {
        u.split(['?', '#'])
            .next()
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string()
    };
    let here = bare(location);
    let candidates = [
        (urls.failure_redirect.as_str(), Landed::Failure),
        (
            urls.pending_redirect.as_deref().unwrap_or(""),
            Landed::Pending,
        ),
        (urls.success_redirect.as_str(), Landed::Success),
    ];
    candidates
        .iter()
        .find(|(url, _)| !url.is_empty() && bare(url) == here)
        .map(|(_, landed)| *landed)
}

/// Finds the challenge form's `action` in the page, if the page is a challenge.
pub(super) fn challenge_action(html: &str) -> Option<String> {
    if !html.contains("id=\"otp\"") {
        return None;
    }
    let form = html.find("<form")?;
    let rest = &html[form..];
    let start = rest.find("action=\"")? + "action=\"".len();
    let end = rest[start..].find('"')? + start;
    Some(rest[start..end].replace("&amp;", "&"))
}

pub(super) fn resolve(base: &str, target: &str) -> Result<String, ApiError> {
    Url::parse(base)
        .and_then(|b| b.join(target))
        .map(|u| u.to_string())
        .map_err(|e| ApiError::Transport {
            kind: TransportKind::Other,
            http_status: None,
            detail: format!("bad URL {target:?}: {e}"),
        })
}

/// A non-redirect answer from a browser page, as an error.
pub(super) fn page_error(status: u16, body: &str) -> ApiError {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let field = |k: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match (field("message"), field("code")) {
        (Some(message), Some(code)) => ApiError::Coded {
            http_status: status,
            code,
            message,
        },
        _ => ApiError::Transport {
            kind: TransportKind::NonJson,
            http_status: Some(status),
            detail: "the payment page answered neither a redirect nor a challenge".into(),
        },
    }
}

/// What opening the callback URL led to.
#[derive(Debug, Clone, PartialEq)]
pub enum CallbackPage {
    /// Frictionless: the issuer did not challenge; the redirect was followed.
    Redirected(BrowserResult),
    /// The issuer served a challenge page whose form posts to `form_url`.
    Challenge { form_url: String },
}

/// The URL a browser may be given: only absolute `http://` or `https://` URLs with a
/// host, written back in their parsed form (so nothing option-like reaches the opener).
pub fn web_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err("it looks like a command-line option, not a URL".into());
    }
    match reqwest::Url::parse(trimmed) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(u.to_string()),
        Ok(u) => Err(format!(
            "only http:// and https:// URLs are opened, not {}:",
            u.scheme()
        )),
        Err(e) => Err(format!("it is not a URL ({e})")),
    }
}

/// Opens `callback_url` as the customer's browser: a redirect is followed at once
/// (frictionless); a challenge page is returned for the OTP to be asked.
pub async fn open_callback(
    client: &PaysecureClient,
    callback_url: &str,
    urls: &MerchantUrls,
    fetch_landing: bool,
) -> Result<CallbackPage, ApiError> {
    // A server's callback_url is not fetched unless it is a web page (`javascript:`,
    // `file:` or an option-like text would otherwise reach the HTTP client's own error).
    web_url(callback_url).map_err(|why| ApiError::Transport {
        kind: TransportKind::Other,
        http_status: None,
        detail: format!("the callback_url is not a web page, so it was not opened: {why}"),
    })?;
    let first = client.browser_get(callback_url).await?;
    match (first.status, first.location.as_deref()) {
        (301..=303 | 307 | 308, Some(loc)) => {
            let location = resolve(callback_url, loc)?;
            Ok(CallbackPage::Redirected(
                land(client, location, urls, fetch_landing, false).await,
            ))
        }
        (200, _) => match challenge_action(&first.body) {
            Some(action) => Ok(CallbackPage::Challenge {
                form_url: resolve(callback_url, &action)?,
            }),
            None => Err(page_error(first.status, &first.body)),
        },
        (status, _) => Err(page_error(status, &first.body)),
    }
}

/// Answers the challenge page's form with `otp` and follows the redirect.
pub async fn answer_challenge(
    client: &PaysecureClient,
    form_url: &str,
    otp: &str,
    urls: &MerchantUrls,
    fetch_landing: bool,
) -> Result<BrowserResult, ApiError> {
    let answer = client
        .browser_post_form(form_url, &[("otp", otp), ("action", "submit")])
        .await?;
    match (answer.status, answer.location.as_deref()) {
        (301..=303 | 307 | 308, Some(loc)) => {
            let location = resolve(form_url, loc)?;
            Ok(land(client, location, urls, fetch_landing, true).await)
        }
        (status, _) => Err(page_error(status, &answer.body)),
    }
}

/// Where the redirect pointed; `fetch_landing` also loads the merchant page (only
/// useful where it is reachable). The landing page's own answer does not change the
/// outcome; a failure to load it is recorded in history but not fatal.
pub(super) async fn land(
    client: &PaysecureClient,
    location: String,
    urls: &MerchantUrls,
    fetch_landing: bool,
    challenged: bool,
) -> BrowserResult {
    // Loaded means the merchant page answered 2xx, not merely that it was asked.
    let landing_loaded = fetch_landing
        && client
            .browser_get(&location)
            .await
            .is_ok_and(|r| (200..300).contains(&r.status));
    BrowserResult {
        landed: classify_landing(&location, urls),
        landing_url: location,
        challenged,
        landing_loaded,
    }
}

/// Opens `callback_url`, answers a challenge with `otp` if one is served, follows the
/// redirect.
pub async fn complete(
    client: &PaysecureClient,
    callback_url: &str,
    otp: &str,
    urls: &MerchantUrls,
    fetch_landing: bool,
) -> Result<BrowserResult, ApiError> {
    match open_callback(client, callback_url, urls, fetch_landing).await? {
        CallbackPage::Redirected(done) => Ok(done),
        CallbackPage::Challenge { form_url } => {
            answer_challenge(client, &form_url, otp, urls, fetch_landing).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_is_classified_by_redirect_ignoring_query() {
        let urls = MerchantUrls {
            success_redirect: "http://h/merchant/return/success".into(),
            failure_redirect: "http://h/merchant/return/failure".into(),
            pending_redirect: Some("http://h/merchant/return/pending".into()),
            ..MerchantUrls::default()
        };
        assert_eq!(
            classify_landing("http://h/merchant/return/success?purchaseId=1", &urls),
            Some(Landed::Success)
        );
        assert_eq!(
            classify_landing("http://h/merchant/return/failure", &urls),
            Some(Landed::Failure)
        );
        assert_eq!(classify_landing("http://elsewhere/", &urls), None);
    }

    #[test]
    fn challenge_form_action_is_found() {
        let html = r#"<input id="otp"><form method="post" action="/api/v1/payment/abc/">"#;
        assert_eq!(
            challenge_action(html).as_deref(),
            Some("/api/v1/payment/abc/")
        );
        assert_eq!(challenge_action("<html>no form</html>"), None);
    }
}
