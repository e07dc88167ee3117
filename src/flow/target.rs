//! Which endpoint the app talks to: the embedded sandbox (default), or a real Paysecure
//! endpoint when `PAYSECURE_API_KEY` and `PAYSECURE_BRAND_ID` are set.

use std::path::{Path, PathBuf};

use super::presets::MerchantUrls;
use crate::config::{Config, paths};
use crate::sandbox::store::{Location, Options};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};

/// Paysecure's base URL (sandbox and production share it; the key picks the environment).
pub const PAYSECURE_BASE_URL: &str = "https://api.paysecure.net/api/v1";

/// Credentials of a real (or `serve`d) endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCredentials {
    pub base_url: String,
    pub api_key: String,
    pub brand_id: String,
    /// Redirects and callbacks from a profile; `None` uses placeholders.
    pub urls: Option<MerchantUrls>,
    /// Where the credentials came from, for messages (`environment`, `profile NAME`).
    pub source: String,
}

/// What a key's text says about it. Paysecure's dashboard decides a key's type; the
/// keys this project's sandbox prints say `test` or `live` in their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Test,
    Live,
    Unknown,
}

impl KeyKind {
    /// Reads the kind from the key's text.
    pub fn of(key: &str) -> KeyKind {
        let lower = key.to_ascii_lowercase();
        if lower.contains("live") {
            KeyKind::Live
        } else if lower.contains("test") || lower.contains("sandbox") {
            KeyKind::Test
        } else {
            KeyKind::Unknown
        }
    }
}

/// The endpoint banner: chosen from the key type and the host, loud only where real
/// money can move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub text: &'static str,
    /// Shown as a warning (a live key, or a remote host with a key of unknown type).
    pub loud: bool,
}

/// The banner for an endpoint.
pub fn banner(embedded: bool, local: bool, key: &str) -> Banner {
    match (embedded, KeyKind::of(key), local) {
        (true, _, _) => Banner {
            text: "embedded sandbox",
            loud: false,
        },
        (false, KeyKind::Live, _) => Banner {
            text: "LIVE KEY — real money",
            loud: true,
        },
        (false, KeyKind::Test, _) | (false, KeyKind::Unknown, true) => Banner {
            text: "REMOTE SANDBOX (test key)",
            loud: false,
        },
        (false, KeyKind::Unknown, false) => Banner {
            text: "REMOTE ENDPOINT (key type unknown: a live key moves real money)",
            loud: true,
        },
    }
}

pub use crate::config::EMBEDDED_PROFILE;

/// The endpoint choice: `--profile` (or the config's default profile), else the
/// `PAYSECURE_*` variables, else the embedded sandbox.
pub fn choose(
    profile: Option<&str>,
    config: &Config,
    get: impl Fn(&str) -> Option<String>,
) -> Result<Option<RemoteCredentials>, String> {
    let named = profile
        .map(str::to_string)
        .or_else(|| config.profile.clone());
    let Some(name) = named else {
        return remote_from_env(get);
    };
    if name == EMBEDDED_PROFILE {
        return Ok(None);
    }
    let Some(p) = config.profiles.get(&name) else {
        let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
        return Err(format!(
            "no profile \"{name}\" in the config file (profiles: {}; `embedded` is always there)",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    };
    let var = p
        .api_key_env
        .clone()
        .unwrap_or_else(|| "PAYSECURE_API_KEY".into());
    let api_key = get(&var)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .or_else(|| p.api_key.clone())
        .ok_or_else(|| format!("profile \"{name}\": set ${var} to the API key"))?;
    let defaults = placeholder_urls();
    let urls = MerchantUrls {
        success_redirect: p
            .success_redirect
            .clone()
            .unwrap_or(defaults.success_redirect),
        failure_redirect: p
            .failure_redirect
            .clone()
            .unwrap_or(defaults.failure_redirect),
        pending_redirect: p.pending_redirect.clone().or(defaults.pending_redirect),
        success_callback: p.success_callback.clone(),
        failure_callback: p.failure_callback.clone(),
    };
    Ok(Some(RemoteCredentials {
        base_url: match &p.base_url {
            Some(url) => checked_base_url(url, &format!("profile \"{name}\": base_url"))?,
            None => PAYSECURE_BASE_URL.into(),
        },
        api_key,
        brand_id: p.brand_id.clone(),
        urls: Some(urls),
        source: format!("profile {name}"),
    }))
}

/// `url` if it can be an API base URL (http or https, with a host), else why not, said
/// before anything starts (it failed later as a transport error, after the banner).
fn checked_base_url(url: &str, source: &str) -> Result<String, String> {
    let shown = crate::term_text::clean(url);
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(url.into()),
        Ok(u) => Err(format!(
            "{source} is {shown}: an http:// or https:// URL with a host is needed, not {}://",
            crate::term_text::clean(u.scheme())
        )),
        Err(e) => Err(format!(
            "{source} is {shown}: not a URL ({e}); e.g. https://api.paysecure.net/api/v1"
        )),
    }
}

/// Redirects for a real endpoint without a profile: placeholders to override.
pub fn placeholder_urls() -> MerchantUrls {
    MerchantUrls {
        success_redirect: "https://merchant.example/paysecure/return/success".into(),
        failure_redirect: "https://merchant.example/paysecure/return/failure".into(),
        pending_redirect: Some("https://merchant.example/paysecure/return/pending".into()),
        success_callback: None,
        failure_callback: None,
    }
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
            base_url: match read("PAYSECURE_BASE_URL") {
                Some(url) => checked_base_url(&url, "PAYSECURE_BASE_URL")?,
                None => PAYSECURE_BASE_URL.into(),
            },
            api_key,
            brand_id,
            urls: None,
            source: "environment".into(),
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
    /// A remote endpoint's redirects and callbacks from its profile.
    pub urls: Option<MerchantUrls>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("embedded", &self.sandbox.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether `url`'s host is this machine: `localhost` or a loopback address.
pub fn is_loopback_url(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

impl Target {
    /// Starts an embedded sandbox on a free loopback port, its state private to the run.
    pub async fn embedded() -> Result<Target, String> {
        Target::started(SandboxConfig::default()).await
    }

    /// Starts the explorer's embedded sandbox with its state in `data_dir` (kept across
    /// runs, so yesterday's purchases can still be inspected, refunded or cancelled), on
    /// the port it used last when that is free. Without a data dir, or when the state
    /// file cannot be used (another explorer has it open), the state is private to the
    /// run and the handle's `state_notes` say why.
    pub async fn embedded_in(data_dir: Option<&Path>) -> Result<Target, String> {
        let Some(file) = data_dir.map(embedded_state_file) else {
            return Target::embedded().await;
        };
        Target::started(SandboxConfig {
            state: Options {
                location: Location::File(file),
                retain_days: None,
            },
            state_fallback: true,
            prefer_last_port: true,
            ..SandboxConfig::default()
        })
        .await
    }

    async fn started(config: SandboxConfig) -> Result<Target, String> {
        let handle = sandbox::start(config).await.map_err(|e| e.to_string())?;
        Ok(Target {
            base_url: handle.base_url.clone(),
            api_key: handle.api_key.clone(),
            brand_id: handle.brand_id.clone(),
            sandbox: Some(handle),
            urls: None,
        })
    }

    /// A real (or `serve`d) endpoint.
    pub fn remote(creds: RemoteCredentials) -> Target {
        Target {
            base_url: creds.base_url,
            api_key: creds.api_key,
            brand_id: creds.brand_id,
            sandbox: None,
            urls: creds.urls,
        }
    }

    /// The endpoint for `--profile`, the config and the environment (see [`choose`]);
    /// the embedded sandbox keeps its state in the data dir the environment names
    /// (`PAYSECURE_EXPLORER_DATA_DIR`, XDG). [`Target::select_in`] takes the dir.
    pub async fn select(profile: Option<&str>, config: &Config) -> Result<Target, String> {
        Target::select_in(profile, config, paths::data_dir(None).as_deref()).await
    }

    /// [`Target::select`] with the embedded sandbox's state in `data_dir` (`--data-dir`).
    pub async fn select_in(
        profile: Option<&str>,
        config: &Config,
        data_dir: Option<&Path>,
    ) -> Result<Target, String> {
        match choose(profile, config, |k| std::env::var(k).ok())? {
            Some(creds) => Ok(Target::remote(creds)),
            None => Target::embedded_in(data_dir).await,
        }
    }

    /// Whether the endpoint runs on this machine (embedded, or a `serve`d sandbox), where
    /// the app can answer the challenge page itself.
    pub fn is_local(&self) -> bool {
        self.is_embedded() || is_loopback_url(&self.base_url)
    }

    /// The banner for this endpoint.
    pub fn banner(&self) -> Banner {
        banner(self.is_embedded(), self.is_local(), &self.api_key)
    }

    /// Whether this is the embedded sandbox.
    pub fn is_embedded(&self) -> bool {
        self.sandbox.is_some()
    }

    /// The control plane of this project's sandbox (`…/_sandbox`): the embedded one's, or
    /// a `serve` on this machine's; `None` for any other endpoint.
    pub fn control_url(&self) -> Option<String> {
        match &self.sandbox {
            Some(s) => Some(s.control_url.clone()),
            None if self.is_local() => Some(format!(
                "{}/_sandbox",
                self.base_url
                    .trim_end_matches('/')
                    .trim_end_matches("/api/v1")
            )),
            None => None,
        }
    }

    /// Default redirects and callbacks: the merchant stub for the embedded sandbox; for a
    /// real endpoint, placeholders the user should override (Paysecure cannot reach us).
    pub fn default_urls(&self) -> MerchantUrls {
        match &self.sandbox {
            Some(s) => stub_urls(s),
            None => self.urls.clone().unwrap_or_else(placeholder_urls),
        }
    }
}

/// The embedded sandbox's state file in a data dir.
pub fn embedded_state_file(data_dir: &Path) -> PathBuf {
    data_dir.join("sandbox-state.sqlite3")
}

/// Every redirect and callback on a sandbox's own merchant stub (its landing pages and its
/// verifying webhook receiver).
pub fn stub_urls(s: &SandboxHandle) -> MerchantUrls {
    MerchantUrls {
        success_redirect: s.merchant_return_url("success"),
        failure_redirect: s.merchant_return_url("failure"),
        pending_redirect: Some(s.merchant_return_url("pending")),
        success_callback: Some(s.merchant_webhook_url()),
        failure_callback: Some(s.merchant_webhook_url()),
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
    fn profiles_take_their_key_from_the_named_variable() {
        let config: Config = toml::from_str(
            "[profiles.ps]\nbrand_id = \"brd\"\napi_key_env = \"MY_KEY\"\nsuccess_redirect = \"https://s/ok\"\n",
        )
        .expect("config");
        let creds = choose(Some("ps"), &config, env(&[("MY_KEY", "sk_1")]))
            .expect("ok")
            .expect("remote");
        assert_eq!(creds.api_key, "sk_1");
        assert_eq!(creds.base_url, PAYSECURE_BASE_URL);
        assert_eq!(creds.urls.expect("urls").success_redirect, "https://s/ok");
        assert!(
            choose(Some("ps"), &config, env(&[]))
                .expect_err("no key")
                .contains("$MY_KEY")
        );
        assert!(
            choose(Some("nope"), &config, env(&[]))
                .expect_err("unknown")
                .contains("ps")
        );
        let embedded = choose(
            Some("embedded"),
            &config,
            env(&[("PAYSECURE_API_KEY", "k"), ("PAYSECURE_BRAND_ID", "b")]),
        );
        assert_eq!(embedded, Ok(None));
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
        for bad in ["not a url", "ftp://127.0.0.1/api", "http://"] {
            let err = remote_from_env(env(&[
                ("PAYSECURE_API_KEY", "k"),
                ("PAYSECURE_BRAND_ID", "b"),
                ("PAYSECURE_BASE_URL", bad),
            ]))
            .expect_err(bad);
            assert!(err.starts_with("PAYSECURE_BASE_URL is "), "{err}");
        }
        assert!(remote_from_env(env(&[("PAYSECURE_API_KEY", "k")])).is_err());
        assert!(
            remote_from_env(env(&[
                ("PAYSECURE_BRAND_ID", "b"),
                ("PAYSECURE_API_KEY", " ")
            ]))
            .is_err()
        );
    }

    #[test]
    fn banners_follow_the_key_type_and_the_host() {
        assert_eq!(banner(true, true, "sk_live_x").text, "embedded sandbox");
        let served = banner(false, true, "sk_test_sandbox_paysecure_explorer");
        assert_eq!(served.text, "REMOTE SANDBOX (test key)");
        assert!(!served.loud);
        let live = banner(false, true, "sk_live_sandbox_paysecure_explorer");
        assert!(live.loud && live.text.starts_with("LIVE KEY"));
        assert!(
            banner(false, false, "abc123").loud,
            "unknown key on a remote host"
        );
        assert!(
            !banner(false, true, "abc123").loud,
            "never alarming on loopback"
        );
    }
}
