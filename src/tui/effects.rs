//! Runs effects as tokio tasks; each reports back as a message on the loop's channel.

use std::io::Write as _;
use std::sync::Arc;

use base64::Engine as _;
use reqwest::Method;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::app::{Effect, Msg};
use crate::api::PaysecureClient;
use crate::flow::browser;
use crate::flow::presets::MerchantUrls;

/// What effects need.
#[derive(Clone)]
pub struct Runner {
    pub client: Arc<PaysecureClient>,
    pub tx: UnboundedSender<Msg>,
    pub urls: MerchantUrls,
    /// Load the merchant landing page after the redirect (embedded sandbox).
    pub fetch_landing: bool,
}

impl Runner {
    /// Starts `effect` in the background.
    pub fn spawn(&self, effect: Effect) {
        let me = self.clone();
        match effect {
            Effect::Copy(text) => copy_osc52(&text),
            Effect::OpenBrowser(url) => {
                // The opener's exit status says whether a browser took the URL (a detached
                // start would report success even when none exists); it may block, so it
                // runs off the loop.
                tokio::task::spawn_blocking(move || {
                    let result = match no_graphical_session() {
                        Some(why) => Err(why),
                        None => open::that(&url).map_err(|e| e.to_string()),
                    };
                    let _ = me.tx.send(Msg::Opened(result));
                });
            }
            other => {
                tokio::spawn(async move { me.run(other).await });
            }
        }
    }

    async fn run(self, effect: Effect) {
        let msg = match effect {
            Effect::CreatePurchase(body) => {
                Msg::Created(self.client.create_purchase_json(&body).await)
            }
            Effect::S2s { purchase_id, body } => {
                Msg::S2s(self.client.s2s(&purchase_id, &body).await)
            }
            Effect::CompleteInTerminal { url, otp } => Msg::Browser(
                browser::complete(&self.client, &url, &otp, &self.urls, self.fetch_landing).await,
            ),
            Effect::PollStatus { purchase_id, after } => {
                tokio::time::sleep(after).await;
                Msg::Status(self.client.status(&purchase_id).await)
            }
            Effect::Resend { method, url, body } => {
                let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
                let path = url
                    .strip_prefix(self.client.base_url())
                    .unwrap_or(&url)
                    .to_string();
                let body: Option<Value> =
                    body.as_deref().and_then(|b| serde_json::from_str(b).ok());
                Msg::Resent(self.client.call(method, &path, body.as_ref()).await)
            }
            Effect::ExportHar { path, exchanges } => {
                let doc = crate::history::har::document(exchanges.iter());
                let result = serde_json::to_string_pretty(&doc)
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        if let Some(dir) = path.parent() {
                            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                        }
                        std::fs::write(&path, text).map_err(|e| e.to_string())
                    });
                Msg::Saved(
                    result
                        .map(|()| {
                            format!(
                                "Exported {} exchanges as HAR: {}",
                                exchanges.len(),
                                path.display()
                            )
                        })
                        .map_err(|e| format!("HAR export to {} failed: {e}", path.display())),
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
            Effect::Copy(_) | Effect::OpenBrowser(_) => return,
        };
        let _ = self.tx.send(msg);
    }
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
