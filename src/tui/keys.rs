//! Every key binding, its help text and where it works: one table that drives input
//! handling, the footer hints and the help overlay.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send,
    NextField,
    PrevField,
    NextFieldEnter,
    Close,
    Help,
    Quit,
    ForceQuit,
    Toggle,
    ClearField,
    TestCards,
    DevicePresets,
    AddProduct,
    RemoveProduct,
    SwitchPane,
    NextTheme,
    OpenBrowser,
    CompleteHere,
    EditRetry,
    NewPurchase,
    Retry,
    RawBody,
    Up,
    Down,
    PageUp,
    PageDown,
    Select,
    Resend,
    CopyCurl,
    Filter,
    Export,
    Scenarios,
    SaveScenario,
    /// Esc with no overlay: cancel the request in flight.
    Cancel,
    /// Open the sandbox panel.
    OpenPanel,
    /// Copy the sandbox's public key (webhook detail).
    CopyKey,
    /// History: jump to the newest row (and stick to it again).
    Newest,
    /// History: jump to the oldest row.
    Oldest,
    RefundFull,
    RefundPartial,
    CancelPurchase,
    Capture,
    PanelTab,
    PanelReload,
    SettlePaid,
    SettleError,
    Clock2h,
    Clock24h,
    ClockTyped,
    ToggleMode,
    SetAttempts,
    SetLatency,
    SetTimeout,
    Reset,
    Replay,
    Redeliver,
    /// Normal mode: edit the focused field (insert mode).
    Edit,
    /// Insert mode: leave the field (normal mode); a request in flight is cancelled first.
    LeaveField,
    /// Edit the current step's JSON body in `$EDITOR`.
    EditJson,
    /// Exchange detail: fold or unfold the JSON object or array under the cursor.
    ToggleFold,
    /// Exchange detail: `z`, the first key of `za`.
    FoldPrefix,
    /// Exchange detail: `a` after `z` toggles the fold.
    FoldAfterZ,
    /// Exchange detail: fold, or go to the enclosing container.
    FoldClose,
    /// Exchange detail: unfold, or step inside.
    FoldOpen,
    /// Exchange detail: the first line.
    DetailTop,
    /// Exchange detail: the last line.
    DetailBottom,
    /// Exchange detail: open the search prompt.
    SearchStart,
    SearchNext,
    SearchPrev,
    /// Exchange detail: an HTML body as readable text or its source.
    RawHtml,
    /// Copy the value under the cursor (detail) or the URL or command shown (result).
    CopyValue,
    /// Copy as code: a history row, an exchange, or the request the form would send, in a
    /// chosen language.
    CopyAsCode,
    /// Copy as code: use the form's real card values instead of masked ones.
    CodeFormValues,
    /// Start the default guided tour (presenter mode).
    StartTour,
    /// Presenter: the next step (runs it, or replays one seen before).
    TourNext,
    /// Presenter: back to the previous step's screen.
    TourBack,
    /// Presenter: auto-play on or off.
    TourAuto,
    /// Presenter: leave the tour.
    TourLeave,
    /// Open or close the flow map (the purchase's progress as a sequence diagram).
    FlowMap,
    /// Copy as code, on the snippet: scroll the long lines left or right.
    CodeLeft,
    CodeRight,
    /// Copy as code, on the snippet: back to column 0, or to where the longest line ends.
    CodeLineStart,
    CodeLineEnd,
}

/// Where the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    PurchaseForm,
    CardForm,
    Result,
    History,
    Detail,
    Picker,
    Prompt,
    Help,
    /// The sandbox panel.
    Panel,
    /// Copy as code: the language chooser and the snippet.
    Code,
    /// The presenter screen of a guided tour.
    Presenter,
    /// The flow map.
    FlowMap,
}

impl Context {
    /// The place in user words, for help.
    pub fn words(self) -> &'static str {
        match self {
            Context::PurchaseForm => "purchase form",
            Context::CardForm => "card form",
            Context::Result => "result",
            Context::History => "history",
            Context::Detail => "exchange detail",
            Context::Picker => "pickers",
            Context::Prompt => "prompts",
            Context::Help => "help",
            Context::Panel => "sandbox panel",
            Context::Code => "copy as code",
            Context::Presenter => "presenter",
            Context::FlowMap => "flow map",
        }
    }
}

/// One key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

impl Key {
    /// Whether `event` is this key (Shift is ignored for characters and BackTab).
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mods = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        let code = match event.code {
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && mods == self.mods
    }

    /// How the key is written in hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl+{}", base.to_ascii_uppercase())
        } else {
            base
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// Short text for the footer and the help overlay.
    pub help: &'static str,
    /// Where it works; empty means everywhere.
    pub contexts: &'static [Context],
    /// Works in insert mode and in prompts too, where only its keys that are not
    /// printable (Esc, Tab, Enter, F-keys, arrows) and Ctrl-chords act; without it the
    /// binding works in normal mode only.
    pub in_text: bool,
    /// Shown in the footer.
    pub hint: bool,
}

use Context::*;

const FORMS: &[Context] = &[PurchaseForm, CardForm];
const LISTS: &[Context] = &[History, Detail, Picker, Help, Panel, Code];

/// The table. Order matters: the first binding that matches wins.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[ctrl('c')],
        action: Action::ForceQuit,
        help: "quit",
        contexts: &[],
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[ctrl('s'), plain(KeyCode::F(5))],
        action: Action::Send,
        help: "send",
        contexts: FORMS,
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Tab)],
        action: Action::NextField,
        help: "next field",
        contexts: FORMS,
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::BackTab)],
        action: Action::PrevField,
        help: "previous field",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Enter), ch('i')],
        action: Action::Edit,
        help: "edit the field (insert mode)",
        contexts: FORMS,
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Enter)],
        action: Action::NextFieldEnter,
        help: "next field",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[ch(' ')],
        action: Action::Toggle,
        help: "toggle a true/false or on/off field",
        contexts: FORMS,
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ctrl('u')],
        action: Action::ClearField,
        help: "clear the field",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::F(2))],
        action: Action::TestCards,
        help: "test cards",
        contexts: &[CardForm],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(3))],
        action: Action::DevicePresets,
        help: "device presets",
        contexts: &[CardForm],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(4))],
        action: Action::AddProduct,
        help: "add product",
        contexts: &[PurchaseForm],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(8))],
        action: Action::RemoveProduct,
        help: "remove last product row",
        contexts: &[PurchaseForm],
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        action: Action::Close,
        help: "close / back",
        contexts: &[Detail, Picker, Prompt, Help, History, Panel, Code],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        action: Action::LeaveField,
        help: "leave the field (normal mode)",
        contexts: FORMS,
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        action: Action::Cancel,
        help: "cancel the request in flight",
        contexts: &[PurchaseForm, CardForm, Result],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        help: "open / choose",
        contexts: &[History, Picker, Prompt, Panel, Code],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Up), ch('k')],
        action: Action::Up,
        help: "move up",
        contexts: LISTS,
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Down), ch('j')],
        action: Action::Down,
        help: "move down",
        contexts: LISTS,
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Up), ch('k')],
        action: Action::Up,
        help: "previous field",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Down), ch('j')],
        action: Action::Down,
        help: "next field",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    // A long result (a server's long message, a small terminal) scrolls; its title says
    // when there is more.
    Binding {
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "scroll the result up",
        contexts: &[Result],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        help: "scroll the result down",
        contexts: &[Result],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "page up",
        contexts: LISTS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        help: "page down",
        contexts: LISTS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[ch('o')],
        action: Action::OpenBrowser,
        help: "open callback in browser",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('b')],
        action: Action::CompleteHere,
        help: "complete 3DS here",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('e')],
        action: Action::EditRetry,
        help: "edit & retry",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('n')],
        action: Action::NewPurchase,
        help: "new purchase",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('r')],
        action: Action::Retry,
        help: "retry / check status",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('v')],
        action: Action::RawBody,
        help: "raw response body",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('r')],
        action: Action::Resend,
        help: "resend",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    // In the list too (it opens the row's detail first), without a footer hint: the
    // list's footer is full, and the detail it opens names r.
    Binding {
        keys: &[ch('r')],
        action: Action::Resend,
        help: "resend the selected row (opens its detail)",
        contexts: &[History],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('c')],
        action: Action::CopyCurl,
        help: "copy as curl",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('C')],
        action: Action::CopyAsCode,
        help: "code (copy as curl, Python, Node.js, PHP, Java, Go or C#)",
        contexts: &[History, Detail, PurchaseForm, CardForm, Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('v')],
        action: Action::CodeFormValues,
        help: "values (the form's real card values in the code, or masked again)",
        contexts: &[Code],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(6)), ch('h')],
        action: Action::SwitchPane,
        help: "history ⇄ step",
        contexts: &[PurchaseForm, CardForm, Result, History],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Home), ch('g')],
        action: Action::Newest,
        help: "newest row",
        contexts: &[History],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::End), ch('G')],
        action: Action::Oldest,
        help: "oldest row",
        contexts: &[History],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('/')],
        action: Action::Filter,
        help: "filter history",
        contexts: &[History, PurchaseForm, CardForm],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('x')],
        action: Action::Export,
        help: "export shown rows as HAR",
        contexts: &[History],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(7))],
        action: Action::Scenarios,
        help: "scenarios",
        contexts: FORMS,
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(10))],
        action: Action::SaveScenario,
        help: "save as scenario",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[ctrl('e'), ch('e')],
        action: Action::EditJson,
        help: "edit the step's JSON in $EDITOR",
        contexts: FORMS,
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::F(9))],
        action: Action::NextTheme,
        help: "next theme",
        contexts: &[],
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::F(1)), ch('?')],
        action: Action::Help,
        help: "help",
        contexts: &[],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[ctrl('p')],
        action: Action::OpenPanel,
        help: "sandbox panel",
        contexts: &[PurchaseForm, CardForm, Result, History],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[ch('f')],
        action: Action::RefundFull,
        help: "refund in full",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('p')],
        action: Action::RefundPartial,
        help: "partial refund",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('k')],
        action: Action::Capture,
        help: "capture the hold",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('c')],
        action: Action::CancelPurchase,
        help: "cancel the purchase",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Tab)],
        action: Action::PanelTab,
        help: "next tab",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('K')],
        action: Action::CopyKey,
        help: "copy the public key",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('y')],
        action: Action::CopyCurl,
        help: "copy the curl",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('R')],
        action: Action::PanelReload,
        help: "reload",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('/')],
        action: Action::Filter,
        help: "filter purchases",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('p')],
        action: Action::SettlePaid,
        help: "settle paid",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('x')],
        action: Action::SettleError,
        help: "settle error",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('2')],
        action: Action::Clock2h,
        help: "clock +2 h",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('d')],
        action: Action::Clock24h,
        help: "clock +24 h",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('t')],
        action: Action::ClockTyped,
        help: "clock + typed minutes",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('m')],
        action: Action::ToggleMode,
        help: "3D ⇄ 2D mode",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('a')],
        action: Action::SetAttempts,
        help: "attempt limit",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('l')],
        action: Action::SetLatency,
        help: "added latency",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('o')],
        action: Action::SetTimeout,
        help: "hang card timeout",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('X')],
        action: Action::Reset,
        help: "reset the sandbox (twice)",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('r')],
        action: Action::Replay,
        help: "replay webhook",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('u')],
        action: Action::Redeliver,
        help: "redeliver to a URL",
        contexts: &[Panel],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('q')],
        action: Action::Quit,
        help: "quit",
        contexts: &[PurchaseForm, CardForm, Result, History],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch(' ')],
        action: Action::ToggleFold,
        help: "fold / unfold (also za)",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('z')],
        action: Action::FoldPrefix,
        help: "z then a: fold / unfold",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('a')],
        action: Action::FoldAfterZ,
        help: "after z: fold / unfold",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Left), ch('h')],
        action: Action::FoldClose,
        help: "fold, or go to the enclosing object",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Right), ch('l')],
        action: Action::FoldOpen,
        help: "unfold, or step inside",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Home), ch('g')],
        action: Action::DetailTop,
        help: "first line",
        contexts: &[Detail, Help],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::End), ch('G')],
        action: Action::DetailBottom,
        help: "last line",
        contexts: &[Detail, Help],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('/')],
        action: Action::SearchStart,
        help: "search in the exchange",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('n')],
        action: Action::SearchNext,
        help: "next match",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('N')],
        action: Action::SearchPrev,
        help: "previous match",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('v')],
        action: Action::RawHtml,
        help: "HTML body: readable ⇄ source",
        contexts: &[Detail],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[ch('y')],
        action: Action::CopyValue,
        help: "copy the value under the cursor",
        contexts: &[Detail],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('y')],
        action: Action::CopyValue,
        help: "copy the URL or command shown",
        contexts: &[Result],
        in_text: false,
        hint: true,
    },
    // The test-card picker takes typed text (its search), so its arrows must work
    // while text is typed; the list bindings above do not.
    Binding {
        keys: &[plain(KeyCode::Up)],
        action: Action::Up,
        help: "move up (test cards, while searching)",
        contexts: &[Picker],
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Down)],
        action: Action::Down,
        help: "move down (test cards, while searching)",
        contexts: &[Picker],
        in_text: true,
        hint: false,
    },
    Binding {
        keys: &[ctrl('f'), ch('m')],
        action: Action::FlowMap,
        help: "flow map (sequence diagram)",
        contexts: &[PurchaseForm, CardForm, Result, History, FlowMap],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::F(12))],
        action: Action::StartTour,
        help: "demo tour",
        contexts: &[PurchaseForm, CardForm, Result, History],
        in_text: true,
        hint: true,
    },
    Binding {
        keys: &[ch(' '), plain(KeyCode::Right)],
        action: Action::TourNext,
        help: "next step",
        contexts: &[Presenter],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Left)],
        action: Action::TourBack,
        help: "back",
        contexts: &[Presenter],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('a')],
        action: Action::TourAuto,
        help: "auto-play",
        contexts: &[Presenter],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[ch('q'), plain(KeyCode::Esc)],
        action: Action::TourLeave,
        help: "leave the tour",
        contexts: &[Presenter],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Up), ch('k')],
        action: Action::Up,
        help: "previous arrow",
        contexts: &[FlowMap],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Down), ch('j')],
        action: Action::Down,
        help: "next arrow",
        contexts: &[FlowMap],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        help: "open the arrow's history row",
        contexts: &[FlowMap],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        action: Action::Close,
        help: "close the flow map",
        contexts: &[FlowMap],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Left)],
        action: Action::CodeLeft,
        help: "scroll the snippet left",
        contexts: &[Code],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Right)],
        action: Action::CodeRight,
        help: "scroll the snippet right (long lines)",
        contexts: &[Code],
        in_text: false,
        hint: true,
    },
    Binding {
        keys: &[plain(KeyCode::Home)],
        action: Action::CodeLineStart,
        help: "snippet back to column 0",
        contexts: &[Code],
        in_text: false,
        hint: false,
    },
    Binding {
        keys: &[plain(KeyCode::End)],
        action: Action::CodeLineEnd,
        help: "snippet to the end of its longest line",
        contexts: &[Code],
        in_text: false,
        hint: false,
    },
];

/// Whether a key may act as a command while text is being typed.
fn allowed_in_text(key: &Key) -> bool {
    !matches!(key.code, KeyCode::Char(_)) || key.mods.contains(KeyModifiers::CONTROL)
}

/// The action for `event` in `context`; `in_text` when a text field has focus, where
/// printable keys are text, not commands.
pub fn action_for(context: Context, event: &KeyEvent, in_text: bool) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.contexts.is_empty() || b.contexts.contains(&context))
        .filter(|b| !in_text || b.in_text)
        .find_map(|b| {
            b.keys
                .iter()
                .filter(|k| !in_text || allowed_in_text(k))
                .any(|k| k.matches(event))
                .then_some(b.action)
        })
}

/// Where else `event` does something, when it does nothing in the current context: the
/// key as written, its help and every place it works (so a key pressed in the wrong place
/// can say so).
pub fn bound_elsewhere(event: &KeyEvent) -> Option<(String, &'static str, &'static [Context])> {
    BINDINGS.iter().find_map(|b| {
        let key = b.keys.iter().find(|k| k.matches(event))?;
        (!b.contexts.is_empty()).then(|| (key.label(), b.help, b.contexts))
    })
}

/// How the first key of `action` in `context` is written (`Ctrl+S`), for text that names
/// a key: every key name on screen comes from the table. `?` if none is bound.
pub fn label_of(action: Action, context: Context) -> String {
    BINDINGS
        .iter()
        .filter(|b| b.action == action)
        .filter(|b| b.contexts.is_empty() || b.contexts.contains(&context))
        .find_map(|b| b.keys.first())
        .map_or_else(|| "?".to_string(), Key::label)
}

/// How the first key of `action` in the exchange detail is written: the detail's notices
/// and status line name keys through this.
pub fn detail_key(action: Action) -> String {
    label_of(action, Context::Detail)
}

/// Every key of `action` in `context`, as written in hints (`["Enter", "i"]`).
pub fn labels_of(action: Action, context: Context) -> Vec<String> {
    BINDINGS
        .iter()
        .filter(|b| b.action == action)
        .filter(|b| b.contexts.is_empty() || b.contexts.contains(&context))
        .flat_map(|b| b.keys.iter().map(Key::label))
        .collect()
}

/// The keys of `action` that work in `context` now (in insert mode and prompts, not the
/// printable ones), as written in hints.
pub fn usable_labels(action: Action, context: Context, in_text: bool) -> Vec<String> {
    BINDINGS
        .iter()
        .filter(|b| b.action == action)
        .filter(|b| b.contexts.is_empty() || b.contexts.contains(&context))
        .filter(|b| !in_text || b.in_text)
        .flat_map(|b| b.keys.iter())
        .filter(|k| !in_text || allowed_in_text(k))
        .map(Key::label)
        .collect()
}

/// `(keys, action, help)` hints for the footer in `context`.
pub fn hints(context: Context, in_text: bool) -> Vec<(String, Action, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.hint && (b.contexts.is_empty() || b.contexts.contains(&context)))
        .filter(|b| !in_text || b.in_text)
        .filter_map(|b| {
            let keys: Vec<String> = b
                .keys
                .iter()
                .filter(|k| !in_text || allowed_in_text(k))
                .map(Key::label)
                .collect();
            (!keys.is_empty()).then(|| (keys.join("/"), b.action, b.help))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn printable_keys_are_text_in_a_text_field() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::PurchaseForm, &q, true), None);
        assert_eq!(
            action_for(Context::PurchaseForm, &q, false),
            Some(Action::Quit)
        );
        let help = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Context::CardForm, &help, true), None);
        assert_eq!(
            action_for(Context::Result, &help, false),
            Some(Action::Help)
        );
    }

    #[test]
    fn contract_keys() {
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for(Context::PurchaseForm, &ctrl_s, true),
            Some(Action::Send)
        );
        assert_eq!(
            action_for(
                Context::CardForm,
                &key(KeyCode::F(5), KeyModifiers::NONE),
                true
            ),
            Some(Action::Send)
        );
        assert_eq!(
            action_for(
                Context::CardForm,
                &key(KeyCode::BackTab, KeyModifiers::SHIFT),
                true
            ),
            Some(Action::PrevField)
        );
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in [
            Context::PurchaseForm,
            Context::Result,
            Context::Detail,
            Context::Prompt,
            Context::Help,
        ] {
            assert_eq!(action_for(ctx, &ctrl_c, true), Some(Action::ForceQuit));
        }
        assert_eq!(
            action_for(
                Context::Result,
                &key(KeyCode::Char('o'), KeyModifiers::NONE),
                false
            ),
            Some(Action::OpenBrowser)
        );
        assert_eq!(
            action_for(
                Context::Result,
                &key(KeyCode::Char('b'), KeyModifiers::NONE),
                false
            ),
            Some(Action::CompleteHere)
        );
        assert_eq!(
            action_for(
                Context::Detail,
                &key(KeyCode::Esc, KeyModifiers::NONE),
                false
            ),
            Some(Action::Close)
        );
        assert_eq!(
            action_for(
                Context::PurchaseForm,
                &key(KeyCode::F(1), KeyModifiers::NONE),
                true
            ),
            Some(Action::Help)
        );
    }

    #[test]
    fn key_names_in_text_come_from_the_table() {
        assert_eq!(labels_of(Action::Edit, Context::CardForm), ["Enter", "i"]);
        assert_eq!(label_of(Action::Send, Context::PurchaseForm), "Ctrl+S");
        for (action, context) in [
            (Action::AddProduct, Context::PurchaseForm),
            (Action::RemoveProduct, Context::PurchaseForm),
            (Action::TestCards, Context::CardForm),
            (Action::DevicePresets, Context::CardForm),
            (Action::Toggle, Context::CardForm),
            (Action::ClearField, Context::CardForm),
            (Action::Help, Context::PurchaseForm),
        ] {
            assert_ne!(label_of(action, context), "?", "{action:?} in {context:?}");
        }
        assert_eq!(
            label_of(Action::Edit, Context::Result),
            "?",
            "not bound there"
        );
    }

    #[test]
    fn normal_mode_only_keys_are_not_offered_in_insert_mode() {
        let insert = hints(Context::PurchaseForm, true);
        assert!(
            !insert.iter().any(|(_, a, _)| *a == Action::Edit),
            "{insert:?}"
        );
        assert!(insert.iter().any(|(_, a, _)| *a == Action::LeaveField));
        let normal = hints(Context::PurchaseForm, false);
        assert!(
            normal
                .iter()
                .any(|(k, a, _)| *a == Action::Edit && k == "Enter/i")
        );
        let esc = key(KeyCode::Esc, KeyModifiers::NONE);
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(
            action_for(Context::CardForm, &esc, true),
            Some(Action::LeaveField)
        );
        assert_eq!(
            action_for(Context::CardForm, &enter, true),
            Some(Action::NextFieldEnter)
        );
        assert_eq!(
            action_for(Context::CardForm, &enter, false),
            Some(Action::Edit)
        );
        let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::CardForm, &j, true), None);
        assert_eq!(action_for(Context::CardForm, &j, false), Some(Action::Down));
    }

    #[test]
    fn footer_hints_come_from_the_table() {
        let hints = hints(Context::CardForm, true);
        assert!(
            hints
                .iter()
                .any(|(k, _, h)| k == "Ctrl+S/F5" && *h == "send")
        );
        assert!(hints.iter().any(|(k, _, _)| k == "F2"));
        assert!(
            !hints.iter().any(|(k, _, _)| k == "q"),
            "q is text in a text field"
        );
    }
}
