//! Creating a directory with its parents, with an error that names the real obstacle.
//! `std::fs::create_dir_all` on `notes.txt/history` answers "File exists (os error 17)"
//! or "Not a directory (os error 20)", which reads as if the history file itself were in
//! the way; every place that makes a data, state, config or scenario dir says instead
//! which part of the path is a file.

use std::io;
use std::path::Path;

/// `std::fs::create_dir_all(dir)`; when it fails because `dir` or one of its parents
/// exists but is not a directory (or is a link to nothing), the error says so, naming that
/// part (same kind as the original).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| match obstacle(dir) {
        Some(why) => io::Error::new(e.kind(), why),
        None => e,
    })
}

/// [`create_dir_all`] with its error as one line naming the path once: the part in the way
/// when there is one, else `DIR: <the system's error>`.
pub fn create_dir_all_said(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| obstacle(dir).unwrap_or_else(|| format!("{}: {e}", dir.display())))
}

/// Why `dir` cannot be a directory, naming the first part of it (from the root down) in
/// the way: "X is a file, not a directory", "X is not a directory" (a FIFO, a socket, a
/// device), "X is a symbolic link to Y, which does not exist". `None` when no part is in
/// the way (the dir exists, or can be made as far as the names go).
pub fn obstacle(dir: &Path) -> Option<String> {
    let mut parts: Vec<&Path> = dir
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    parts.reverse();
    parts.into_iter().find_map(|part| {
        // `metadata` follows links: a link to a directory is a directory.
        match std::fs::metadata(part) {
            Ok(m) if m.is_dir() => None,
            Ok(m) if m.is_file() => Some(format!("{} is a file, not a directory", part.display())),
            Ok(_) => Some(format!("{} is not a directory", part.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => dangling(part),
            Err(_) => None,
        }
    })
}

/// A link whose target is missing: `create_dir_all` cannot make a directory there.
fn dangling(part: &Path) -> Option<String> {
    link_to_nothing(part).map(|why| format!("{} {why}", part.display()))
}

/// "is a symbolic link to Y, which does not exist" when `path` is a link whose target is
/// missing (opening it to create a file answers "File exists"), else `None`.
pub fn link_to_nothing(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    // Only a missing target: a loop or an unreadable one is another story, told by the
    // system's own error.
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        _ => return None,
    }
    Some(format!(
        "is a symbolic link to {}, which does not exist",
        target.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_place_of_the_dir_or_among_its_parents_is_named() {
        let base = tempfile::tempdir().expect("scratch dir");
        let file = base.path().join("notes.txt");
        std::fs::write(&file, "x").expect("file");
        let named = format!("{} is a file, not a directory", file.display());
        for dir in [file.clone(), file.join("a/b")] {
            let e = create_dir_all(&dir).expect_err("a file is no dir");
            assert_eq!(e.to_string(), named, "{}", dir.display());
        }
        assert_eq!(
            std::fs::read_to_string(&file).expect("file"),
            "x",
            "untouched"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_nothing_is_named_with_its_target() {
        let base = tempfile::tempdir().expect("scratch dir");
        let link = base.path().join("data");
        std::os::unix::fs::symlink(base.path().join("gone"), &link).expect("link");
        let e = create_dir_all(&link.join("sub")).expect_err("a link to nothing");
        assert!(
            e.to_string().contains("is a symbolic link to") && e.to_string().contains("gone"),
            "{e}"
        );
    }

    #[test]
    fn a_dir_is_made_with_its_parents_and_an_existing_one_is_fine() {
        let base = tempfile::tempdir().expect("scratch dir");
        let dir = base.path().join("a/b/c");
        create_dir_all(&dir).expect("made");
        assert!(dir.is_dir());
        create_dir_all(&dir).expect("already there");
        assert_eq!(obstacle(&dir), None);
    }
}
