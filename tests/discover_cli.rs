//! The discovery commands through the real binary: `cards`, `scenarios`, `completions` and
//! `man`, each in its own config dir.

use std::path::PathBuf;
use std::process::{Command, Output};

use paysecure_explorer::flow::presets::test_cards;
use paysecure_explorer::flow::scenario::SHIPPED;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("pse-disc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("config")).expect("dir");
        Dir(d)
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env("PAYSECURE_EXPLORER_CONFIG_DIR", self.0.join("config"))
            .env("PAYSECURE_EXPLORER_DATA_DIR", self.0.join("data"))
            .output()
            .expect("runs")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn cards_lists_every_picker_card_with_scheme_mode_and_outcome() {
    let d = Dir::new("cards");
    let out = d.run(&["cards", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let rows = json_lines(&out);
    let picker = test_cards();
    let numbers: Vec<&str> = rows.iter().filter_map(|r| r["number"].as_str()).collect();
    let expected: Vec<&str> = picker.iter().map(|c| c.number).collect();
    assert_eq!(numbers, expected, "the picker's cards, in its order");
    let row = |n: &str| rows.iter().find(|r| r["number"] == n).expect(n);
    let seed = row("4444333322221111");
    assert_eq!(
        (
            &seed["scheme"],
            &seed["secure"],
            &seed["auth"],
            &seed["status"]
        ),
        (
            &"VISA".into(),
            &"3D".into(),
            &"challenge".into(),
            &"PAID".into()
        )
    );
    let mc = row("5143312606271514");
    assert_eq!(
        (&mc["scheme"], &mc["secure"]),
        (&"MASTER".into(), &"2D".into())
    );
    assert_eq!(mc["group"], "Insufficient funds");
    assert_eq!(row("4999000000000120")["secure"], Value::Null);

    let readable = d.run(&["cards"]);
    assert_eq!(readable.status.code(), Some(0));
    let text = stdout(&readable);
    for group in picker.iter().map(|c| c.group) {
        assert!(
            text.contains(&format!("\n{group}\n")),
            "group {group}:\n{text}"
        );
    }
    let line = text
        .lines()
        .find(|l| l.contains("4984823599573265"))
        .expect("a Visa 3D insufficient-funds card");
    for needle in ["VISA", "3D challenge", "ERROR \"Insufficient fund\""] {
        assert!(line.contains(needle), "{needle}: {line}");
    }
}

#[test]
fn scenarios_lists_shipped_and_saved_with_their_expected_status() {
    let d = Dir::new("scenarios");
    let saved = d.0.join("config/scenarios");
    std::fs::create_dir_all(&saved).expect("dir");
    std::fs::write(
        saved.join("my-decline.toml"),
        "description = \"mine\"\notp = \"123456\"\n[payment]\ncard_number = \"4195258724913240\"\n",
    )
    .expect("write");
    let out = d.run(&["scenarios", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = json_lines(&out);
    for (name, _) in SHIPPED {
        let r = rows.iter().find(|r| r["name"] == *name).expect(name);
        assert_eq!(r["origin"], "shipped");
        assert_eq!(r["expect_from"], "file", "{name}");
        assert!(
            r["expect"].is_string() && r["description"] != "",
            "{name}: {r}"
        );
    }
    let mine = rows
        .iter()
        .find(|r| r["name"] == "my-decline")
        .expect("saved one");
    assert_eq!(
        (&mine["origin"], &mine["expect"], &mine["expect_from"]),
        (&"saved".into(), &"error".into(), &"card".into())
    );
    let text = stdout(&d.run(&["scenarios"]));
    assert!(
        text.contains("my-decline") && text.contains("error (from its card)"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("pending-settlement"))
        .expect("listed");
    assert!(line.contains("payment_in_process"), "{line}");

    std::fs::write(saved.join("broken.toml"), "description = \n").expect("write");
    let out = d.run(&["scenarios"]);
    assert_eq!(out.status.code(), Some(1), "an unreadable file is reported");
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.toml"));
}

#[test]
fn bash_completion_is_valid_bash_and_knows_the_commands_and_shipped_scenarios() {
    let d = Dir::new("completions");
    // A profile and a saved scenario of this user are completed too.
    // And a profile whose name is shell code, and one with a quote: left out, not run.
    let pwned = d.0.join("pwned");
    std::fs::write(
        d.0.join("config").join("config.toml"),
        format!(
            "[profiles.staging-eu]\nbase_url = \"http://127.0.0.1:1/api/v1\"\nbrand_id = \"b\"\napi_key_env = \"X\"\n\
             [profiles.\"x$(touch {})\"]\nbrand_id = \"b\"\n\
             [profiles.'q\"uote']\nbrand_id = \"b\"\n",
            pwned.display()
        ),
    )
    .expect("config");
    std::fs::create_dir_all(d.0.join("config").join("scenarios")).expect("dir");
    std::fs::write(
        d.0.join("config").join("scenarios").join("my-demo.toml"),
        "description = \"mine\"\n",
    )
    .expect("scenario");
    let out = d.run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = stdout(&out);
    for needle in [
        "cards",
        "scenarios",
        "--scenario",
        "happy-3ds",
        "pending-settlement",
        "staging-eu",
        "embedded",
        "my-demo",
    ] {
        assert!(
            script.contains(needle),
            "{needle} missing from the bash script"
        );
    }
    assert!(
        !script.contains("touch"),
        "a name that is shell code is left out"
    );
    assert!(
        !script.contains("q\"uote"),
        "a name with a quote is left out"
    );
    let path = d.0.join("paysecure-explorer.bash");
    std::fs::write(&path, &script).expect("write");
    let check = Command::new("bash").arg("-n").arg(&path).output();
    match check {
        Ok(o) => {
            assert!(
                o.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            // Completion as bash runs it: the options of a subcommand, and every profile
            // name offered after --profile, with nothing run on the way.
            let complete = |words: &str, cword: usize| {
                let out = Command::new("bash")
                    .arg("-c")
                    .arg(format!(
                        "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                         _paysecure__explorer paysecure-explorer \"${{COMP_WORDS[COMP_CWORD]}}\" \
                         \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                        path.display()
                    ))
                    .output()
                    .expect("bash runs");
                String::from_utf8_lossy(&out.stdout).into_owned()
            };
            let flow_options = complete("paysecure-explorer flow --sc", 2);
            assert!(
                flow_options.contains("--scenario"),
                "flow --sc<Tab>: {flow_options}"
            );
            let serve_options = complete("paysecure-explorer serve --po", 2);
            assert!(
                serve_options.contains("--port"),
                "serve --po<Tab>: {serve_options}"
            );
            let profiles = complete("paysecure-explorer --profile ''", 2);
            assert!(
                profiles.contains("staging-eu"),
                "--profile <Tab>: {profiles}"
            );
            assert!(profiles.contains("embedded"), "--profile <Tab>: {profiles}");
            assert!(!pwned.exists(), "a profile name ran as a command");
        }
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "bash missing under CI: {e}"
            );
            eprintln!("NOTICE: bash is not installed ({e}); the script is not syntax-checked");
        }
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = d.run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(stdout(&out).contains("paysecure-explorer"), "{shell}");
    }
    assert_eq!(d.run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let d = Dir::new("man");
    let out = d.run(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "roff: {}",
        &page[..80.min(page.len())]
    );
    assert!(page.contains(".TH paysecure-explorer 1"), "a title line");
    for sub in [
        "serve",
        "flow",
        "history",
        "config",
        "cards",
        "scenarios",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!(
                ".SH \"PAYSECURE-EXPLORER {}\"",
                sub.to_uppercase()
            )),
            "no section for {sub}"
        );
    }
    assert!(page.contains("scenario"), "flow's options are in the page");
    // The list of commands points at the sections of this page, not at per-command pages
    // (`paysecure-explorer-serve(1)`) that are not installed anywhere.
    assert!(page.contains(".SH COMMANDS"), "a list of the commands");
    assert!(
        page.contains("\\fBpaysecure\\-explorer serve\\fR"),
        "serve in the list"
    );
    assert!(
        !page.contains("(1)\n"),
        "a reference to another page: {page}"
    );
    assert_eq!(
        page.matches("\n.ie ").count() + usize::from(page.starts_with(".ie ")),
        1
    );
}
