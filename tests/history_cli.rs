//! History that lasts, exports, scenarios, config and profiles — through the real binary,
//! each test in its own data and config dirs.

#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

struct Dirs {
    base: PathBuf,
}

impl Dirs {
    fn new(name: &str) -> Dirs {
        let base = std::env::temp_dir().join(format!("pse-hist-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("config")).expect("dirs");
        Dirs { base }
    }
    fn data(&self) -> PathBuf {
        self.base.join("data")
    }
    fn config(&self) -> PathBuf {
        self.base.join("config")
    }
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", self.data())
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", self.config())
            .env_remove("PAYSECURE_API_KEY")
            .env_remove("PAYSECURE_BRAND_ID")
            .env_remove("PAYSECURE_BASE_URL");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("runs")
    }
}

impl Drop for Dirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn result(o: &Output) -> Value {
    let text = stdout(o);
    serde_json::from_str(text.lines().last().expect("a line")).expect("json")
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn flows_persist_history_with_no_card_cvc_or_key_on_disk() {
    let d = Dirs::new("redact");
    let cards = [
        "4444333322221111",
        "4999000000000120",
        "4111111111111111",
        "4984823599573265",
    ];
    for card in cards {
        d.run(
            &[
                "flow", "--json", "--card", card, "--cvc", "987", "--otp", "123456",
            ],
            &[],
        );
    }
    d.run(&["flow", "--json", "--scenario", "happy-3ds"], &[]);
    let files = all_files(&d.data());
    assert!(!files.is_empty(), "history was written");
    // Every file: the history, and the embedded sandbox's state (SQLite, read as bytes).
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().ends_with("sandbox-state.sqlite3")),
        "{files:?}"
    );
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).expect("read")).into_owned();
        for card in cards {
            assert!(!text.contains(card), "{card} in {}", f.display());
        }
        assert!(!text.contains("\"cvc\""), "a CVC field in {}", f.display());
        assert!(
            !text.contains("sk_test_sandbox_paysecure_explorer"),
            "the API key in {}",
            f.display()
        );
        assert!(
            !text.to_ascii_lowercase().contains("authorization"),
            "an Authorization header in {}",
            f.display()
        );
    }
    let listed = d.run(&["history", "--json"], &[]);
    let records: Vec<Value> = stdout(&listed)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert!(records.len() >= 5 * 3, "{} records", records.len());
    assert!(
        records.iter().any(|r| r["kind"] == "webhook"),
        "merchant-stub deliveries are recorded"
    );
    assert!(records.iter().any(|r| {
        r["request_body"]
            .as_str()
            .is_some_and(|b| b.contains("444433******1111"))
    }));
}

#[test]
fn history_lists_filters_limits_and_exports_har() {
    let d = Dirs::new("list");
    let out = d.run(&["flow", "--json", "--otp", "123456"], &[]);
    let id = result(&out)["purchase_id"]
        .as_str()
        .expect("id")
        .to_string();
    d.run(&["flow", "--json", "--card", "4999000000000120"], &[]);
    let mine = d.run(&["history", "--json", "--purchase", &id], &[]);
    let rows: Vec<Value> = stdout(&mine)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert!(rows.len() >= 5);
    assert!(rows.iter().all(|r| r["purchase_id"] == id.as_str()));
    let two = d.run(&["history", "--json", "--limit", "2"], &[]);
    assert_eq!(stdout(&two).lines().count(), 2);
    let readable = d.run(&["history"], &[]);
    assert!(stdout(&readable).contains("POST /api/v1/purchases/"));
    let har_path = d.base.join("out.har");
    let har = d.run(
        &[
            "history",
            "--purchase",
            &id,
            "--export-har",
            har_path.to_str().expect("path"),
        ],
        &[],
    );
    assert_eq!(har.status.code(), Some(0), "{}", stderr(&har));
    #[cfg(unix)]
    {
        // The export holds what the history holds (emails, names): owner-only.
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&har_path)
            .expect("har")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&har_path).expect("har")).expect("json");
    assert_eq!(doc["log"]["version"], "1.2");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), rows.len());
    assert!(
        entries
            .iter()
            .all(|e| e["request"]["method"].is_string() && e["response"]["status"].is_number())
    );
    // `-` is standard output, not a file named `-`.
    let piped = d.run(&["history", "--purchase", &id, "--export-har", "-"], &[]);
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    let doc: Value = serde_json::from_str(&stdout(&piped)).expect("HAR on stdout");
    assert_eq!(
        doc["log"]["entries"].as_array().map(Vec::len),
        Some(rows.len())
    );
    // A one-record output with list options is a usage error, not one of them ignored.
    for args in [
        &["history", "--curl", "1", "--export-har", "x.har"][..],
        &["history", "--curl", "1", "--code", "python", "2"],
        &["history", "--json", "--curl", "1"],
        &["history", "--purchase", &id, "--curl", "1"],
        &["history", "--limit", "1", "--code", "curl", "2"],
    ] {
        let out = d.run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("cannot be used with"), "{args:?}");
    }
}

fn json_rows(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

#[test]
fn history_purchase_takes_an_id_prefix_and_refuses_an_ambiguous_one() {
    let d = Dirs::new("prefix");
    let first = result(&d.run(&["flow", "--json", "--otp", "123456"], &[]))["purchase_id"]
        .as_str()
        .expect("id")
        .to_string();
    let second = result(&d.run(&["flow", "--json"], &[]))["purchase_id"]
        .as_str()
        .expect("id")
        .to_string();
    let full = json_rows(&d.run(&["history", "--json", "--purchase", &first], &[]));
    assert!(full.len() >= 5);
    // The shortest prefix that tells the two apart, upper-cased as someone might paste it.
    let common = first
        .chars()
        .zip(second.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = first[..=common].to_ascii_uppercase();
    let by_prefix = json_rows(&d.run(&["history", "--json", "--purchase", &prefix], &[]));
    assert_eq!(
        by_prefix, full,
        "{prefix} selects the same records as the id"
    );
    // Ids begin with their creation time in hex, so two made a moment apart share a start.
    assert!(common >= 1, "{first} / {second}");
    let ambiguous = d.run(&["history", "--purchase", &first[..common]], &[]);
    assert_eq!(ambiguous.status.code(), Some(2));
    let err = stderr(&ambiguous);
    assert!(
        err.contains(&first) && err.contains(&second),
        "names both: {err}"
    );
    let none = d.run(&["history", "--purchase", "ffffffffff"], &[]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no purchase"), "{}", stderr(&none));
}

#[test]
fn landings_are_listed_with_their_purchase() {
    let d = Dirs::new("landing");
    let id = result(&d.run(&["flow", "--json", "--otp", "123456"], &[]))["purchase_id"]
        .as_str()
        .expect("id")
        .to_string();
    let rows = json_rows(&d.run(&["history", "--json", "--purchase", &id], &[]));
    let landing = rows
        .iter()
        .find(|r| r["kind"] == "landing")
        .expect("the merchant stub's landing is among the purchase's records");
    assert_eq!(landing["purchase_id"], id.as_str());
    let url = landing["url"].as_str().expect("url");
    assert!(
        url.starts_with("http://127.0.0.1:")
            && url.ends_with(&format!("/merchant/return/success?purchaseId={id}")),
        "{url}"
    );
    let webhook = rows
        .iter()
        .find(|r| r["kind"] == "webhook")
        .expect("the webhook too");
    assert!(
        webhook["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:") && u.ends_with("/merchant/webhook")),
        "{webhook}"
    );
}

#[test]
fn the_listing_shows_date_and_time_in_utc() {
    let d = Dirs::new("dates");
    d.run(&["flow", "--json"], &[]);
    let rows = json_rows(&d.run(&["history", "--json"], &[]));
    let newest = rows.first().expect("a record");
    let ms = newest["started_at_ms"].as_i64().expect("started_at_ms");
    let expected = format!(
        "{} {} UTC",
        paysecure_explorer::clock::iso_date(ms.div_euclid(1000)),
        paysecure_explorer::clock::clock_time(ms)
    );
    let listing = stdout(&d.run(&["history"], &[]));
    let line = listing.lines().next().expect("a line");
    assert!(
        line.trim_start()
            .starts_with(&format!("{}  {expected}  ", newest["id"])),
        "{line} should show {expected}"
    );
}

#[test]
fn an_old_jsonl_history_is_imported_once_with_damaged_lines_counted() {
    let d = Dirs::new("damaged");
    d.run(&["flow", "--json"], &[]);
    // The records as the old store wrote them (one JSON line each, oldest first).
    let mut lines: Vec<String> = stdout(&d.run(&["history", "--json"], &[]))
        .lines()
        .map(str::to_string)
        .collect();
    lines.reverse();
    let good = lines.len();
    assert!(good >= 2, "{good}");
    for f in all_files(&d.data()) {
        if f.to_string_lossy().contains("history.sqlite3") {
            std::fs::remove_file(&f).expect("rm");
        }
    }
    let path = d.data().join("history.jsonl");
    let mut text = lines.join("\n");
    text.push_str("\nnot json at all\n{\"v\":1,\"id\":999,\"kind\":\"api\",\"trunc");
    std::fs::write(&path, &text).expect("old store");
    let out = d.run(&["history", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let mut listed: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    listed.reverse();
    assert_eq!(listed, lines, "every record, as it was");
    let err = stderr(&out);
    assert!(err.contains("2 unreadable record(s) skipped"), "{err}");
    assert!(err.contains(&format!("imported {good} record(s)")), "{err}");
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_to_string(d.data().join("history.jsonl.imported")).expect("kept"),
        text,
        "the file is kept as it was"
    );
    // Once only: nothing more is imported or doubled.
    let again = d.run(&["history", "--json"], &[]);
    assert_eq!(stdout(&again).lines().count(), good);
    assert!(!stderr(&again).contains("imported"), "{}", stderr(&again));
}

#[test]
fn a_damaged_database_is_kept_aside_and_a_fresh_history_starts() {
    let d = Dirs::new("damaged-db");
    std::fs::create_dir_all(d.data()).expect("dir");
    let junk = b"not an SQLite file: damage of some kind\n".repeat(200);
    std::fs::write(d.data().join("history.sqlite3"), &junk).expect("junk");
    let out = d.run(&["flow", "--json", "--otp", "123456"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("was damaged") && err.contains("history.sqlite3.damaged-"),
        "{err}"
    );
    let aside: Vec<PathBuf> = all_files(&d.data())
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("history.sqlite3.damaged-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(&aside[0]).expect("kept"),
        junk,
        "kept as it was"
    );
    let listed = json_rows(&d.run(&["history", "--json"], &[]));
    assert!(!listed.is_empty(), "the flow went into the fresh history");
}

#[test]
fn unusable_data_dir_does_not_stop_a_flow() {
    let d = Dirs::new("unusable");
    let blocker = d.base.join("file-not-dir");
    std::fs::write(&blocker, "x").expect("file");
    let out = d.run(
        &[
            "--data-dir",
            blocker.to_str().expect("path"),
            "flow",
            "--json",
            "--otp",
            "123456",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("history not saved"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_size_limit_follows_the_config() {
    let d = Dirs::new("rotate");
    std::fs::write(
        d.config().join("config.toml"),
        "[history]\nmax_db_bytes = 65536\n",
    )
    .expect("config");
    let mut first_ids = Vec::new();
    for _ in 0..8 {
        d.run(&["flow", "--json", "--otp", "123456"], &[]);
        let rows = json_rows(&d.run(&["history", "--json"], &[]));
        first_ids.push(rows.last().map(|r| r["id"].as_u64()));
        let stored: usize = stdout(&d.run(&["history", "--json"], &[]))
            .lines()
            .map(str::len)
            .sum();
        assert!(stored <= 65_536, "{stored} bytes of records kept");
    }
    assert_ne!(first_ids.first(), first_ids.last(), "the oldest rows went");
}

#[test]
fn shipped_scenarios_end_as_they_say() {
    let d = Dirs::new("scenarios");
    // Each shipped file's own `expect` (what `scenarios` lists), so the files, the listing
    // and the sandbox cannot drift apart.
    for (name, _) in paysecure_explorer::flow::scenario::SHIPPED {
        let scenario = paysecure_explorer::flow::scenario::load(name, None).expect(name);
        let expect = scenario
            .expect
            .unwrap_or_else(|| panic!("shipped scenario {name} states no `expect`"));
        let out = d.run(&["flow", "--json", "--scenario", name], &[]);
        assert_eq!(
            result(&out)["status"],
            expect.as_str(),
            "{name}: {}",
            stdout(&out)
        );
    }
    let out = d.run(&["flow", "--scenario", "no-such"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("happy-3ds"), "lists the known ones");
}

#[test]
fn config_path_init_and_malformed_config() {
    let d = Dirs::new("config");
    let out = d.run(&["config", "--path"], &[]);
    assert_eq!(
        stdout(&out).trim(),
        d.config().join("config.toml").display().to_string()
    );
    assert_eq!(d.run(&["config", "--init"], &[]).status.code(), Some(0));
    let text = std::fs::read_to_string(d.config().join("config.toml")).expect("written");
    assert!(text.contains("[profiles.paysecure-sandbox]"));
    assert_eq!(
        d.run(&["config", "--init"], &[]).status.code(),
        Some(2),
        "no silent overwrite"
    );
    std::fs::write(
        d.config().join("config.toml"),
        "theme = \"dark\"\n[history\n",
    )
    .expect("bad");
    let out = d.run(&["flow", "--json"], &[]);
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    assert_eq!(
        result(&out)["status"],
        "pending_execute",
        "the flow still runs on defaults"
    );
}

#[cfg(unix)]
#[test]
fn a_key_in_a_shared_config_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dirs::new("perm");
    let path = d.config().join("config.toml");
    std::fs::write(&path, "[profiles.p]\nbrand_id = \"b\"\napi_key = \"sk\"\n").expect("config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = d.run(&["config"], &[]);
    assert!(
        stderr(&out).contains("readable by other users"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn profile_targets_a_served_sandbox_and_curl_reproduces_the_status() {
    let served = Served::start(None, &["--quiet"]);
    let facts = &served.facts;
    let d = Dirs::new("profile");
    let base = facts["base_url"].as_str().expect("base");
    let origin = base.trim_end_matches("/api/v1");
    std::fs::write(
        d.config().join("config.toml"),
        format!(
            "[profiles.local]\nbase_url = \"{base}\"\nbrand_id = \"{}\"\napi_key_env = \"LOCAL_KEY\"\nsuccess_redirect = \"{origin}/merchant/return/success\"\nfailure_redirect = \"{origin}/merchant/return/failure\"\n",
            facts["brand_id"].as_str().expect("brand")
        ),
    )
    .expect("config");
    let key = facts["api_key"].as_str().expect("key");
    let out = d.run(
        &["--profile", "local", "flow", "--json", "--otp", "123456"],
        &[("LOCAL_KEY", key)],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(result(&out)["landed"], "success");
    let missing = d.run(&["--profile", "local", "flow", "--json"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("$LOCAL_KEY"));
    // The recorded status GET, replayed with curl, answers the same status.
    let rows = d.run(&["history", "--json"], &[]);
    let status_get = stdout(&rows)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .find(|r| {
            r["method"] == "GET" && r["url"].as_str().is_some_and(|u| u.contains("/purchases/"))
        })
        .expect("a status GET");
    let curl = d.run(&["history", "--curl", &status_get["id"].to_string()], &[]);
    let command = stdout(&curl);
    assert!(command.contains("$PAYSECURE_API_KEY") && !command.contains(key));
    if Command::new("curl").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true: curl must be installed (.ci/run installs it)"
        );
        eprintln!("NOTICE: curl not found; skipping the replay of the recorded curl command");
        return;
    }
    let ran = Command::new("sh")
        .args([
            "-c",
            &format!("{} -o /dev/null -w '%{{http_code}}'", command.trim()),
        ])
        .env("PAYSECURE_API_KEY", key)
        .output()
        .expect("curl");
    assert_eq!(
        String::from_utf8_lossy(&ran.stdout),
        status_get["status"].to_string()
    );
}

/// `tests/node`, with `har-validator` installed (by `npm ci` here if need be); `None`
/// (after a notice) when node or npm is missing, which fails under `CI=true`.
fn har_validator() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let works = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !works("node") || !works("npm") {
        assert!(
            !ci,
            "CI=true: node and npm must be installed (.ci/run installs them)"
        );
        eprintln!("NOTICE: node or npm not found; skipping the HAR 1.2 schema validation");
        return None;
    }
    if !dir.join("node_modules/har-validator").is_dir() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .expect("npm runs");
        if !installed.status.success() {
            assert!(
                !ci,
                "CI=true: npm ci in tests/node failed: {}",
                stderr(&installed)
            );
            eprintln!(
                "NOTICE: npm ci in tests/node failed; skipping the HAR 1.2 schema validation\n{}",
                stderr(&installed)
            );
            return None;
        }
    }
    Some(dir)
}

#[test]
fn har_export_validates_against_the_har_1_2_schema() {
    let d = Dirs::new("har-schema");
    // create, S2S, callback page, challenge answer, landing, status, webhook, stub landing;
    // then a coded error and a transport failure (no response at all).
    d.run(&["flow", "--json", "--otp", "123456"], &[]);
    d.run(&["flow", "--json", "--card", "4999000000000120"], &[]);
    d.run(&["flow", "--json", "--card", "4999000000000328"], &[]);
    let path = d.base.join("all.har");
    let export = d.run(
        &["history", "--export-har", path.to_str().expect("path")],
        &[],
    );
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("har")).expect("json");
    let urls: Vec<&str> = doc["log"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["request"]["url"].as_str())
        .collect();
    for (row, part) in [
        ("create", "/api/v1/purchases/"),
        ("S2S", "?s2s=true"),
        ("callback", "/api/v1/payment/"),
        ("webhook", "/merchant/webhook"),
        ("landing", "/merchant/return/success?purchaseId="),
    ] {
        assert!(
            urls.iter()
                .any(|u| u.starts_with("http://127.0.0.1:") && u.contains(part)),
            "a {row} entry with an absolute URL in {urls:?}"
        );
    }
    let Some(validator) = har_validator() else {
        return;
    };
    let checked = Command::new("node")
        .arg(validator.join("validate-har.js"))
        .arg(&path)
        .output()
        .expect("node runs");
    assert!(
        checked.status.success(),
        "har-validator rejects the export:\n{}{}",
        stdout(&checked),
        stderr(&checked)
    );
}

#[test]
fn limit_zero_lists_everything_and_a_bad_code_id_or_a_file_data_dir_is_refused() {
    let d = Dirs::new("limit0");
    let flow = d.run(&["flow", "--json", "--otp", "123456"], &[]);
    assert_eq!(flow.status.code(), Some(0), "{}", stderr(&flow));
    let all = d.run(&["history", "--json"], &[]);
    let unlimited = d.run(&["history", "--json", "--limit", "0"], &[]);
    assert_eq!(unlimited.status.code(), Some(0), "{}", stderr(&unlimited));
    assert!(!json_rows(&all).is_empty());
    assert_eq!(json_rows(&unlimited).len(), json_rows(&all).len());
    let listed = d.run(&["history", "--limit", "0"], &[]);
    assert!(
        !stderr(&listed).contains("no history yet"),
        "{}",
        stderr(&listed)
    );

    let bad_id = d.run(&["history", "--code", "python", "abc"], &[]);
    assert_eq!(bad_id.status.code(), Some(2));
    assert!(
        stderr(&bad_id).contains("ID must be a number"),
        "{}",
        stderr(&bad_id)
    );

    let file = d.base.join("plain-file");
    std::fs::write(&file, "x").expect("file");
    let on_file = d.run(
        &["--data-dir", file.to_str().expect("path"), "history"],
        &[],
    );
    assert_eq!(on_file.status.code(), Some(2), "{}", stderr(&on_file));
    assert!(
        stderr(&on_file).contains("is a file, not a directory"),
        "{}",
        stderr(&on_file)
    );
    assert!(
        !stderr(&on_file).contains("os error"),
        "{}",
        stderr(&on_file)
    );
}

#[test]
fn the_full_screen_commands_refuse_to_start_without_a_terminal() {
    let d = Dirs::new("notty");
    for args in [&[][..], &["demo"][..]] {
        // `output()` gives the child a null stdin and a piped stdout: no terminal at all.
        let out = d.run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
        let err = stderr(&out);
        assert!(err.contains("needs a terminal"), "{err}");
        assert!(err.contains("flow") && err.contains("serve"), "{err}");
        assert!(!err.contains('\u{1b}') && !err.contains("panic"), "{err}");
    }
}
