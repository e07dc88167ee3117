//! Opening history files without trusting what is at the path: a FIFO would block the
//! open (forever, with no one at the other end), a device would read as endless data, a
//! symbolic link would send writes elsewhere. Such a path is refused at once, with a
//! message that says what is there.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// What is at `path` when it is not a regular file (`None`: absent or a regular file).
pub fn refusal(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let ft = meta.file_type();
    let what = if ft.is_file() {
        return None;
    } else if ft.is_symlink() {
        "a symbolic link (not followed)"
    } else if ft.is_dir() {
        "a directory"
    } else {
        special_kind(&ft)
    };
    Some(format!(
        "{} is {what}, not a regular file: refused",
        path.display()
    ))
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_ft: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

fn refused(path: &Path) -> io::Result<()> {
    match refusal(path) {
        Some(why) => Err(io::Error::other(why)),
        None => Ok(()),
    }
}

/// Never follow a final symlink, never block on a FIFO swapped in after the check.
fn guard(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        let flags = (OFlags::NOFOLLOW | OFlags::NONBLOCK).bits();
        std::os::unix::fs::OpenOptionsExt::custom_flags(options, i32::try_from(flags).unwrap_or(0));
    }
    #[cfg(not(unix))]
    let _ = options;
}

/// Tries to take an exclusive advisory lock on `file` without waiting: `Ok(false)` when
/// another holder has it.
#[cfg(unix)]
pub fn try_lock(file: &File) -> io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Releases the lock taken by [`try_lock`].
#[cfg(unix)]
pub fn unlock(file: &File) {
    let _ = rustix::fs::flock(file, rustix::fs::FlockOperation::Unlock);
}

/// Without flock, appends are not serialised across processes (ids may repeat there).
#[cfg(not(unix))]
pub fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
pub fn unlock(_file: &File) {}

/// The opened file must be regular too (the path may have changed since the check).
fn checked(file: File, path: &Path) -> io::Result<File> {
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::other(format!(
            "{} is not a regular file: refused",
            path.display()
        )))
    }
}

/// Opens `path` for reading; `Ok(None)` when nothing is there.
pub fn open_read(path: &Path) -> io::Result<Option<File>> {
    refused(path)?;
    let mut options = OpenOptions::new();
    options.read(true);
    guard(&mut options);
    match options.open(path) {
        Ok(file) => checked(file, path).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Opens (creating, owner-only) `path` for appending; with `read`, for reading too.
pub fn open_append(path: &Path, read: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true).read(read);
    open_owner_only(path, &mut options)
}

/// Opens `path` with `options`, creating it owner-only, refusing what is not a regular
/// file before and after the open.
fn open_owner_only(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    refused(path)?;
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    guard(options);
    checked(options.open(path)?, path)
}

/// Writes `text` to `path` as an export: owner-only when created (an export holds the
/// customers' emails and names, like the history it comes from), never through a link
/// or into a FIFO or device.
pub fn write_export(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    let mut file = open_owner_only(path, &mut options)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_owner_only_and_replaces_what_was_there() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.har");
        write_export(&path, "first, and longer").expect("write");
        write_export(&path, "second").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "second");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn links_directories_and_devices_are_named_and_refused() {
        let dir = std::env::temp_dir().join(format!("pse-safe-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("dir");
        let target = dir.join("target");
        std::fs::write(&target, "keep").expect("file");
        std::os::unix::fs::symlink(&target, dir.join("link")).expect("link");
        let err = open_append(&dir.join("link"), false).expect_err("link");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).expect("file"), "keep");
        let err = open_append(&dir.join("sub"), false).expect_err("dir");
        assert!(err.to_string().contains("a directory"), "{err}");
        let err = open_read(Path::new("/dev/zero")).expect_err("device");
        assert!(err.to_string().contains("a device"), "{err}");
        assert!(open_read(&dir.join("absent")).expect("ok").is_none());
        let err = write_export(&dir.join("link"), "x").expect_err("link");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).expect("file"), "keep");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
