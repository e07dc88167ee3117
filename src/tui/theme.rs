//! Colour palettes: `themes/*.toml` embedded at build time; a file of the same name in the
//! user's config dir (`$XDG_CONFIG_HOME/paysecure-explorer/themes/NAME.toml`) overrides a
//! shipped one. A bad file gives a clear message and the default palette.

use std::path::PathBuf;

use ratatui::style::Color;
use serde::Deserialize;

/// The shipped themes, in switching order.
pub const SHIPPED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

/// A palette.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub background: Color,
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub border: Color,
    pub focus_border: Color,
    pub selection_bg: Color,
    pub selection_fg: Color,
    pub ok: Color,
    pub warn: Color,
    pub error: Color,
    pub live: Color,
    pub json_key: Color,
    pub json_string: Color,
    pub json_number: Color,
    pub json_literal: Color,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    background: String,
    text: String,
    muted: String,
    accent: String,
    border: String,
    focus_border: String,
    selection_bg: String,
    selection_fg: String,
    ok: String,
    warn: String,
    error: String,
    live: String,
    json_key: String,
    json_string: String,
    json_number: String,
    json_literal: String,
}

impl Theme {
    /// A list row's style: highlighted when selected, plain text otherwise.
    pub fn row(&self, selected: bool) -> ratatui::style::Style {
        let style = ratatui::style::Style::default();
        if selected {
            style.fg(self.selection_fg).bg(self.selection_bg)
        } else {
            style.fg(self.text)
        }
    }
}

/// Parses `#rrggbb` or a colour name.
pub fn parse_color(text: &str) -> Result<Color, String> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let n = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
            return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
        }
        return Err(format!("\"{t}\" is not #rrggbb"));
    }
    t.parse::<Color>()
        .map_err(|_| format!("\"{t}\" is not a colour name or #rrggbb"))
}

/// Parses a theme file's text.
pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let c = |field: &str, v: &str| parse_color(v).map_err(|e| format!("{field}: {e}"));
    Ok(Theme {
        name: file.name.unwrap_or_else(|| name.to_string()),
        background: c("background", &file.background)?,
        text: c("text", &file.text)?,
        muted: c("muted", &file.muted)?,
        accent: c("accent", &file.accent)?,
        border: c("border", &file.border)?,
        focus_border: c("focus_border", &file.focus_border)?,
        selection_bg: c("selection_bg", &file.selection_bg)?,
        selection_fg: c("selection_fg", &file.selection_fg)?,
        ok: c("ok", &file.ok)?,
        warn: c("warn", &file.warn)?,
        error: c("error", &file.error)?,
        live: c("live", &file.live)?,
        json_key: c("json_key", &file.json_key)?,
        json_string: c("json_string", &file.json_string)?,
        json_number: c("json_number", &file.json_number)?,
        json_literal: c("json_literal", &file.json_literal)?,
    })
}

/// The built-in default (the shipped `dark.toml`); falls back to terminal colours should
/// even that fail to parse, so there is always a theme.
pub fn default_theme() -> Theme {
    parse("dark", SHIPPED[0].1).unwrap_or(Theme {
        name: "dark".into(),
        background: Color::Reset,
        text: Color::White,
        muted: Color::Gray,
        accent: Color::Cyan,
        border: Color::DarkGray,
        focus_border: Color::Cyan,
        selection_bg: Color::DarkGray,
        selection_fg: Color::White,
        ok: Color::Green,
        warn: Color::Yellow,
        error: Color::Red,
        live: Color::Magenta,
        json_key: Color::Blue,
        json_string: Color::Green,
        json_number: Color::Magenta,
        json_literal: Color::Yellow,
    })
}

/// Where user themes live: `themes/` in the config dir.
pub fn user_theme_dir() -> Option<PathBuf> {
    crate::config::paths::config_dir().map(|d| d.join("themes"))
}

/// Names of every theme: shipped ones, then user-only ones.
pub fn names(user_dir: Option<&std::path::Path>) -> Vec<String> {
    let mut names: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(dir) = user_dir
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let path = e.path();
                (path.extension()? == "toml")
                    .then(|| path.file_stem()?.to_str().map(str::to_string))?
            })
            .filter(|n| !names.contains(n))
            .collect();
        extra.sort();
        names.extend(extra);
    }
    names
}

/// Loads theme `name`: the user's file first, then the shipped one. `Err` carries the
/// message to show; the caller then uses [`default_theme`].
pub fn load(name: &str, user_dir: Option<&std::path::Path>) -> Result<Theme, String> {
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{name}.toml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return parse(name, &text).map_err(|e| {
                    format!(
                        "theme file {}: {e}; using the default theme",
                        path.display()
                    )
                });
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "theme file {}: {e}; using the default theme",
                    path.display()
                ));
            }
            Err(_) => {}
        }
    }
    match SHIPPED.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => parse(n, text),
        None => Err(format!(
            "no theme named \"{name}\" (shipped: {}); using the default theme",
            SHIPPED
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_themes_parse() {
        for (name, text) in SHIPPED {
            let theme = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&theme.name, name);
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("#ff0080"), Ok(Color::Rgb(255, 0, 128)));
        assert_eq!(parse_color("yellow"), Ok(Color::Yellow));
        assert!(parse_color("#ff00").is_err());
        assert!(parse_color("ultraviolet").is_err());
    }

    #[test]
    fn user_file_overrides_and_bad_files_are_reported() {
        let dir = std::env::temp_dir().join(format!("pse-themes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let custom = SHIPPED[0].1.replace("#88c0d0", "#123456");
        std::fs::write(dir.join("dark.toml"), custom).expect("write");
        std::fs::write(dir.join("broken.toml"), "text = 12").expect("write");
        let theme = load("dark", Some(&dir)).expect("override");
        assert_eq!(theme.accent, Color::Rgb(0x12, 0x34, 0x56));
        let err = load("broken", Some(&dir)).expect_err("bad file");
        assert!(err.contains("broken.toml"), "{err}");
        assert!(load("nope", Some(&dir)).is_err());
        assert!(names(Some(&dir)).contains(&"broken".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
