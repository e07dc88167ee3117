//! `paysecure-explorer serve --port 0 --json` as a child process, its facts line read:
//! shared by the CLI, history, serve and sandbox-state tests. Killed on drop.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

pub struct Served {
    child: Child,
    /// The facts line (`base_url`, `api_key`, `brand_id`, `control_url`, …).
    pub facts: Value,
}

impl Served {
    /// `serve --port 0 --json` plus `extra`. With `dirs`, its data and config dirs are
    /// `dirs/data` and `dirs/config`; stderr is kept for [`Served::stop`].
    pub fn start(dirs: Option<&Path>, extra: &[&str]) -> Served {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--port", "0", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dirs) = dirs {
            command
                .env("PAYSECURE_EXPLORER_DATA_DIR", dirs.join("data"))
                .env("PAYSECURE_EXPLORER_CONFIG_DIR", dirs.join("config"));
        }
        let mut child = command.spawn().expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("a facts line");
        let facts = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!(
                "facts line {line:?}: {e}; stderr: {}",
                stderr_of(&mut child)
            )
        });
        Served { child, facts }
    }

    /// One fact of the JSON line, as it is.
    pub fn raw_fact(&self, key: &str) -> &serde_json::Value {
        &self.facts[key]
    }

    /// One fact of the JSON line, as text.
    pub fn fact(&self, key: &str) -> String {
        self.raw_fact(key)
            .as_str()
            .unwrap_or_else(|| panic!("{key} missing"))
            .to_string()
    }

    /// The `PAYSECURE_*` variables that point `flow` at this sandbox as a remote endpoint.
    pub fn env(&self) -> [(&'static str, &str); 3] {
        let fact = |k: &str| self.facts[k].as_str().expect("a fact of the JSON line");
        [
            ("PAYSECURE_API_KEY", fact("api_key")),
            ("PAYSECURE_BRAND_ID", fact("brand_id")),
            ("PAYSECURE_BASE_URL", fact("base_url")),
        ]
    }

    /// Stops the server with SIGKILL (`Child::kill` on Unix: no shutdown code runs) and
    /// returns everything it wrote on stderr.
    pub fn stop(mut self) -> String {
        stderr_of(&mut self.child)
    }
}

/// Kills the child and returns what it wrote on stderr.
fn stderr_of(child: &mut Child) -> String {
    let _ = child.kill();
    let _ = child.wait();
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
