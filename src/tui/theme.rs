//! Colour palettes: `themes/*.toml` embedded at build time; a file of the same name in the
//! user's config dir (`$XDG_CONFIG_HOME/paysecure-explorer/themes/NAME.toml`) overrides a
//! shipped one or adds one, and may set only some keys: the rest come from `dark`. A bad
//! file gives a message naming the file, the line, the entry and the reason in plain
//! words, and the default palette.

use std::path::{Path, PathBuf};

use ratatui::style::Color;
use toml::Spanned;

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

/// Every colour key of a theme file, in the order the shipped files list them.
pub const KEYS: &[&str] = &[
    "background",
    "text",
    "muted",
    "accent",
    "border",
    "focus_border",
    "selection_bg",
    "selection_fg",
    "ok",
    "warn",
    "error",
    "live",
    "json_key",
    "json_string",
    "json_number",
    "json_literal",
];

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

    /// The colour a theme-file key sets, if `key` is one of [`KEYS`].
    fn colour_mut(&mut self, key: &str) -> Option<&mut Color> {
        Some(match key {
            "background" => &mut self.background,
            "text" => &mut self.text,
            "muted" => &mut self.muted,
            "accent" => &mut self.accent,
            "border" => &mut self.border,
            "focus_border" => &mut self.focus_border,
            "selection_bg" => &mut self.selection_bg,
            "selection_fg" => &mut self.selection_fg,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "error" => &mut self.error,
            "live" => &mut self.live,
            "json_key" => &mut self.json_key,
            "json_string" => &mut self.json_string,
            "json_number" => &mut self.json_number,
            "json_literal" => &mut self.json_literal,
            _ => return None,
        })
    }
}

/// What is wrong with a theme file, said so that a message can name the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeError {
    /// The line (from 1) of the mistake, when it has a place.
    pub line: Option<usize>,
    /// The entry at fault as written (`accent = "bluish"`), when one is.
    pub entry: Option<String>,
    /// Why, in plain words, with what to write instead.
    pub reason: String,
}

impl ThemeError {
    /// The message for `file` (a path as the user would write it).
    pub fn in_file(&self, file: &str) -> String {
        let place = match self.line {
            Some(line) => format!("{file} line {line}"),
            None => file.to_string(),
        };
        match &self.entry {
            Some(entry) => format!("`{entry}` in {place}: {}", self.reason),
            None => format!("{place}: {}", self.reason),
        }
    }
}

/// What a colour may be, said after every bad one.
const COLOUR_HELP: &str = "not a colour; use a name like `blue`, `#1e90ff` or an index 0–255";

/// Parses a colour: `#rrggbb`, a terminal colour name (`blue`, `lightred`, `reset`…) or an
/// index 0–255 (as text or a number).
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
        .map_err(|_| format!("\"{t}\" is not a colour name, #rrggbb or 0–255"))
}

/// The line (from 1) of byte `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at)
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// The colour a TOML value gives, or why it gives none.
fn colour_of(value: &toml::Value) -> Option<Color> {
    match value {
        toml::Value::String(text) => parse_color(text).ok(),
        toml::Value::Integer(n) => u8::try_from(*n).ok().map(Color::Indexed),
        _ => None,
    }
}

/// Parses a theme file's text over `base`: every key it sets replaces `base`'s colour,
/// every other key keeps it. `name` names the theme unless the file sets `name`.
pub fn parse_over(base: &Theme, name: &str, text: &str) -> Result<Theme, ThemeError> {
    type Entries = std::collections::BTreeMap<Spanned<String>, Spanned<toml::Value>>;
    let entries: Entries = toml::from_str(text).map_err(|e| ThemeError {
        line: e.span().map(|span| line_of(text, span.start)),
        entry: None,
        reason: format!(
            "not valid TOML ({}); a theme file is lines of `key = \"colour\"`",
            e.message().trim_end_matches('\n')
        ),
    })?;
    let mut theme = Theme {
        name: name.to_string(),
        ..base.clone()
    };
    for (key, value) in &entries {
        let written = || {
            let raw = text.get(value.span()).unwrap_or("…").trim();
            Some(format!("{} = {raw}", key.get_ref()))
        };
        let line = Some(line_of(text, key.span().start));
        if key.get_ref() == "name" {
            match value.get_ref() {
                toml::Value::String(n) if !n.trim().is_empty() => theme.name = n.clone(),
                _ => {
                    return Err(ThemeError {
                        line,
                        entry: written(),
                        reason: "a theme's name is a text in quotes, e.g. `name = \"mine\"`".into(),
                    });
                }
            }
            continue;
        }
        let Some(slot) = theme.colour_mut(key.get_ref()) else {
            return Err(ThemeError {
                line,
                entry: written(),
                reason: format!(
                    "`{}` is not a theme key (a typo?); the keys are name, {}",
                    key.get_ref(),
                    KEYS.join(", ")
                ),
            });
        };
        *slot = colour_of(value.get_ref()).ok_or_else(|| ThemeError {
            line,
            entry: written(),
            reason: COLOUR_HELP.into(),
        })?;
    }
    Ok(theme)
}

/// Parses a theme file's text; keys it leaves out come from the default (`dark`) theme.
pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
    parse_over(&default_theme(), name, text)
}

/// Terminal colours: what `dark.toml` is read over, so there is always a theme.
fn terminal_colours() -> Theme {
    Theme {
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
    }
}

/// The built-in default: the shipped `dark.toml` (read over terminal colours; a unit
/// test holds that it parses and sets every key).
pub fn default_theme() -> Theme {
    let base = terminal_colours();
    parse_over(&base, "dark", SHIPPED[0].1).unwrap_or(base)
}

/// Where user themes live: `themes/` in the config dir.
pub fn user_theme_dir() -> Option<PathBuf> {
    crate::config::paths::config_dir().map(|d| d.join("themes"))
}

/// Names of every theme: shipped ones, then user-only ones.
pub fn names(user_dir: Option<&Path>) -> Vec<String> {
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

/// A path short enough for the notice line: the home directory written `~`, and the
/// middle of a long path as `…` (`~/.config/…/themes/mine.toml`); the README says where
/// user themes live.
fn shown_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let full = match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    };
    let parts: Vec<&str> = full.split('/').collect();
    match parts.as_slice() {
        [first, second, .., parent, file] if parts.len() > 4 => {
            format!("{first}/{second}/…/{parent}/{file}")
        }
        _ => full,
    }
}

/// Loads theme `name`: the user's file first (over `dark`), then the shipped one. `Err`
/// carries the message to show; the caller then uses [`default_theme`].
pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{name}.toml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return parse(name, &text).map_err(|e| {
                    format!("{}; using the default theme", e.in_file(&shown_path(&path)))
                });
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "theme file {} could not be read ({e}); using the default theme",
                    shown_path(&path)
                ));
            }
            Err(_) => {}
        }
    }
    match SHIPPED.iter().find(|(n, _)| *n == name) {
        Some((n, text)) => parse(n, text).map_err(|e| e.in_file(&format!("themes/{n}.toml"))),
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
    fn shipped_themes_parse_and_set_every_key() {
        for (name, text) in SHIPPED {
            let theme = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(&theme.name, name);
            // A shipped theme inherits nothing: each says every colour itself.
            let table: toml::Table = toml::from_str(text).expect("table");
            for key in KEYS {
                assert!(table.contains_key(*key), "{name} lacks {key}");
            }
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("#ff0080"), Ok(Color::Rgb(255, 0, 128)));
        assert_eq!(parse_color("yellow"), Ok(Color::Yellow));
        assert_eq!(parse_color("33"), Ok(Color::Indexed(33)));
        assert!(parse_color("#ff00").is_err());
        assert!(parse_color("ultraviolet").is_err());
    }

    #[test]
    fn a_partial_theme_inherits_the_rest_from_dark() {
        let dark = default_theme();
        let mine =
            parse("mine", "# only the accent\naccent = \"blue\"\nok = 33\n").expect("parses");
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.accent, Color::Blue);
        assert_eq!(mine.ok, Color::Indexed(33));
        let expected = Theme {
            name: "mine".into(),
            accent: Color::Blue,
            ok: Color::Indexed(33),
            ..dark
        };
        assert_eq!(mine, expected, "every other key is dark's");
        let named = parse("file-stem", "name = \"Shown name\"").expect("parses");
        assert_eq!(named.name, "Shown name");
    }

    #[test]
    fn a_bad_colour_names_the_entry_the_line_and_what_to_write() {
        let err = parse("mine", "# mine\ntext = \"white\"\naccent = \"bluish\"\n")
            .expect_err("bad colour");
        assert_eq!(
            err.in_file("~/.config/paysecure-explorer/themes/mine.toml"),
            "`accent = \"bluish\"` in ~/.config/paysecure-explorer/themes/mine.toml line 3: \
             not a colour; use a name like `blue`, `#1e90ff` or an index 0–255"
        );
        let err = parse("mine", "ok = 256").expect_err("index out of range");
        assert_eq!(
            (err.line, err.entry.as_deref()),
            (Some(1), Some("ok = 256"))
        );
        let err = parse("mine", "ok = [1, 2]").expect_err("an array");
        assert!(err.reason.starts_with("not a colour"), "{err:?}");
    }

    #[test]
    fn an_unknown_key_is_an_error_that_lists_the_keys() {
        let err = parse("mine", "accent = \"blue\"\nacent = \"red\"").expect_err("typo");
        assert_eq!(err.line, Some(2));
        assert_eq!(err.entry.as_deref(), Some("acent = \"red\""));
        assert!(err.reason.contains("`acent` is not a theme key"), "{err:?}");
        assert!(err.reason.contains("focus_border"), "{err:?}");
        let err = parse("mine", "[colours]\naccent = \"blue\"").expect_err("a table");
        assert!(
            err.reason.contains("`colours` is not a theme key"),
            "{err:?}"
        );
        let err = parse("mine", "name = 3").expect_err("a numeric name");
        assert!(err.reason.contains("text in quotes"), "{err:?}");
    }

    #[test]
    fn a_toml_syntax_error_says_its_line() {
        let err = parse("mine", "accent = \"blue\"\ntext = \n").expect_err("syntax");
        assert_eq!(err.line, Some(2), "{err:?}");
        assert!(err.entry.is_none());
        let message = err.in_file("mine.toml");
        assert!(
            message.starts_with("mine.toml line 2: not valid TOML ("),
            "{message}"
        );
        assert!(
            message.ends_with("a theme file is lines of `key = \"colour\"`"),
            "{message}"
        );
    }

    #[test]
    fn paths_are_shown_short_with_a_tilde_for_home() {
        if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
            && !home.as_os_str().is_empty()
            && home != Path::new("/")
        {
            let path = home.join(".config/paysecure-explorer/themes/mine.toml");
            assert_eq!(shown_path(&path), "~/.config/…/themes/mine.toml");
        }
        assert_eq!(shown_path(Path::new("/etc/x.toml")), "/etc/x.toml");
        assert_eq!(
            shown_path(Path::new("/tmp/pse/config/themes/mine.toml")),
            "/tmp/…/themes/mine.toml"
        );
    }

    #[test]
    fn user_file_overrides_and_bad_files_are_reported() {
        let dir = std::env::temp_dir().join(format!("pse-themes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("dark.toml"), "accent = \"#123456\"").expect("write");
        std::fs::write(dir.join("broken.toml"), "text = \"bluish\"").expect("write");
        let theme = load("dark", Some(&dir)).expect("override");
        assert_eq!(theme.accent, Color::Rgb(0x12, 0x34, 0x56));
        assert_eq!(theme.text, default_theme().text, "inherited");
        let err = load("broken", Some(&dir)).expect_err("bad file");
        assert!(err.contains("broken.toml line 1: not a colour"), "{err}");
        assert!(err.ends_with("; using the default theme"), "{err}");
        assert!(load("nope", Some(&dir)).is_err());
        assert!(names(Some(&dir)).contains(&"broken".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
