//! The layers of `design.md`, checked on the source text: `tui` → `flow` → `api`; the
//! `sandbox` (the emulator) apart, sharing only `api`'s wire types and the `paysecure`
//! facts; `config` below `history`. A file breaks a rule when a non-comment line names a
//! forbidden `crate::LAYER` path (`use crate::sandbox::…;` or an inline
//! `crate::sandbox::start(…)`).

use std::fs;
use std::path::{Path, PathBuf};

/// `(layer, layers it must not name)`.
const RULES: &[(&str, &[&str])] = &[
    ("tui", &["cli", "sandbox"]),
    ("flow", &["sandbox", "tui", "cli"]),
    ("api", &["sandbox", "tui", "flow", "cli", "history"]),
    ("history", &["sandbox", "tui", "flow", "cli"]),
    ("config", &["sandbox", "tui", "flow", "cli", "history"]),
    ("sandbox", &["tui", "flow", "cli", "history", "config"]),
    // Generated code depends on the wire types only; flow, tui and cli use it.
    (
        "codegen",
        &["sandbox", "tui", "flow", "cli", "history", "config"],
    ),
    (
        "paysecure",
        &["sandbox", "tui", "flow", "cli", "api", "history", "config"],
    ),
];

/// Files allowed one forbidden layer, and why.
const ALLOWED: &[(&str, &str, &str)] = &[(
    "flow/target.rs",
    "sandbox",
    "choosing the endpoint includes starting the embedded sandbox (and owning its handle)",
)];

#[test]
fn every_layer_names_only_the_layers_it_may_use() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    let mut allowances_used = vec![false; ALLOWED.len()];
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let Some((layer, forbidden)) = RULES
            .iter()
            .find(|(layer, _)| relative.starts_with(&format!("{layer}/")))
        else {
            continue;
        };
        let text = fs::read_to_string(&file).expect("readable source");
        for (number, line) in code_lines(&text) {
            for target in forbidden.iter().filter(|t| names_layer(&line, t)) {
                let allowance = ALLOWED
                    .iter()
                    .position(|(f, t, _)| *f == relative && t == target);
                match allowance {
                    Some(i) => allowances_used[i] = true,
                    None => broken.push(format!(
                        "src/{relative}:{number}: {layer} must not use crate::{target}: {}",
                        line.trim()
                    )),
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rules broken:\n{}",
        broken.join("\n")
    );
    // An allowance nobody needs any more goes, so the list stays the truth.
    for ((file, target, why), used) in ALLOWED.iter().zip(allowances_used) {
        assert!(
            used,
            "src/{file} no longer uses crate::{target} ({why}): drop the allowance"
        );
    }
}

#[test]
fn the_scan_sees_every_way_a_path_is_written() {
    assert!(names_layer("use crate::sandbox::MerchantEvent;", "sandbox"));
    assert!(names_layer(
        "    let h = crate::sandbox::start(c).await;",
        "sandbox"
    ));
    assert!(names_layer("use crate::{api, sandbox::start};", "sandbox"));
    assert!(names_layer("use crate::sandbox;", "sandbox"));
    assert!(!names_layer("use crate::sandboxed::X;", "sandbox"));
    assert!(!names_layer(
        "use crate::api::{sandbox_note, X};",
        "sandbox"
    ));
    let pieces: Vec<_> = code_lines(
        "//! see crate::sandbox\n/// crate::tui\nuse crate::api;\nuse crate::{\n    api,\n    sandbox::X,\n};\nfn f() {}\n",
    )
    .collect();
    let numbers: Vec<usize> = pieces.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        numbers,
        [3, 4, 8],
        "comments dropped, a grouped use is one piece"
    );
    assert!(names_layer(&pieces[1].1, "sandbox"), "{:?}", pieces[1]);
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The code of `text` as numbered pieces: each line that is not a comment, except that a
/// `use` spanning several lines (a `crate::{…}` group) is one piece, numbered by its first
/// line, so its members are seen together.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, String)> {
    let mut pieces: Vec<(usize, String)> = Vec::new();
    let mut open_use = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        match pieces.last_mut() {
            Some((_, piece)) if open_use => {
                piece.push(' ');
                piece.push_str(line.trim());
            }
            _ => pieces.push((i + 1, line.to_string())),
        }
        let piece = pieces.last().map_or("", |(_, p)| p.trim_start());
        let starts_use = piece.starts_with("use ") || piece.contains(" use ");
        open_use = starts_use && !piece.contains(';');
    }
    pieces.into_iter()
}

/// Whether `line` names `crate::LAYER` as a path: directly, or inside a `crate::{…}` group.
fn names_layer(line: &str, layer: &str) -> bool {
    let direct = format!("crate::{layer}");
    let is_end = |rest: &str| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    if line
        .match_indices(&direct)
        .any(|(at, _)| is_end(&line[at + direct.len()..]))
    {
        return true;
    }
    line.match_indices("crate::{").any(|(at, _)| {
        let group = &line[at + "crate::{".len()..];
        let group = group.split('}').next().unwrap_or(group);
        group
            .split(|c: char| c == ',' || c.is_whitespace())
            .any(|member| member == layer || member.starts_with(&format!("{layer}::")))
    })
}
