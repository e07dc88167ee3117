//! The config file (`config.toml` in the platform config dir): theme, timeout, history
//! limits and named profiles of real endpoints. Everything is optional; a malformed file
//! gives a message naming the line and the defaults, never a panic.

pub mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Default theme.
    pub theme: Option<String>,
    /// Default per-request timeout, seconds.
    pub timeout_s: Option<f64>,
    /// Longest response body accepted, bytes (default 8 MiB).
    pub max_body_bytes: Option<u64>,
    /// Profile used when `--profile` is not given.
    pub profile: Option<String>,
    #[serde(default)]
    pub history: HistoryConfig,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Checks a timeout given in seconds.
pub fn valid_timeout(secs: f64) -> bool {
    secs.is_finite() && (MIN_TIMEOUT_S..=MAX_TIMEOUT_S).contains(&secs)
}

/// The shortest per-request timeout: below a tenth of a second every call would time
/// out before a server could answer it.
pub const MIN_TIMEOUT_S: f64 = 0.1;
/// The longest per-request timeout (an hour).
pub const MAX_TIMEOUT_S: f64 = 3600.0;
/// What a timeout out of range is told.
pub const TIMEOUT_RANGE: &str = "from 0.1 to 3600 seconds";

/// Profile name that always means the embedded sandbox.
pub const EMBEDDED_PROFILE: &str = "embedded";

/// The client's smallest response-body cap: a smaller one would refuse ordinary answers.
pub const MIN_BODY_BYTES: u64 = 64 * 1024;
/// The client's largest response-body cap: every answer is held whole in memory (and a
/// history row may keep it), so the cap is also a memory bound.
pub const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

impl Config {
    /// The client's response-body cap: the configured one within
    /// [`MIN_BODY_BYTES`]..=[`MAX_BODY_BYTES`] (the load warns when it is moved), else
    /// the default.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
            .map_or(crate::api::client::DEFAULT_MAX_BODY_BYTES, |n| {
                usize::try_from(n.clamp(MIN_BODY_BYTES, MAX_BODY_BYTES)).unwrap_or(usize::MAX)
            })
    }

    /// What is wrong with the values of a well-formed file, one line each: what is used
    /// instead, or what refuses to run.
    fn value_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(n) = self.max_body_bytes {
            let used = self.max_body_bytes();
            if u64::try_from(used).ok() != Some(n) {
                warnings.push(format!(
                    "max_body_bytes = {n} is outside {MIN_BODY_BYTES}..={MAX_BODY_BYTES}; using {used}"
                ));
            }
        }
        if let Some(name) = &self.profile
            && name != EMBEDDED_PROFILE
            && !self.profiles.contains_key(name)
        {
            warnings.push(format!(
                "profile = \"{}\" names no such [profiles] table in this file: without --profile the explorer and flow refuse to start (add the profile, or use profile = \"{EMBEDDED_PROFILE}\")",
                crate::term_text::clean(name)
            ));
        }
        if let Some(t) = self.timeout_s
            && !valid_timeout(t)
        {
            warnings.push(format!(
                "timeout_s = {t} must be {}: the explorer and flow refuse to start until it is fixed (or --timeout is given); demo uses 40",
                TIMEOUT_RANGE
            ));
        }
        warnings
    }
}

/// `[history]`: read by `history::db::DbLimits::from_config` (and the old JSONL's
/// `history::store::RotationLimits::from_config`, for the one-time import).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryConfig {
    /// Rotate the history file past this many bytes.
    pub max_bytes: Option<u64>,
    /// Rotated files kept.
    pub keep_files: Option<u32>,
    /// Most rows `history.sqlite3` keeps (the oldest go first).
    pub max_rows: Option<u64>,
    /// Most bytes of records `history.sqlite3` keeps (the oldest go first).
    pub max_db_bytes: Option<u64>,
}

/// `[profiles.NAME]`: a real (or `serve`d) endpoint.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub base_url: Option<String>,
    pub brand_id: String,
    /// Name of the environment variable holding the key (default `PAYSECURE_API_KEY`).
    pub api_key_env: Option<String>,
    /// The key itself: discouraged (the file must then be readable by you only).
    pub api_key: Option<String>,
    pub success_redirect: Option<String>,
    pub failure_redirect: Option<String>,
    pub pending_redirect: Option<String>,
    pub success_callback: Option<String>,
    pub failure_callback: Option<String>,
}

/// The config and what to tell the user about it.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
    pub path: Option<PathBuf>,
}

/// Reads the config file at the platform path (absent is fine).
pub fn load() -> Loaded {
    match paths::config_file() {
        Some(path) => load_from(&path),
        None => Loaded::default(),
    }
}

/// Reads a config file; a malformed one yields the defaults and a warning with its line.
pub fn load_from(path: &Path) -> Loaded {
    let mut loaded = Loaded {
        path: Some(path.to_path_buf()),
        ..Loaded::default()
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return loaded,
        Err(e) => {
            // "Not a directory (os error 20)" says nothing of which part is a file.
            let why = path
                .parent()
                .and_then(crate::dir_create::obstacle)
                .unwrap_or_else(|| e.to_string());
            loaded
                .warnings
                .push(format!("config {}: {why}; using defaults", path.display()));
            return loaded;
        }
    };
    match toml::from_str::<Config>(&text) {
        Ok(config) => {
            if holds_a_key(&config) && readable_by_others(path) {
                loaded.warnings.push(format!(
                    "config {} holds an API key and is readable by other users: chmod 600 it, or use api_key_env",
                    path.display()
                ));
            }
            loaded.warnings.extend(
                config
                    .value_warnings()
                    .into_iter()
                    .map(|w| format!("config {}: {w}", path.display())),
            );
            loaded.config = config;
        }
        Err(e) => loaded.warnings.push(format!(
            "config {}: {}; using defaults",
            path.display(),
            toml_error(&text, &e)
        )),
    }
    loaded
}

/// A TOML error as one short line: the line number, the parser's message and at most a
/// short excerpt of the line — never a whole (possibly huge) line, and never the value of
/// a `…key…` setting.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    const EXCERPT: usize = 40;
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return message;
    };
    let start = span.start.min(text.len());
    let line_no = text.as_bytes()[..start]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
    let shown = match line.split_once('=') {
        Some((name, _)) if name.to_ascii_lowercase().contains("key") => {
            format!("{}= …", name.trim_end().to_string() + " ")
        }
        _ => line.to_string(),
    };
    let mut excerpt: String = shown.chars().take(EXCERPT).collect();
    if shown.chars().count() > EXCERPT {
        excerpt.push('…');
    }
    format!("line {line_no}: {message} (`{excerpt}`)")
}

fn holds_a_key(config: &Config) -> bool {
    config
        .profiles
        .values()
        .any(|p| p.api_key.as_deref().is_some_and(|k| !k.trim().is_empty()))
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

/// The commented default config `config --init` writes.
pub const TEMPLATE: &str = r#"# paysecure-explorer configuration. Every setting is optional.

# Colour theme: dark, light, high-contrast, colorblind, or NAME for themes/NAME.toml
# beside this file.
# theme = "dark"

# Per-request timeout in seconds.
# timeout_s = 40

# Longest response body accepted, in bytes; a longer one is a transport error.
# max_body_bytes = 8388608

# Profile used when --profile is not given (otherwise: PAYSECURE_* variables, else the
# embedded sandbox). `--profile embedded` always picks the embedded sandbox.
# profile = "paysecure-sandbox"

[history]
# history.sqlite3 keeps at most this many rows and bytes of records (the oldest tenth
# goes past either).
# max_rows = 1000000
# max_db_bytes = 1073741824
# A record is cut to a quarter of max_bytes (at most 1 MiB); keep_files is how many
# rotated history.N.jsonl the one-time import of the old history.jsonl reads.
# max_bytes = 20971520
# keep_files = 2

# A real endpoint. The key is read from the environment variable named by api_key_env
# (default PAYSECURE_API_KEY): keep keys out of this file. Paysecure cannot reach the
# explorer's merchant stub, so give redirects (and callbacks) your dashboard accepts.
# [profiles.paysecure-sandbox]
# base_url = "https://api.paysecure.net/api/v1"
# brand_id = "your-brand-id"
# api_key_env = "PAYSECURE_API_KEY"
# success_redirect = "https://shop.example/pay/ok"
# failure_redirect = "https://shop.example/pay/fail"
# pending_redirect = "https://shop.example/pay/pending"
# success_callback = "https://shop.example/hooks/paysecure"
# failure_callback = "https://shop.example/hooks/paysecure"
"#;

/// Writes [`TEMPLATE`] to the config path unless a file is there (or `force`).
pub fn init(force: bool) -> Result<PathBuf, String> {
    let path = paths::config_file().ok_or("no config directory (set HOME or XDG_CONFIG_HOME)")?;
    if path.exists() && !force {
        return Err(format!(
            "{} exists; pass --force to overwrite it",
            path.display()
        ));
    }
    if let Some(dir) = path.parent() {
        crate::dir_create::create_dir_all_said(dir)?;
    }
    std::fs::write(&path, TEMPLATE).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `config.toml` path in a directory removed when the guard drops.
    fn tmp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary dir");
        let path = dir.path().join("config.toml");
        (dir, path)
    }

    #[test]
    fn template_parses_to_defaults() {
        let config: Config = toml::from_str(TEMPLATE).expect("template");
        assert_eq!(config, Config::default());
    }

    #[test]
    fn config_errors_show_a_short_excerpt_and_no_key() {
        let huge = format!("theme = \"{}\n", "x".repeat(100_000));
        let e = toml::from_str::<Config>(&huge).expect_err("unterminated");
        let text = toml_error(&huge, &e);
        assert!(text.starts_with("line 1:"), "{text}");
        assert!(text.len() < 200, "{} bytes", text.len());
        let keyed = "[profiles.p]\napi_key = sk_live_secret_value\n";
        let e = toml::from_str::<Config>(keyed).expect_err("bare value");
        let text = toml_error(keyed, &e);
        assert!(
            text.contains("line 2") && !text.contains("sk_live_secret_value"),
            "{text}"
        );
    }

    #[test]
    fn malformed_config_names_the_line() {
        let (_dir, path) = tmp();
        std::fs::write(&path, "theme = \"dark\"\n\n[profiles.x]\nbrand_id = \n").expect("write");
        let loaded = load_from(&path);
        assert_eq!(loaded.config, Config::default());
        assert!(
            loaded.warnings[0].contains("line 4"),
            "{:?}",
            loaded.warnings
        );
    }

    /// A body cap that is moved, or a timeout the explorer and flow refuse, is said when
    /// the file is read (a cap of 100 was raised to 64 KiB, and a huge one was no bound,
    /// without a word); the cap in use is the one said.
    #[test]
    fn values_out_of_range_are_warned_about_with_what_is_used() {
        let (_dir, path) = tmp();
        std::fs::write(&path, "max_body_bytes = 100\ntimeout_s = -5\n").expect("write");
        let loaded = load_from(&path);
        assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
        assert!(
            loaded.warnings[0].contains("max_body_bytes = 100"),
            "{:?}",
            loaded.warnings
        );
        assert!(
            loaded.warnings[0].contains("using 65536"),
            "{:?}",
            loaded.warnings
        );
        assert!(
            loaded.warnings[1].contains("timeout_s = -5"),
            "{:?}",
            loaded.warnings
        );
        assert_eq!(loaded.config.max_body_bytes(), 65_536);
        std::fs::write(&path, "max_body_bytes = 18446744073709551615\n").expect("write");
        let loaded = load_from(&path);
        assert_eq!(loaded.config.max_body_bytes() as u64, MAX_BODY_BYTES);
        assert!(loaded.warnings[0].contains(&format!("using {MAX_BODY_BYTES}")));
        std::fs::write(&path, "profile = \"nope\"\n").expect("write");
        let loaded = load_from(&path);
        assert!(
            loaded.warnings[0].contains("profile = \"nope\" names no"),
            "{:?}",
            loaded.warnings
        );
        std::fs::write(
            &path,
            "profile = \"embedded\"\n[profiles.x]\nbrand_id = \"b\"\n",
        )
        .expect("write");
        assert!(load_from(&path).warnings.is_empty());
        std::fs::write(&path, "max_body_bytes = 1000000\ntimeout_s = 2.5\n").expect("write");
        let loaded = load_from(&path);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(loaded.config.max_body_bytes(), 1_000_000);
    }

    #[test]
    fn unknown_keys_are_errors_too() {
        let (_dir, path) = tmp();
        std::fs::write(&path, "colour = \"red\"\n").expect("write");
        assert!(load_from(&path).warnings[0].contains("colour"));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_in_a_world_readable_file_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = tmp();
        std::fs::write(&path, "[profiles.p]\nbrand_id = \"b\"\napi_key = \"sk\"\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(
            load_from(&path)
                .warnings
                .iter()
                .any(|w| w.contains("readable by other users"))
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(load_from(&path).warnings.is_empty());
    }
}
