//! Directories a test process keeps in the system's temp dir (`PREFIX…-PID`). They stay
//! after the run, for a look after a failure; the next run that uses the same prefix
//! removes those of runs whose process is gone, so runs do not pile them up (a run still
//! going keeps its own). The removal is Linux only: it asks `/proc`.

use std::path::PathBuf;
use std::sync::Mutex;

/// `{temp}/{prefix}{name}-{pid}` for this process, once the dirs earlier runs left under
/// `prefix` are removed.
pub fn run_dir(prefix: &str, name: &str) -> PathBuf {
    remove_earlier_runs(prefix);
    std::env::temp_dir().join(format!("{prefix}{name}-{}", std::process::id()))
}

/// Removes, once per prefix and process, the `{prefix}…-{pid}` dirs of processes gone.
fn remove_earlier_runs(prefix: &str) {
    static DONE: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut done = DONE.lock().unwrap_or_else(|p| p.into_inner());
    if !cfg!(target_os = "linux") || done.iter().any(|p| p == prefix) {
        return;
    }
    done.push(prefix.to_string());
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let Some(pid) = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = !std::path::Path::new(&format!("/proc/{pid}")).exists();
        if pid != std::process::id() && gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
