//! Which endpoint the app talks to: the embedded sandbox (default), or a real Paysecure
//! endpoint when `PAYSECURE_API_KEY` and `PAYSECURE_BRAND_ID` are set.

use super::presets::MerchantUrls;
use crate::sandbox::{self, SandboxConfig, SandboxHandle};

/// Paysecure's base URL (sandbox and production share it; the key picks the environment).
pub const PAYSECURE_BASE_URL: &str = "https://api.paysecure.net/api/v1";

/// Credentials read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCredentials {
    pub base_url: String,
    pub api_key: String,
    pub brand_id: String,
}

/// Reads `PAYSECURE_API_KEY`, `PAYSECURE_BRAND_ID`, `PAYSECURE_BASE_URL` through `get`.
/// `Ok(None)`: neither key nor brand set (use the embedded sandbox). `Err`: half set.
pub fn remote_from_env(
    get: impl Fn(&str) -> Option<String>,
) -> Result<Option<RemoteCredentials>, String> {
    let read = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match (read("PAYSECURE_API_KEY"), read("PAYSECURE_BRAND_ID")) {
        (None, None) => Ok(None),
        (Some(api_key), Some(brand_id)) => Ok(Some(RemoteCredentials {
            base_url: read("PAYSECURE_BASE_URL").unwrap_or_else(|| PAYSECURE_BASE_URL.into()),
            api_key,
            brand_id,
        })),
        (Some(_), None) => Err("PAYSECURE_API_KEY is set but PAYSECURE_BRAND_ID is not; set both to use a real endpoint, or neither for the embedded sandbox".into()),
        (None, Some(_)) => Err("PAYSECURE_BRAND_ID is set but PAYSECURE_API_KEY is not; set both to use a real endpoint, or neither for the embedded sandbox".into()),
    }
}

/// The endpoint in use.
pub struct Target {
    pub base_url: String,
    pub api_key: String,
    pub brand_id: String,
    /// Present for the embedded sandbox.
    pub sandbox: Option<SandboxHandle>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("embedded", &self.sandbox.is_some())
            .finish_non_exhaustive()
    }
}

impl Target {
    /// Starts the embedded sandbox on a free loopback port.
    pub async fn embedded() -> Result<Target, String> {
        let handle = sandbox::start(SandboxConfig::default())
            .await
            .map_err(|e| e.to_string())?;
        Ok(Target {
            base_url: handle.base_url.clone(),
            api_key: handle.api_key.clone(),
            brand_id: handle.brand_id.clone(),
            sandbox: Some(handle),
        })
    }

    /// A real (or `serve`d) endpoint.
    pub fn remote(creds: RemoteCredentials) -> Target {
        Target {
            base_url: creds.base_url,
            api_key: creds.api_key,
            brand_id: creds.brand_id,
            sandbox: None,
        }
    }

    /// The environment's choice: remote when both variables are set, else embedded.
    pub async fn from_env() -> Result<Target, String> {
        match remote_from_env(|k| std::env::var(k).ok())? {
            Some(creds) => Ok(Target::remote(creds)),
            None => Target::embedded().await,
        }
    }

    /// Whether this is the embedded sandbox.
    pub fn is_embedded(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Default redirects and callbacks: the merchant stub for the embedded sandbox; for a
    /// real endpoint, placeholders the user should override (Paysecure cannot reach us).
    pub fn default_urls(&self) -> MerchantUrls {
        match &self.sandbox {
            Some(s) => MerchantUrls {
                success_redirect: s.merchant_return_url("success"),
                failure_redirect: s.merchant_return_url("failure"),
                pending_redirect: Some(s.merchant_return_url("pending")),
                success_callback: Some(s.merchant_webhook_url()),
                failure_callback: Some(s.merchant_webhook_url()),
            },
            None => MerchantUrls {
                success_redirect: "https://merchant.example/paysecure/return/success".into(),
                failure_redirect: "https://merchant.example/paysecure/return/failure".into(),
                pending_redirect: Some("https://merchant.example/paysecure/return/pending".into()),
                success_callback: None,
                failure_callback: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| {
            owned
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn env_selects_target() {
        assert_eq!(remote_from_env(env(&[])), Ok(None));
        let creds = remote_from_env(env(&[
            ("PAYSECURE_API_KEY", "k"),
            ("PAYSECURE_BRAND_ID", "b"),
        ]))
        .expect("ok")
        .expect("remote");
        assert_eq!(creds.base_url, PAYSECURE_BASE_URL);
        let custom = remote_from_env(env(&[
            ("PAYSECURE_API_KEY", "k"),
            ("PAYSECURE_BRAND_ID", "b"),
            ("PAYSECURE_BASE_URL", "http://127.0.0.1:9/api/v1"),
        ]))
        .expect("ok")
        .expect("remote");
        assert_eq!(custom.base_url, "http://127.0.0.1:9/api/v1");
        assert!(remote_from_env(env(&[("PAYSECURE_API_KEY", "k")])).is_err());
        assert!(
            remote_from_env(env(&[
                ("PAYSECURE_BRAND_ID", "b"),
                ("PAYSECURE_API_KEY", " ")
            ]))
            .is_err()
        );
    }
}
