//! Paysecure's published webhook key, fetched from the sandbox's control plane
//! (`GET /_sandbox/public-key`, PEM text) so the tour can check a signature itself rather
//! than take the merchant stub's word for it. Bounded in time and size.

use std::time::Duration;

/// A PEM public key is well under this; anything longer is not one.
const MAX_PEM_BYTES: usize = 8 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const PEM_HEAD: &str = "-----BEGIN PUBLIC KEY-----";

/// The PEM at `{control}/public-key`, or why it could not be had (one short line).
pub async fn fetch(control: &str) -> Result<String, String> {
    let url = format!("{}/public-key", control.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;
    let mut resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("GET /_sandbox/public-key: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("GET /_sandbox/public-key → {}", resp.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("GET /_sandbox/public-key: {e}"))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_PEM_BYTES {
            return Err(format!(
                "GET /_sandbox/public-key: longer than {MAX_PEM_BYTES} bytes, not a key"
            ));
        }
    }
    let pem =
        String::from_utf8(body).map_err(|_| "GET /_sandbox/public-key: not text".to_string())?;
    if pem.trim_start().starts_with(PEM_HEAD) {
        Ok(pem)
    } else {
        Err("GET /_sandbox/public-key: not a PEM public key".into())
    }
}
