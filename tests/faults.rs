//! Faults: the fault cards through `flow`, a sandbox that stops mid-flow, a full disk,
//! concurrent writers of one history store. Each is reported clearly, nothing crashes,
//! no history is lost and the purchase can be inspected afterwards.

#[path = "support/run_dirs.rs"]
mod run_dirs;

use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use paysecure_explorer::api::exchange::MemoryRecorder;
use paysecure_explorer::api::{ApiError, ClientConfig, PaysecureClient, TransportKind};
use paysecure_explorer::flow::machine::{Flow, Outcome};
use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase, seed_payment};
use paysecure_explorer::sandbox::{self, SandboxConfig};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_paysecure-explorer");

fn run(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("PAYSECURE_EXPLORER_DATA_DIR", data)
        .env("PAYSECURE_EXPLORER_CONFIG_DIR", data.join("config"))
        .env_remove("PAYSECURE_API_KEY")
        .env_remove("PAYSECURE_BRAND_ID")
        .output()
        .expect("runs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = run_dirs::run_dir("pse-faults-", name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn last_json(o: &Output) -> Value {
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    serde_json::from_str(text.lines().last().expect("line")).expect("json")
}

#[test]
fn fault_cards_are_reported_and_the_purchase_stays_inspectable() {
    let data = tmp("cards");
    for (card, exit, kind_or_code) in [
        ("4999000000000302", 3, "timeout"),
        ("4999000000000310", 1, "exception"),
        ("4999000000000328", 3, "connection closed"),
        ("4999000000000344", 1, "too_many_requests"),
    ] {
        let out = run(&data, &["flow", "--json", "--timeout", "1", "--card", card]);
        assert_eq!(out.status.code(), Some(exit), "{card}");
        let r = last_json(&out);
        let err = &r["error"];
        assert!(
            err["kind"] == kind_or_code || err["code"] == kind_or_code,
            "{card}: {err}"
        );
        let id = r["purchase_id"]
            .as_str()
            .expect("created before the fault")
            .to_string();
        let hist = run(&data, &["history", "--json", "--purchase", &id]);
        let rows = String::from_utf8_lossy(&hist.stdout).lines().count();
        assert!(
            rows >= 2,
            "{card}: the create and the failed S2S call are in history"
        );
    }
}

#[tokio::test]
async fn sandbox_stopped_mid_flow_is_a_transport_failure_with_history_kept() {
    let sb = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox");
    let recorder = Arc::new(MemoryRecorder::default());
    let client = PaysecureClient::new(ClientConfig {
        base_url: sb.base_url.clone(),
        api_key: sb.api_key.clone(),
        timeout: Duration::from_secs(5),
        max_body_bytes: paysecure_explorer::api::client::DEFAULT_MAX_BODY_BYTES,
    })
    .expect("client")
    .with_recorder(recorder.clone());
    let urls = MerchantUrls {
        success_redirect: sb.merchant_return_url("success"),
        failure_redirect: sb.merchant_return_url("failure"),
        ..MerchantUrls::default()
    };
    let mut flow = Flow::new();
    flow.on_created(
        client
            .create_purchase(&default_purchase(&sb.brand_id, &urls))
            .await,
    );
    let id = flow.purchase_id().expect("created").to_string();
    sb.shutdown().await;
    let body = serde_json::to_value(seed_payment()).expect("json");
    flow.on_s2s(client.s2s(&id, &body).await);
    match &flow.outcome {
        Some(Outcome::Transport(ApiError::Transport { kind, .. })) => {
            assert!(
                matches!(
                    kind,
                    TransportKind::ConnectionRefused | TransportKind::ConnectionClosed
                ),
                "{kind:?}"
            );
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
    assert_eq!(
        flow.purchase_id(),
        Some(id.as_str()),
        "the purchase is still known"
    );
    let records = recorder.records();
    assert_eq!(records.len(), 2);
    assert!(records[1].error.is_some());
}

#[cfg(target_os = "linux")]
#[test]
fn a_history_file_linked_to_a_full_device_is_refused_and_the_flow_goes_on() {
    // A link is never followed (it could point anywhere), so `/dev/full` is not even
    // opened; the write-failure path itself (ENOSPC) is a unit test of the store.
    let data = tmp("full");
    std::os::unix::fs::symlink("/dev/full", data.join("history.sqlite3")).expect("symlink");
    let out = run(&data, &["flow", "--json", "--otp", "123456"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the payment itself is unaffected"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("history not saved") && err.contains("symbolic link (not followed)"),
        "{err}"
    );
}

#[test]
fn concurrent_instances_share_one_store_without_corruption() {
    let data = tmp("concurrent");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .args(["flow", "--json", "--otp", "123456"])
                .env("PAYSECURE_EXPLORER_DATA_DIR", &data)
                .env("PAYSECURE_EXPLORER_CONFIG_DIR", data.join("config"))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut expected = 0;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // Each exchange line, plus the webhook and landing the merchant stub recorded.
        expected += text
            .lines()
            .filter(|l| l.contains("\"kind\":\"exchange\""))
            .count()
            + 2;
    }
    let hist = run(&data, &["history", "--json"]);
    assert!(
        String::from_utf8_lossy(&hist.stderr).is_empty(),
        "no skipped records: {}",
        String::from_utf8_lossy(&hist.stderr)
    );
    let rows: Vec<Value> = String::from_utf8_lossy(&hist.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rows.len(), expected);
}
