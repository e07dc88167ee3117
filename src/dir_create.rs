//! Creating a directory with its parents, with an error that names the real obstacle.
//! `std::fs::create_dir_all` on `notes.txt/history` answers "File exists (os error 17)"
//! or "Not a directory (os error 20)", which reads as if the history file itself were in
//! the way; every place that makes a data, state, config or scenario dir says instead
//! which part of the path is a file.

use std::io;
use std::path::Path;

/// `std::fs::create_dir_all(dir)`; when it fails because `dir` or one of its parents
/// exists but is not a directory, the error says "X is a file, not a directory" (same
/// kind as the original).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| match blocking_file(dir) {
        Some(file) => io::Error::new(
            e.kind(),
            format!("{} is a file, not a directory", file.display()),
        ),
        None => e,
    })
}

/// The first existing part of `dir` (from the root down) that is not a directory.
fn blocking_file(dir: &Path) -> Option<&Path> {
    let mut parts: Vec<&Path> = dir
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    parts.reverse();
    parts.into_iter().find(|p| {
        // `metadata` follows links: a link to a directory is a directory.
        std::fs::metadata(p).is_ok_and(|m| !m.is_dir())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pse-dir-create-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn a_file_in_place_of_the_dir_is_named() {
        let base = scratch("self");
        let file = base.join("notes.txt");
        std::fs::write(&file, "x").expect("file");
        let e = create_dir_all(&file).expect_err("a file is no dir");
        assert_eq!(
            e.to_string(),
            format!("{} is a file, not a directory", file.display())
        );
    }

    #[test]
    fn a_file_among_the_parents_is_named() {
        let base = scratch("parent");
        let file = base.join("notes.txt");
        std::fs::write(&file, "x").expect("file");
        let e = create_dir_all(&file.join("a/b")).expect_err("under a file");
        assert_eq!(
            e.to_string(),
            format!("{} is a file, not a directory", file.display())
        );
    }

    #[test]
    fn a_dir_is_made_with_its_parents_and_an_existing_one_is_fine() {
        let base = scratch("made");
        let dir = base.join("a/b/c");
        create_dir_all(&dir).expect("made");
        assert!(dir.is_dir());
        create_dir_all(&dir).expect("already there");
    }
}
