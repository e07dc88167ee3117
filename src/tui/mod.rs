//! The full-screen explorer: one owner of state (`App`), messages in, effects out.
//! Input, timers and background results arrive on one channel; `update` changes the
//! state; views draw it only when a message came (no redraw and no CPU when idle).

pub mod app;
pub mod card_picker;
pub mod code_view;
pub mod columns;
pub mod detail;
pub mod editor;
pub mod effects;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixture;
pub mod flow_map;
pub mod form_model;
pub mod glyphs;
pub mod history;
pub mod history_archive;
pub mod json_edit;
pub mod keys;
pub mod layout;
pub mod levers;
pub mod local_time;
pub mod panel;
pub mod presenter;
pub mod requests;
pub mod result_copy;
pub mod sanitize;
pub mod step_forms;
pub mod text_input;
pub mod theme;
pub mod tour_driver;
pub mod update;
pub mod views;
pub mod wrap;

#[cfg(test)]
mod code_view_tests;
#[cfg(test)]
mod key_text_tests;
#[cfg(test)]
mod mode_tests;
#[cfg(test)]
mod presenter_tests;
#[cfg(test)]
mod update_tests;
#[cfg(test)]
mod wide_text_tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use ratatui::crossterm::execute;
use tokio::sync::mpsc;

use crate::api::exchange::FnRecorder;
use crate::api::{ClientConfig, PaysecureClient};
use crate::config::Config;
use crate::flow::target::Target;
use crate::history::sink::Sink;
use crate::term_text::eprint_line;
use app::{App, Endpoint, Level, Msg};

/// Options from the command line, and the config and history the CLI opened for the
/// session (handed in, so the explorer does not reach back into `cli`).
pub struct TuiOptions {
    /// Theme name (`--theme`).
    pub theme: Option<String>,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// Endpoint profile (`--profile`).
    pub profile: Option<String>,
    /// The config file's settings.
    pub config: Config,
    /// What went wrong opening config and history, shown once as a notice.
    pub warnings: Vec<String>,
    /// Where history and exports live; `None` when there is no data directory.
    pub data_dir: Option<PathBuf>,
    /// Where every exchange is appended; `None` when history is not saved.
    pub sink: Option<Sink>,
    /// Open on this guided tour (`paysecure-explorer demo`); leaving it quits.
    pub demo: Option<DemoStart>,
}

/// A tour to open the app on.
pub struct DemoStart {
    pub tour: crate::flow::tour::Tour,
    /// Auto-play from the start.
    pub auto: bool,
    /// Between two auto-played steps.
    pub pace: Duration,
}

/// Runs the explorer until the user quits; returns the exit code.
pub async fn run(opts: TuiOptions) -> i32 {
    // The embedded sandbox keeps its state beside the history (`--data-dir` included).
    let target = match Target::select_in(
        opts.profile.as_deref(),
        &opts.config,
        opts.data_dir.as_deref(),
    )
    .await
    {
        Ok(t) => t,
        Err(e) => {
            eprint_line(&format!("paysecure-explorer: {e}"));
            return 2;
        }
    };
    let user_dir = theme::user_theme_dir();
    let theme_name = opts.theme.clone().unwrap_or_else(|| "dark".into());
    let (chosen_theme, theme_notice) = match theme::load(&theme_name, user_dir.as_deref()) {
        Ok(t) => (t, None),
        Err(e) => (theme::default_theme(), Some(e)),
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let recorder_tx = tx.clone();
    let sink = opts.sink.clone();
    let write_failure_told = std::sync::atomic::AtomicBool::new(false);
    let recorder = FnRecorder(move |ex: &crate::api::Exchange| {
        let mut stored = None;
        if let Some(sink) = &sink {
            stored = sink.append_stored(ex).1;
            // Say once that history is not being saved (disk full, read-only, …); the
            // session goes on in memory.
            if let Some(e) = sink.last_error()
                && !write_failure_told.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                let _ = recorder_tx.send(Msg::Saved(Err(e)));
            }
            if let Some(note) = sink.take_reopen_note() {
                let _ = recorder_tx.send(Msg::Saved(Err(note)));
            }
        }
        let ex = Box::new(ex.clone());
        let _ = recorder_tx.send(match stored {
            Some(seq) => Msg::StoredExchange(ex, seq),
            None => Msg::Exchange(ex),
        });
    });
    let recorder: Arc<dyn crate::api::Recorder> = Arc::new(recorder);
    let timeout = opts.timeout.unwrap_or(crate::api::client::DEFAULT_TIMEOUT);
    let client = match PaysecureClient::new(ClientConfig {
        base_url: target.base_url.clone(),
        api_key: target.api_key.clone(),
        timeout,
        max_body_bytes: opts.config.max_body_bytes(),
    }) {
        Ok(c) => Arc::new(c.with_recorder(recorder.clone())),
        Err(e) => {
            eprint_line(&format!("paysecure-explorer: {e}"));
            return 2;
        }
    };
    if let Some(sandbox) = &target.sandbox {
        let mut events = sandbox.subscribe();
        let tx = tx.clone();
        let sink = opts.sink.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(e) => {
                        let stored = sink.as_ref().and_then(|sink| {
                            sink.append_stored(&crate::history::merchant::to_exchange(&e))
                                .1
                        });
                        let e = Box::new(e);
                        let msg = match stored {
                            Some(seq) => Msg::StoredMerchant(e, seq),
                            None => Msg::Merchant(e),
                        };
                        if tx.send(msg).is_err() {
                            return;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => return,
                }
            }
        });
    }
    let urls = target.default_urls();
    let mut app = App::new(
        Endpoint {
            base_url: target.base_url.clone(),
            embedded: target.is_embedded(),
            local: target.is_local(),
            banner: target.banner(),
        },
        &target.brand_id,
        urls.clone(),
        chosen_theme,
        theme::names(user_dir.as_deref()),
    );
    // Earlier sessions' rows are attached in the background, after the first frame (and
    // after the history is open: an old `history.jsonl` is imported first); the pane
    // then reads them from the database a window at a time.
    if let Some(dir) = opts.data_dir.clone() {
        let tx = tx.clone();
        let sink = opts.sink.clone();
        tokio::task::spawn_blocking(move || {
            let mut warnings = sink.map(|s| s.take_open_warnings()).unwrap_or_default();
            let opened = crate::history::db::query::Reader::open(&dir)
                .and_then(|r| r.map(history_archive::Archive::open).transpose());
            let archive = match opened {
                Ok(archive) => archive.map(Box::new),
                Err(e) => {
                    warnings.push(format!("history: {e}"));
                    None
                }
            };
            if archive.is_some() || !warnings.is_empty() {
                let _ = tx.send(Msg::HistoryLoaded { archive, warnings });
            }
        });
    }
    app.timeout = timeout;
    app.public_key_pem = target.sandbox.as_ref().map(|s| s.public_key_pem.clone());
    // The control plane of this project's sandbox: embedded, or a `serve` on this machine.
    app.control_url = match &target.sandbox {
        Some(s) => Some(s.control_url.clone()),
        None if target.is_local() => Some(format!(
            "{}/_sandbox",
            target
                .base_url
                .trim_end_matches('/')
                .trim_end_matches("/api/v1")
        )),
        None => None,
    };
    // A served sandbox's public key, for the webhook detail's verification section.
    if let (None, Some(control)) = (&app.public_key_pem, &app.control_url) {
        let url = format!("{control}/public-key");
        let tx = tx.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build();
            let Ok(client) = client else { return };
            if let Ok(resp) = client.get(&url).send().await
                && let Ok(pem) = resp.text().await
                && pem.starts_with("-----BEGIN PUBLIC KEY-----")
                && pem.len() < 4096
            {
                let _ = tx.send(Msg::PublicKey(pem));
            }
        });
    }
    app.export_dir = opts.data_dir.as_ref().map(|d| d.join("exports"));
    // The user's scenario directory, read once for both lists.
    let saved = crate::flow::scenario::saved_names(crate::flow::scenario::user_dir().as_deref());
    app.scenario_names = crate::flow::scenario::names_with(&saved);
    app.saved_scenarios = saved;
    let mut warnings: Vec<String> = opts.warnings.clone();
    warnings.extend(theme_notice);
    // The sandbox's state file set aside (damaged) or in use by another explorer.
    if let Some(sandbox) = &target.sandbox {
        warnings.extend(sandbox.state_notes.iter().cloned());
    }
    if !warnings.is_empty() {
        app.notice = Some((Level::Warn, warnings.join(" · ")));
    }
    let runner = effects::Runner {
        client,
        recorder,
        tasks: Default::default(),
        tx: tx.clone(),
        urls,
        fetch_landing: target.is_embedded(),
        tour: Default::default(),
    };
    if let Some(demo) = opts.demo {
        for effect in presenter::start(&mut app, demo.tour, demo.auto, demo.pace, true) {
            runner.spawn(effect);
        }
    }
    let code = match event_loop(&mut app, &runner, &mut rx, tx).await {
        Ok(None) => 0,
        // Killed by a signal: the terminal is restored; exit as a shell expects.
        Ok(Some(signal)) => 128 + signal,
        Err(e) => {
            eprint_line(&format!("paysecure-explorer: terminal error: {e}"));
            1
        }
    };
    if let Some(sandbox) = &target.sandbox {
        sandbox.shutdown().await;
    }
    code
}

/// Reads terminal events on a plain thread (crossterm's `read` blocks) into the channel.
/// After a key it waits until the loop has applied it (`applied`): a key may hand the
/// terminal to `$EDITOR`, whose keystrokes this thread must not read meanwhile.
fn spawn_input(tx: mpsc::UnboundedSender<Msg>, applied: std::sync::mpsc::Receiver<()>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(k)) => Msg::Key(k),
                // Motion without a button changes nothing here: not worth a message (and a
                // redraw) per pixel the pointer crosses.
                Ok(Event::Mouse(m))
                    if matches!(
                        m.kind,
                        event::MouseEventKind::Moved | event::MouseEventKind::Drag(_)
                    ) =>
                {
                    continue;
                }
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::Paste(text)) => Msg::Paste(text),
                Ok(_) => continue,
                Err(_) => return,
            };
            let key = matches!(msg, Msg::Key(_));
            if tx.send(msg).is_err() || (key && applied.recv().is_err()) {
                return;
            }
        }
    });
}

/// Applies one message and starts its effects; `$EDITOR` runs here, on the terminal,
/// and its answer is applied at once. After a key the input thread reads on.
fn apply(
    app: &mut App,
    msg: Msg,
    terminal: &mut glyphs::Screen,
    runner: &effects::Runner,
    applied: &std::sync::mpsc::Sender<()>,
) {
    let key = matches!(msg, Msg::Key(_));
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for effect in update::update(app, msg) {
            match effect {
                app::Effect::EditJson { text } => queue.push(editor::edit(terminal, &text)),
                other => runner.spawn(other),
            }
        }
    }
    if key {
        let _ = applied.send(());
    }
}

/// Starts watching SIGTERM, SIGINT and SIGHUP now (so none of them finds the default
/// action, which would kill the process with the terminal still raw); the future
/// resolves with the number of the first that arrives (never, where they cannot be
/// watched).
fn stop_signals() -> impl std::future::Future<Output = i32> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let watch = |kind: SignalKind| signal(kind).ok();
        let watched = (
            watch(SignalKind::terminate()),
            watch(SignalKind::interrupt()),
            watch(SignalKind::hangup()),
        );
        async move {
            match watched {
                (Some(mut term), Some(mut int), Some(mut hup)) => tokio::select! {
                    _ = term.recv() => 15,
                    _ = int.recv() => 2,
                    _ = hup.recv() => 1,
                },
                _ => std::future::pending().await,
            }
        }
    }
    #[cfg(not(unix))]
    {
        std::future::pending()
    }
}

/// Runs until the user quits (`None`) or a stop signal arrives (`Some(signal)`); the
/// terminal is restored on every way out.
async fn event_loop(
    app: &mut App,
    runner: &effects::Runner,
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    tx: mpsc::UnboundedSender<Msg>,
) -> std::io::Result<Option<i32>> {
    let signal = stop_signals();
    tokio::pin!(signal);
    // ratatui's init installs a panic hook that restores the terminal; we add mouse
    // capture and take it back on every way out.
    // Its terminal is replaced by one that draws through `SafeGlyphs` (see there).
    drop(ratatui::init());
    let mut terminal = match glyphs::screen() {
        Ok(terminal) => terminal,
        Err(e) => {
            ratatui::restore();
            return Err(e);
        }
    };
    // Bracketed paste: a pasted text arrives whole (newlines included) instead of as
    // keys, so a paste never presses Enter or moves the focus.
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous_hook(info);
    }));
    let result = async {
        let size = terminal.size()?;
        app.size = (size.width, size.height);
        let (applied, applied_rx) = std::sync::mpsc::channel();
        spawn_input(tx, applied_rx);
        terminal.draw(|f| views::draw(f, app))?;
        // The spinner's clock runs on its own schedule: a burst of messages does not keep
        // pushing its next tick away.
        let mut spinner = tokio::time::interval(Duration::from_millis(100));
        spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        while !app.quit {
            // A guided tour ticks too: the OTP it types, its auto-play, its running step.
            let ticking =
                !app.requests.is_empty() || app.presenter.as_ref().is_some_and(|p| p.ticking());
            let msg = tokio::select! {
                n = &mut signal => return Ok(Some(n)),
                m = rx.recv() => m,
                _ = spinner.tick(), if ticking => Some(Msg::Tick),
            };
            let Some(msg) = msg else { break };
            apply(app, msg, &mut terminal, runner, &applied);
            // Everything already queued is applied before the one draw (bounded, so input
            // stays responsive under a flood of webhooks).
            for _ in 0..256 {
                let Ok(msg) = rx.try_recv() else { break };
                apply(app, msg, &mut terminal, runner, &applied);
                if app.quit {
                    break;
                }
            }
            if !app.quit {
                terminal.draw(|f| views::draw(f, app))?;
            }
        }
        Ok::<Option<i32>, std::io::Error>(None)
    }
    .await;
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    result
}
