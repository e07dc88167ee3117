//! Runs effects as tokio tasks; each reports back as a message on the loop's channel.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use reqwest::Method;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::app::{Act, Answer, Call, Effect, Msg};
use super::requests::RequestId;
use crate::api::{Exchange, PaysecureClient, Recorder};
use crate::flow::browser;
use crate::flow::presets::MerchantUrls;

/// What effects need.
#[derive(Clone)]
pub struct Runner {
    /// The client, reporting to `recorder`.
    pub client: Arc<PaysecureClient>,
    /// Where every exchange goes (history file and pane).
    pub recorder: Arc<dyn Recorder>,
    pub tx: UnboundedSender<Msg>,
    pub urls: MerchantUrls,
    /// Load the merchant landing page after the redirect (embedded sandbox).
    pub fetch_landing: bool,
    /// Abort handles of the requests in flight, by id.
    pub tasks: Arc<Mutex<HashMap<RequestId, AbortHandle>>>,
    /// The guided tour's engine, while one runs (presenter mode).
    pub tour: Arc<Mutex<Option<super::tour_driver::TourHandle>>>,
}

/// Forwards every exchange and keeps the last one, so an answer can carry the exchange
/// that produced it.
struct Capture {
    inner: Arc<dyn Recorder>,
    last: Mutex<Option<Exchange>>,
}

impl Recorder for Capture {
    fn record(&self, exchange: &Exchange) {
        self.inner.record(exchange);
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(exchange.clone());
    }
}

impl Runner {
    /// Starts `effect` in the background.
    pub fn spawn(&self, effect: Effect) {
        let me = self.clone();
        match effect {
            Effect::Copy(text) => copy_osc52(&text),
            Effect::Record(exchange) => self.recorder.record(&exchange),
            Effect::Cancel(id) => {
                if let Some(task) = self.lock_tasks().remove(&id) {
                    task.abort();
                }
            }
            Effect::OpenBrowser(url) => {
                // The opener's exit status says whether a browser took the URL (a detached
                // start would report success even when none exists); it may block, so it
                // runs off the loop.
                tokio::task::spawn_blocking(move || {
                    let result = match no_graphical_session() {
                        Some(why) => Err(why),
                        None => open::that(&url).map_err(|e| e.to_string()),
                    };
                    let _ = me.tx.send(Msg::Opened { url, result });
                });
            }
            Effect::TourStart {
                tour,
                brand_id,
                control_url,
            } => {
                let target = crate::flow::tour::TourTarget {
                    client: self.client.clone(),
                    urls: self.urls.clone(),
                    brand_id,
                    control_url,
                    fetch_landing: self.fetch_landing,
                };
                let handle = super::tour_driver::start(*tour, target, self.tx.clone());
                // A tour already running is replaced (its handle's drop stops it).
                *self.lock_tour() = Some(handle);
            }
            Effect::TourAdvance => {
                if let Some(handle) = self.lock_tour().as_ref() {
                    handle.advance();
                }
            }
            Effect::TourEnd => {
                self.lock_tour().take();
            }
            Effect::Call { id, call } => {
                // Hold the lock across spawn and insert, so the task's own removal (at
                // its end) cannot run before the insert.
                let mut tasks = self.lock_tasks();
                let task = tokio::spawn(async move { me.call(id, call).await });
                tasks.insert(id, task.abort_handle());
            }
            other => {
                tokio::spawn(async move { me.run(other).await });
            }
        }
    }

    fn lock_tour(&self) -> std::sync::MutexGuard<'_, Option<super::tour_driver::TourHandle>> {
        self.tour.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_tasks(&self) -> std::sync::MutexGuard<'_, HashMap<RequestId, AbortHandle>> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn call(self, id: RequestId, call: Call) {
        let capture = Arc::new(Capture {
            inner: self.recorder.clone(),
            last: Mutex::new(None),
        });
        let client = (*self.client).clone().with_recorder(capture.clone());
        let answer = match call {
            Call::CreatePurchase(body) => Answer::Created(client.create_purchase_json(&body).await),
            Call::S2s { purchase_id, body } => Answer::S2s(client.s2s(&purchase_id, &body).await),
            Call::OpenCallback { url } => Answer::Callback(
                browser::open_callback(&client, &url, &self.urls, self.fetch_landing).await,
            ),
            Call::AnswerChallenge { form_url, otp } => Answer::Browser(
                browser::answer_challenge(&client, &form_url, &otp, &self.urls, self.fetch_landing)
                    .await,
            ),
            Call::PollStatus { purchase_id, after } => {
                tokio::time::sleep(after).await;
                Answer::Status(client.status(&purchase_id).await)
            }
            Call::Act { purchase_id, act } => Answer::Acted(match act {
                Act::RefundFull => client
                    .refund_full(&purchase_id)
                    .await
                    .and_then(|p| to_value(&p)),
                Act::RefundPartial { amount, reason } => client
                    .refund_partial(&purchase_id, amount, &reason)
                    .await
                    .and_then(|r| to_value(&r)),
                Act::Cancel => client.cancel(&purchase_id).await.and_then(|p| to_value(&p)),
                Act::Capture { amount } => client
                    .capture(&purchase_id, amount)
                    .await
                    .and_then(|c| to_value(&c)),
                Act::RefundStatus { refund_id } => {
                    // A refund settles shortly after its reply: ask again after a pause.
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    client
                        .refund_status(&purchase_id, &refund_id)
                        .await
                        .and_then(|r| to_value(&r))
                }
            }),
            Call::Control { method, url, body } => {
                let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
                Answer::Control(client.control(method, &url, body.as_ref()).await)
            }
            Call::Resend { method, url, body } => {
                let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
                let body: Option<Value> =
                    body.as_deref().and_then(|b| serde_json::from_str(b).ok());
                // An API path goes with the key; the control plane (`/_sandbox/…`) and
                // anything else recorded outside the API as it was sent, without it.
                let answer = match url.strip_prefix(client.base_url()) {
                    Some(path) => client.call(method, path, body.as_ref()).await,
                    None => client.control(method, &url, body.as_ref()).await,
                };
                Answer::Resent(answer)
            }
        };
        let exchange = capture
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .map(Box::new);
        self.lock_tasks().remove(&id);
        let _ = self.tx.send(Msg::Answer {
            id,
            answer,
            exchange,
        });
    }

    async fn run(self, effect: Effect) {
        let msg = match effect {
            Effect::ExportHar { path, export } => {
                let shown = path.display().to_string();
                // Reading up to 100,000 earlier records and writing the file: a blocking
                // thread's job, never the UI's.
                let written = tokio::task::spawn_blocking(move || write_har(&path, export))
                    .await
                    .unwrap_or_else(|e| Err(format!("the export stopped: {e}")));
                Msg::Saved(
                    written
                        .map(|(count, note)| {
                            let mut text = format!("Exported {count} exchanges as HAR: {shown}");
                            if let Some(note) = note {
                                text.push_str(&format!(" ({note})"));
                            }
                            text
                        })
                        .map_err(|e| format!("HAR export to {shown} failed: {e}")),
                )
            }
            Effect::LoadScenario(name) => {
                let dir = crate::flow::scenario::user_dir();
                Msg::ScenarioLoaded(
                    crate::flow::scenario::load(&name, dir.as_deref()).map(|s| (name, s)),
                )
            }
            Effect::SaveScenario { name, scenario } => match crate::flow::scenario::user_dir() {
                Some(dir) => Msg::Saved(
                    crate::flow::scenario::save(&name, &scenario, &dir)
                        .map(|p| format!("Scenario saved: {} (no key, no CVC)", p.display())),
                ),
                None => Msg::Saved(Err("no config directory to save scenarios in".into())),
            },
            // The event loop runs the editor itself: it owns the terminal.
            Effect::EditJson { .. }
            | Effect::Copy(_)
            | Effect::OpenBrowser(_)
            | Effect::Record(_)
            | Effect::Cancel(_)
            | Effect::Call { .. }
            | Effect::TourStart { .. }
            | Effect::TourAdvance
            | Effect::TourEnd => return,
        };
        let _ = self.tx.send(msg);
    }
}

/// A typed answer back as JSON, for the levers that show it.
fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, crate::api::ApiError> {
    serde_json::to_value(value).map_err(|e| crate::api::ApiError::Transport {
        kind: crate::api::TransportKind::NonJson,
        http_status: None,
        detail: e.to_string(),
    })
}

/// Why no browser can be opened here, when that is known without trying: on Linux and
/// the BSDs a browser needs a graphical session (over SSH there is none).
fn no_graphical_session() -> Option<String> {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    (unix_desktop && !has_display)
        .then(|| "no graphical session: DISPLAY and WAYLAND_DISPLAY are unset".to_string())
}

/// Puts `text` on the clipboard with the OSC 52 escape (works over SSH and in most
/// terminals; where it does not, the text is also on screen).
pub fn copy_osc52(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// Creates `dir` (and its parents) owner-only where this creates it.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `export` as HAR 1.2 to `path`: the earlier rows read with a reader of its own,
/// then this session's. Returns how many exchanges went in and what was left out.
pub(crate) fn write_har(
    path: &std::path::Path,
    export: super::app::HarExport,
) -> Result<(usize, Option<String>), String> {
    let mut exchanges = Vec::new();
    let mut unreadable = 0usize;
    if let Some(earlier) = &export.earlier {
        let reader = crate::history::db::query::Reader::open_file(&earlier.db)?;
        for seq in &earlier.seqs {
            match reader.record(*seq) {
                Ok(Some(record)) => exchanges.push(record.exchange),
                // Trimmed by the limits since the pane read it: nothing to export.
                Ok(None) => {}
                Err(_) => unreadable += 1,
            }
        }
    }
    match &export.folded {
        None => exchanges.extend(export.exchanges),
        Some(folded) => {
            let reader = crate::history::db::query::Reader::open_file(&folded.db)?;
            let mut before = folded.before.iter();
            for exchange in export.exchanges {
                for seq in before.next().into_iter().flatten() {
                    match reader.record(*seq) {
                        Ok(Some(record)) => exchanges.push(record.exchange),
                        Ok(None) => {}
                        Err(_) => unreadable += 1,
                    }
                }
                exchanges.push(exchange);
            }
        }
    }
    let doc = crate::history::har::document(exchanges.iter());
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(|e| e.to_string())?;
    }
    crate::history::safe_file::write_export(path, &text).map_err(|e| e.to_string())?;
    let mut notes: Vec<String> = export.note.into_iter().collect();
    if unreadable > 0 {
        notes.push(format!("{unreadable} earlier records could not be read"));
    }
    Ok((
        exchanges.len(),
        (!notes.is_empty()).then(|| notes.join("; ")),
    ))
}
