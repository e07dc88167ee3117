//! Where the explorer keeps things: the platform config and data dirs (XDG on Linux),
//! each overridable for tests and for people who want them elsewhere.

use std::path::PathBuf;

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home().map(|h| h.join(fallback)))
}

/// An override from the environment; an empty one counts as unset (`VAR= cmd` put the
/// history and the sandbox state in the current directory).
fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `PAYSECURE_EXPLORER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/paysecure-explorer`, else
/// `~/.config/paysecure-explorer`.
pub fn config_dir() -> Option<PathBuf> {
    env_dir("PAYSECURE_EXPLORER_CONFIG_DIR")
        .or_else(|| xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("paysecure-explorer")))
}

/// `--data-dir`, else `PAYSECURE_EXPLORER_DATA_DIR`, else `$XDG_DATA_HOME/paysecure-explorer`,
/// else `~/.local/share/paysecure-explorer`.
pub fn data_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| env_dir("PAYSECURE_EXPLORER_DATA_DIR"))
        .or_else(|| xdg("XDG_DATA_HOME", ".local/share").map(|d| d.join("paysecure-explorer")))
}

/// The config file.
pub fn config_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}
