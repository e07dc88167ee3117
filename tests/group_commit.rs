//! Group commit (issue 13, speed): `serve` answers a write only after the batch holding it
//! is committed, so a kill -9 right after a burst of concurrent creates loses none that
//! was acknowledged, and the restarted `serve` answers every one of them.

#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;

use std::sync::Arc;

use paysecure_explorer::flow::presets::{MerchantUrls, default_purchase};
use served::Served;

/// Concurrent clients: enough for the writer to commit many creates per batch.
const CLIENTS: usize = 48;
const PER_CLIENT: usize = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_acknowledged_in_a_concurrent_burst_survive_kill_9() {
    let dir = std::env::temp_dir().join(format!("pse-group-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("state.sqlite3");
    let file_arg = file.to_str().expect("path");
    let served = Served::start(Some(&dir), &["--quiet", "--state", file_arg]);
    let base = served.fact("base_url");
    let origin = base.trim_end_matches("/api/v1").to_string();
    let urls = MerchantUrls {
        success_redirect: format!("{origin}/merchant/return/success"),
        failure_redirect: format!("{origin}/merchant/return/failure"),
        pending_redirect: None,
        success_callback: None,
        failure_callback: None,
    };
    let mut body =
        serde_json::to_value(default_purchase(&served.fact("brand_id"), &urls)).expect("json");
    body.as_object_mut().map(|m| m.remove("merchantRef"));
    let client = reqwest::Client::new();
    let key = Arc::new(served.fact("api_key"));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (client, key, base, body) = (client.clone(), key.clone(), base.clone(), body.clone());
        tasks.spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..PER_CLIENT {
                let resp = client
                    .post(format!("{base}/purchases/"))
                    .bearer_auth(key.as_str())
                    .json(&body)
                    .send()
                    .await
                    .expect("create");
                assert_eq!(resp.status(), 202);
                let created: serde_json::Value = resp.json().await.expect("json");
                ids.push(created["purchaseId"].as_str().expect("id").to_string());
            }
            ids
        });
    }
    let mut acknowledged = Vec::new();
    while let Some(ids) = tasks.join_next().await {
        acknowledged.extend(ids.expect("client"));
    }
    // SIGKILL at once: no shutdown code runs, nothing is flushed on the way out.
    served.stop();
    assert_eq!(acknowledged.len(), CLIENTS * PER_CLIENT);

    let again = Served::start(Some(&dir), &["--quiet", "--state", file_arg]);
    let base = again.fact("base_url");
    let key = again.fact("api_key");
    for id in &acknowledged {
        let resp = client
            .get(format!("{base}/purchases/{id}/"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("status");
        assert_eq!(
            resp.status(),
            200,
            "purchase {id} was acknowledged, then lost"
        );
    }
    let stats: serde_json::Value = client
        .get(format!("{}/stats", again.fact("control_url")))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["purchases"].as_u64(), Some(acknowledged.len() as u64));
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}
