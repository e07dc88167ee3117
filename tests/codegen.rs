//! Code in the merchant's language (`paysecure_explorer::codegen`), checked for real: every
//! generated snippet parses in its language where an interpreter is installed, and the
//! runnable ones (curl, Python, Node.js, PHP, Go, Java) reach a `serve` child — a create
//! purchase answers 202 with hostile text echoed exactly, an S2S with the form's values
//! answers 202, a status GET printed by `history --code` answers 200. C# is generated only
//! (no .NET from Debian's packages): its text is checked.
//!
//! A missing interpreter prints a NOTICE and skips that language, except under `CI=true`
//! (`.ci/run` installs them), where it fails.

#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use paysecure_explorer::codegen::{CardData, Lang, RequestModel, request_code};
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::paysecure::test_cards::SEED_CARD;
use serde_json::Value;
use served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

/// Text no literal of any language may mangle: quotes of every kind, `$` and `${}`,
/// backslashes (and a Java `\u` escape), a newline, a tab, accents, an emoji, `?>`.
const HOSTILE: &str =
    "O'Brien \"Bob\" $HOME ${x} #{y} `id` \\ \\u000a \\n\nline\ttab ünïcødé 😀 ?> %s";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether `program args…` runs and exits 0.
fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether gofmt runs: on a one-line Go file (it refuses an empty one, such as
/// `/dev/null`, with exit 2).
fn gofmt_works() -> bool {
    let file = std::env::temp_dir().join(format!("pse-gofmt-probe-{}.go", std::process::id()));
    let ok = std::fs::write(&file, "package main\n").is_ok()
        && works("gofmt", &["-l", &file.to_string_lossy()]);
    let _ = std::fs::remove_file(&file);
    ok
}

/// Whether `lang`'s snippets can be syntax-checked here.
fn can_check(lang: Lang) -> bool {
    match lang {
        Lang::Curl => works("sh", &["-c", "true"]),
        Lang::Python => works("python3", &["--version"]),
        Lang::Node => works("node", &["--version"]),
        Lang::Php => works("php", &["--version"]),
        Lang::Go => works("go", &["version"]) && gofmt_works(),
        Lang::Java => works("javac", &["-version"]),
        Lang::CSharp => false,
    }
}

/// Whether `lang`'s request snippets can be run here (the library each one uses too).
fn can_run(lang: Lang) -> bool {
    match lang {
        Lang::Curl => works("sh", &["-c", "true"]) && works("curl", &["--version"]),
        Lang::Python => works("python3", &["-c", "import requests"]),
        Lang::Node => works(
            "node",
            &["-e", "if (typeof fetch !== 'function') process.exit(1)"],
        ),
        Lang::Php => works(
            "php",
            &["-r", "exit(function_exists('curl_init') ? 0 : 1);"],
        ),
        Lang::Go => works("go", &["version"]),
        Lang::Java => works("java", &["-version"]),
        Lang::CSharp => false,
    }
}

/// NOTICE and false when a language is not available, a failure under CI.
fn available(lang: Lang, ok: bool, what: &str) -> bool {
    if !ok && lang != Lang::CSharp {
        let msg = format!(
            "NOTICE: skipping {what} of {} snippets: its interpreter (or library) is not installed",
            lang.label()
        );
        assert!(!ci(), "{msg} (CI=true: .ci/run installs it)");
        eprintln!("{msg}");
    }
    ok
}

/// A snippet's file in a directory of its own, removed when the snippet is dropped (also
/// when its test skips the language or fails), so runs leave nothing behind.
struct Snippet {
    dir: PathBuf,
    path: PathBuf,
}

impl std::ops::Deref for Snippet {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl Drop for Snippet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh directory holding `code` under the language's file name.
fn write_snippet(name: &str, lang: Lang, code: &str) -> Snippet {
    let dir = std::env::temp_dir().join(format!(
        "pse-codegen-{}-{name}-{}",
        std::process::id(),
        lang.name()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(lang.file_name());
    std::fs::write(&path, code).expect("write the snippet");
    Snippet { dir, path }
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs the language's syntax checker on the file; panics with its output on failure.
fn check(lang: Lang, path: &Path, code: &str) {
    let dir = path.parent().expect("a dir");
    let file = path.to_str().expect("utf-8 path");
    let out = match lang {
        Lang::Curl => Command::new("sh").args(["-n", file]).output(),
        Lang::Python => Command::new("python3")
            .args(["-m", "py_compile", file])
            .output(),
        Lang::Node => Command::new("node").args(["--check", file]).output(),
        Lang::Php => Command::new("php").args(["-l", file]).output(),
        Lang::Go => {
            let fmt = Command::new("gofmt")
                .args(["-l", file])
                .output()
                .expect("gofmt");
            assert!(
                fmt.status.success() && fmt.stdout.is_empty(),
                "gofmt -l: not formatted\n{}\n{}",
                text(&fmt),
                code
            );
            go_command(dir).args(["vet", file]).output()
        }
        Lang::Java => Command::new("javac")
            .args(["-d", dir.join("classes").to_str().expect("utf-8"), file])
            .output(),
        Lang::CSharp => return check_csharp_text(code),
    }
    .expect("the checker runs");
    assert!(
        out.status.success(),
        "{lang:?}: {}\n--- code:\n{code}",
        text(&out)
    );
}

/// `go` with its caches inside the snippet's directory's parent (no module needed).
fn go_command(dir: &Path) -> Command {
    let mut cmd = Command::new("go");
    cmd.current_dir(dir).env("GO111MODULE", "off");
    if std::env::var_os("GOCACHE").is_none() && std::env::var_os("HOME").is_none() {
        cmd.env("GOCACHE", std::env::temp_dir().join("pse-codegen-gocache"));
    }
    cmd
}

/// C# cannot be compiled here: its literals are ASCII, its braces and parentheses balance
/// outside strings, and it prints the status.
fn check_csharp_text(code: &str) {
    assert!(code.is_ascii(), "C# source is ASCII (escapes for the rest)");
    let (mut depth_brace, mut depth_paren, mut in_string, mut escaped) = (0i32, 0i32, false, false);
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for c in line.chars() {
            match (in_string, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (true, false, _) => {}
                (false, _, '"') => in_string = true,
                (false, _, '{') => depth_brace += 1,
                (false, _, '}') => depth_brace -= 1,
                (false, _, '(') => depth_paren += 1,
                (false, _, ')') => depth_paren -= 1,
                _ => {}
            }
        }
        assert!(!in_string, "a C# literal runs past its line: {line}");
    }
    assert_eq!((depth_brace, depth_paren), (0, 0), "{code}");
}

/// Runs a request snippet with the key in the environment; returns its output.
fn run(lang: Lang, path: &Path, key: &str) -> String {
    let dir = path.parent().expect("a dir");
    let file = path.to_str().expect("utf-8 path");
    let mut cmd = match lang {
        Lang::Curl => {
            let mut c = Command::new("sh");
            c.arg(file);
            c
        }
        Lang::Python => {
            let mut c = Command::new("python3");
            c.arg(file);
            c
        }
        Lang::Node => {
            let mut c = Command::new("node");
            c.arg(file);
            c
        }
        Lang::Php => {
            let mut c = Command::new("php");
            c.arg(file);
            c
        }
        Lang::Go => {
            let mut c = go_command(dir);
            c.args(["run", file]);
            c
        }
        Lang::Java => {
            let mut c = Command::new("java");
            c.arg(file);
            c
        }
        Lang::CSharp => unreachable!("C# is generated only"),
    };
    let out = cmd
        .env("PAYSECURE_API_KEY", key)
        // Traffic stays on 127.0.0.1: no proxy a developer's shell may set.
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .output()
        .expect("the interpreter runs");
    assert!(out.status.success(), "{lang:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The status a snippet printed (`HTTP 202`) and the JSON body it printed.
fn status_and_body(printed: &str) -> (u16, Value) {
    let status = printed
        .lines()
        .find_map(|l| l.strip_prefix("HTTP "))
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status line in {printed}"));
    let body = printed
        .lines()
        .find_map(|l| {
            serde_json::from_str::<Value>(l)
                .ok()
                .filter(Value::is_object)
        })
        .unwrap_or(Value::Null);
    (status, body)
}

fn urls() -> MerchantUrls {
    MerchantUrls {
        success_redirect: "https://merchant.example/ok".into(),
        failure_redirect: "https://merchant.example/ko".into(),
        pending_redirect: None,
        success_callback: None,
        failure_callback: None,
    }
}

/// A create-purchase body with the hostile text as the customer's name.
fn hostile_purchase(brand_id: &str) -> Value {
    let mut body = serde_json::to_value(default_purchase(brand_id, &urls())).expect("json");
    body["client"]["full_name"] = Value::String(HOSTILE.into());
    body
}

fn create_model(base: &str, brand_id: &str, key: &str) -> RequestModel {
    RequestModel::api(
        "POST",
        base,
        "/purchases/",
        Some(hostile_purchase(brand_id)),
        CardData::Masked,
        &[key.to_string()],
    )
    .expecting(202)
}

fn s2s_model(base: &str, purchase_id: &str, card: CardData, key: &str) -> RequestModel {
    RequestModel::api(
        "POST",
        base,
        &format!("/p/{purchase_id}/?s2s=true"),
        Some(serde_json::to_value(seed_payment()).expect("json")),
        card,
        &[key.to_string()],
    )
    .expecting(202)
}

#[test]
fn every_snippet_parses_in_its_language() {
    let key = "sk_test_NEVER_IN_CODE_0123456789";
    let base = "http://127.0.0.1:9/api/v1";
    let mut get = RequestModel::api("GET", base, "/purchases/abc/", None, CardData::Masked, &[]);
    get.headers
        .push(("X-Odd".into(), HOSTILE.replace('\n', " ")));
    let mut form = paysecure_explorer::api::Exchange::new(
        paysecure_explorer::api::ExchangeKind::Browser,
        "POST",
        "http://127.0.0.1:9/challenge?x=1",
        0,
    );
    form.request_headers = vec![(
        "content-type".into(),
        "application/x-www-form-urlencoded".into(),
    )];
    form.request_body = Some("otp=123456&note=%24x".into());
    let models = [
        ("create", create_model(base, "brand", key)),
        ("s2s", s2s_model(base, "abc", CardData::FormValues, key)),
        ("get", get),
        ("form", RequestModel::from_exchange(&form)),
    ];
    let mut checked = Vec::new();
    for lang in Lang::ALL {
        if !available(
            lang,
            can_check(lang) || lang == Lang::CSharp,
            "the syntax check",
        ) {
            continue;
        }
        for (name, model) in &models {
            let code = request_code(lang, model);
            assert!(
                !code.contains(key),
                "{lang:?} {name}: the key's value is in the code"
            );
            let path = write_snippet(&format!("parse-{name}"), lang, &code);
            check(lang, &path, &code);
        }
        checked.push(lang.name());
    }
    eprintln!("request snippets syntax-checked: {checked:?}");
}

#[test]
fn a_default_snippet_masks_the_card_and_never_holds_the_key() {
    let key = "sk_test_NEVER_IN_CODE_0123456789";
    let base = "http://127.0.0.1:9/api/v1";
    let masked = s2s_model(base, "abc", CardData::Masked, key);
    let revealed = s2s_model(base, "abc", CardData::FormValues, key);
    let mut with_key_in_body = revealed.clone();
    if let Some(paysecure_explorer::codegen::Body::Json(body)) = &mut with_key_in_body.body {
        body["cardholder_name"] = Value::String(format!("pasted {key} by mistake"));
    }
    let with_key_in_body = RequestModel::api(
        "POST",
        base,
        "/p/abc/?s2s=true",
        with_key_in_body.body.and_then(|b| match b {
            paysecure_explorer::codegen::Body::Json(v) => Some(v),
            _ => None,
        }),
        CardData::FormValues,
        &[key.to_string()],
    );
    let masked_pan = format!(
        "{}******{}",
        &SEED_CARD[..6],
        &SEED_CARD[SEED_CARD.len() - 4..]
    );
    for lang in Lang::ALL {
        let code = request_code(lang, &masked);
        assert!(
            !code.contains(SEED_CARD),
            "{lang:?}: full PAN in a default snippet"
        );
        assert!(
            code.contains(&masked_pan),
            "{lang:?}: masked PAN shown\n{code}"
        );
        assert!(
            !code.contains("\"345\""),
            "{lang:?}: the CVC in a default snippet"
        );
        assert!(code.contains("PAYSECURE_API_KEY"), "{lang:?}");
        let code = request_code(lang, &revealed);
        assert!(code.contains(SEED_CARD), "{lang:?}: form values asked for");
        assert!(code.contains("WARNING"), "{lang:?}: the warning comment");
        let code = request_code(lang, &with_key_in_body);
        assert!(!code.contains(key), "{lang:?}: the key's value in the code");
    }
}

#[test]
fn snippets_reach_a_served_sandbox_with_the_exact_values() {
    let served = Served::start(None, &[]);
    let (base, key, brand) = (
        served.fact("base_url"),
        served.fact("api_key"),
        served.fact("brand_id"),
    );
    let mut ran = Vec::new();
    for lang in Lang::ALL {
        if lang == Lang::CSharp || !available(lang, can_run(lang), "the run") {
            continue;
        }
        let code = request_code(lang, &create_model(&base, &brand, &key));
        let path = write_snippet("create", lang, &code);
        let printed = run(lang, &path, &key);
        let (status, body) = status_and_body(&printed);
        assert_eq!(
            status, 202,
            "{lang:?} create:\n{printed}\n--- code:\n{code}"
        );
        assert_eq!(
            body["client"]["full_name"].as_str(),
            Some(HOSTILE),
            "{lang:?}: the server received the hostile name exactly\n{printed}"
        );
        let id = body["purchaseId"]
            .as_str()
            .expect("a purchaseId")
            .to_string();

        let code = request_code(lang, &s2s_model(&base, &id, CardData::FormValues, &key));
        let path = write_snippet("s2s", lang, &code);
        let printed = run(lang, &path, &key);
        let (status, body) = status_and_body(&printed);
        assert_eq!(status, 202, "{lang:?} S2S:\n{printed}\n--- code:\n{code}");
        assert_eq!(body["status"], "pending", "{lang:?} S2S: {printed}");
        ran.push(lang.name());
    }
    eprintln!("request snippets run against serve: {ran:?}");
    served.stop();
}

#[test]
fn history_code_prints_a_recorded_call_that_runs() {
    let served = Served::start(None, &[]);
    let dir = std::env::temp_dir().join(format!("pse-codegen-hist-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config")).expect("dirs");
    let cli = |args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", dir.join("data"))
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", dir.join("config"));
        for (k, v) in served.env() {
            cmd.env(k, v);
        }
        cmd.output().expect("runs")
    };
    let flow = cli(&["flow", "--json", "--otp", "123456"]);
    assert!(flow.status.success(), "flow: {}", text(&flow));
    let listed = cli(&["history", "--json"]);
    let records: Vec<Value> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let create = records
        .iter()
        .find(|r| {
            r["method"] == "POST"
                && r["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/purchases/"))
        })
        .expect("a create in history");
    let id = create["purchase_id"]
        .as_str()
        .expect("its purchase")
        .to_string();
    let key = served.fact("api_key");
    let record_id = create["id"].to_string();
    for lang in Lang::ALL {
        let printed = cli(&["history", "--code", lang.name(), &record_id]);
        assert!(
            printed.status.success(),
            "history --code {}: {}",
            lang.name(),
            text(&printed)
        );
        let code = String::from_utf8_lossy(&printed.stdout).into_owned();
        assert!(
            code.contains("PAYSECURE_API_KEY") && !code.contains(&key),
            "{code}"
        );
        assert!(code.contains("/purchases/"), "{code}");
    }
    let bad = cli(&["history", "--code", "cobol", &record_id]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown language"));
    let missing = cli(&["history", "--code", "python", "999999"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    // The flow's status GET (no body), printed by `history --code`, runs as printed.
    let status_get = records
        .iter()
        .find(|r| {
            r["method"] == "GET"
                && r["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("/purchases/{id}/")))
        })
        .expect("the flow's status GET in history");
    for lang in [Lang::Curl, Lang::Python, Lang::Node, Lang::Php] {
        if !available(lang, can_run(lang), "the run") {
            continue;
        }
        let printed = cli(&[
            "history",
            "--code",
            lang.name(),
            &status_get["id"].to_string(),
        ]);
        let code = String::from_utf8_lossy(&printed.stdout).into_owned();
        let path = write_snippet("history-get", lang, &code);
        let (status, body) = status_and_body(&run(lang, &path, &key));
        assert_eq!(status, 200, "{lang:?}:\n{code}");
        assert_eq!(body["purchaseId"].as_str(), Some(id.as_str()));
        assert_eq!(body["status"], "PAID");
    }
    let _ = std::fs::remove_dir_all(&dir);
    served.stop();
}

#[test]
fn flow_print_code_sends_nothing_and_its_create_reaches_202() {
    let served = Served::start(None, &[]);
    let key = served.fact("api_key");
    let dir = std::env::temp_dir().join(format!("pse-codegen-flow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cli = |args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("PAYSECURE_EXPLORER_DATA_DIR", dir.join("data"))
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", dir.join("config"));
        for (k, v) in served.env() {
            cmd.env(k, v);
        }
        cmd.output().expect("runs")
    };
    let bad = cli(&["flow", "--print-code", "cobol"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    for lang in [Lang::Node, Lang::CSharp] {
        let printed = cli(&[
            "flow",
            "--print-code",
            lang.name(),
            "--email",
            "buyer+code@example.com",
        ]);
        assert!(printed.status.success(), "{}", text(&printed));
        let code = String::from_utf8_lossy(&printed.stdout).into_owned();
        assert!(
            !code.contains(&key) && code.contains("PAYSECURE_API_KEY"),
            "{code}"
        );
        if lang == Lang::CSharp {
            check_csharp_text(&code);
            continue;
        }
        // Nothing was sent: history holds no record.
        let listed = cli(&["history", "--json"]);
        assert!(
            String::from_utf8_lossy(&listed.stdout).trim().is_empty(),
            "{}",
            text(&listed)
        );
        if !available(lang, can_run(lang), "the run") {
            continue;
        }
        let path = write_snippet("flow-print", lang, &code);
        let (status, body) = status_and_body(&run(lang, &path, &key));
        assert_eq!(status, 202, "{code}");
        assert_eq!(body["client"]["email"], "buyer+code@example.com");
    }
    let _ = std::fs::remove_dir_all(&dir);
    served.stop();
}

/// Characters a terminal must not receive raw: ESC (a colour sequence), DEL, the C1 CSI,
/// a right-to-left override and a carriage return.
const CONTROLS: &str = "esc\u{1b}[31m del\u{7f} csi\u{9b} rlo\u{202e} cr\r end";

#[test]
fn control_characters_are_escaped_in_code_and_still_sent_exactly() {
    let served = Served::start(None, &[]);
    let (base, key, brand) = (
        served.fact("base_url"),
        served.fact("api_key"),
        served.fact("brand_id"),
    );
    let mut ran = Vec::new();
    for lang in Lang::ALL {
        // A fresh body each time: its merchant reference must not repeat.
        let mut body = hostile_purchase(&brand);
        body["client"]["full_name"] = Value::String(CONTROLS.into());
        let model = RequestModel::api(
            "POST",
            &base,
            "/purchases/",
            Some(body),
            CardData::Masked,
            std::slice::from_ref(&key),
        )
        .expecting(202);
        let code = request_code(lang, &model);
        // Printed through the terminal sanitiser (`history --code`), it stays the same.
        assert_eq!(
            paysecure_explorer::term_text::clean_lines(&code),
            code,
            "{lang:?}: a raw control character in\n{code}"
        );
        let path = write_snippet("controls", lang, &code);
        if lang == Lang::CSharp {
            check_csharp_text(&code);
            continue;
        }
        if available(lang, can_check(lang), "the parse") {
            check(lang, &path, &code);
        }
        if !available(lang, can_run(lang), "the run") {
            continue;
        }
        let printed = run(lang, &path, &key);
        let (status, echoed) = status_and_body(&printed);
        assert_eq!(status, 202, "{lang:?}:\n{printed}\n--- code:\n{code}");
        assert_eq!(
            echoed["client"]["full_name"].as_str(),
            Some(CONTROLS),
            "{lang:?}: the server received the exact characters\n{printed}\n--- code:\n{code}"
        );
        ran.push(lang.name());
    }
    eprintln!("snippets with control characters run against serve: {ran:?}");
    served.stop();
}
