//! Copy as code: the chooser of languages and the scrollable snippet, over a history row,
//! an exchange's detail, or the request the current form would send. The code comes from
//! [`crate::codegen`]; this file only decides what the request is and what the keys do.

use crate::api::Exchange;
use crate::codegen::{CardData, Lang, RequestModel, request_code};
use crate::flow::machine::Step;

use super::app::{App, Effect, Level, Overlay};
use super::keys::{Action, Context, label_of};

/// What the snippet sends.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeSource {
    /// A recorded exchange (as history keeps it: card masked, security code removed).
    Exchange(Box<Exchange>),
    /// The request the current step's form would send.
    Form {
        method: &'static str,
        base_url: String,
        path: String,
        body: serde_json::Value,
        expected_status: u16,
        /// Step ① or ②, for the title.
        what: &'static str,
    },
}

impl CodeSource {
    /// Whether a "use the form's values" toggle means anything (history is masked).
    pub fn from_form(&self) -> bool {
        matches!(self, CodeSource::Form { .. })
    }

    /// A few words for the title.
    pub fn describe(&self) -> String {
        match self {
            CodeSource::Exchange(ex) => format!("{} {}", ex.method, ex.path()),
            CodeSource::Form { what, .. } => (*what).to_string(),
        }
    }

    /// The request model, card data masked unless `form_values`.
    pub fn model(&self, form_values: bool) -> RequestModel {
        match self {
            CodeSource::Exchange(ex) => RequestModel::from_exchange(ex),
            CodeSource::Form {
                method,
                base_url,
                path,
                body,
                expected_status,
                ..
            } => {
                let card = if form_values {
                    CardData::FormValues
                } else {
                    CardData::Masked
                };
                RequestModel::api(method, base_url, path, Some(body.clone()), card, &[])
                    .expecting(*expected_status)
            }
        }
    }
}

/// The shown snippet.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub lang: Lang,
    pub code: String,
    pub scroll: u16,
    /// First column shown (long lines scroll sideways rather than being cut for good).
    pub col: usize,
}

/// Columns ←/→ move the snippet by.
pub const SIDE_STEP: usize = 8;

/// Columns of code the snippet box shows in a frame `frame_width` wide: the box leaves
/// two columns each side and has a border (see `views::code`).
pub fn snippet_columns(frame_width: u16) -> usize {
    usize::from(frame_width.saturating_sub(6)).max(1)
}

/// A line of the snippet as it is shown: Go's tabs as four columns (copied as they are).
pub fn display_line(line: &str) -> String {
    line.replace('\t', "    ")
}

/// A line of the snippet as the terminal gets it: tabs widened, then cleaned (a control
/// character becomes its visible escape, which is wider than the character).
pub fn shown_line(line: &str) -> String {
    crate::term_text::clean(&display_line(line))
}

/// The farthest first column worth showing: where the longest line's end, as shown,
/// reaches the box's right edge.
pub fn max_col(code: &str, columns: usize) -> usize {
    code.lines()
        .map(|l| crate::tui::columns::width(&shown_line(l)))
        .max()
        .unwrap_or(0)
        .saturating_sub(columns)
}

/// ←/→/Home/End on the snippet: scroll sideways (nothing in the chooser).
pub fn sideways(app: &mut App, action: Action) {
    let columns = snippet_columns(app.size.0);
    let Some(Overlay::Code(code)) = &mut app.overlay else {
        return;
    };
    let Some(shown) = &mut code.shown else {
        return;
    };
    let end = max_col(&shown.code, columns);
    shown.col = match action {
        Action::CodeLeft => shown.col.saturating_sub(SIDE_STEP),
        Action::CodeRight => (shown.col + SIDE_STEP).min(end),
        Action::CodeLineEnd => end,
        _ => 0,
    };
}

/// The state of the overlay.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeOverlay {
    pub source: CodeSource,
    /// Index into [`Lang::ALL`].
    pub selected: usize,
    /// Use the form's real card number and code (asked for with a key; warned about).
    pub form_values: bool,
    /// After Enter: the snippet, copied and shown.
    pub shown: Option<Shown>,
}

/// Opens the chooser for what the user is on: the detail's exchange, the selected history
/// row, or the current form. Says why not when there is nothing to turn into code.
pub fn open(app: &mut App, context: Context) -> Vec<Effect> {
    let source = match (context, &app.overlay) {
        (Context::Detail, Some(Overlay::Detail { index, .. })) => app
            .history
            .newest(*index)
            .map(|ex| CodeSource::Exchange(Box::new(ex.clone()))),
        // The result screen's detail pane shows the selected history row.
        (Context::History | Context::Result, _) => app
            .history
            .newest(app.history.selected)
            .map(|ex| CodeSource::Exchange(Box::new(ex.clone()))),
        (Context::PurchaseForm | Context::CardForm, _) => form_source(app),
        _ => None,
    };
    let Some(source) = source else {
        app.notice = Some((
            Level::Info,
            "Nothing to turn into code here: pick a history row, or fill the purchase form.".into(),
        ));
        return vec![];
    };
    let selected = Lang::ALL
        .iter()
        .position(|l| *l == app.code_lang)
        .unwrap_or(0);
    app.overlay = Some(Overlay::Code(Box::new(CodeOverlay {
        source,
        selected,
        form_values: false,
        shown: None,
    })));
    vec![]
}

/// The request the current step would send: the create on step ①, the S2S on step ②.
fn form_source(app: &App) -> Option<CodeSource> {
    let base_url = app.endpoint.base_url.clone();
    let body = app.current_form().to_json();
    match (app.flow.step, app.flow.purchase_id()) {
        (Step::Purchase, _) => Some(CodeSource::Form {
            method: "POST",
            base_url,
            path: "/purchases/".into(),
            body,
            expected_status: 202,
            what: "① create purchase (not sent)",
        }),
        (_, Some(id)) => Some(CodeSource::Form {
            method: "POST",
            base_url,
            // The client's own path: the id percent-encoded as it is sent.
            path: crate::api::client::s2s_path(id),
            body,
            expected_status: 202,
            what: "② S2S payment (not sent)",
        }),
        (_, None) => None,
    }
}

/// Enter: in the chooser, copy the chosen language's snippet (OSC 52) and show it, the
/// language remembered for the session; on the snippet, copy it again.
pub fn choose(app: &mut App) -> Vec<Effect> {
    let Some(Overlay::Code(code)) = &mut app.overlay else {
        return vec![];
    };
    let text = match &code.shown {
        Some(shown) => shown.code.clone(),
        None => {
            let lang = Lang::ALL.get(code.selected).copied().unwrap_or_default();
            let text = request_code(lang, &code.source.model(code.form_values));
            code.shown = Some(Shown {
                lang,
                code: text.clone(),
                scroll: 0,
                col: 0,
            });
            app.code_lang = lang;
            text
        }
    };
    let masked = if matches!(&app.overlay, Some(Overlay::Code(c)) if c.form_values) {
        "WITH the form's card number and code"
    } else {
        "card masked"
    };
    app.notice = Some((
        Level::Info,
        format!(
            "Copied the code (OSC 52; key as $PAYSECURE_API_KEY, {masked}). {} closes.",
            label_of(Action::Close, Context::Code)
        ),
    ));
    vec![Effect::Copy(text)]
}

/// The form-values toggle of the chooser.
pub fn toggle_form_values(app: &mut App) {
    let Some(Overlay::Code(code)) = &mut app.overlay else {
        return;
    };
    if code.shown.is_some() {
        return;
    }
    if !code.source.from_form() {
        app.notice = Some((
            Level::Info,
            "History keeps the card masked: only a form's request can use its values.".into(),
        ));
        return;
    }
    code.form_values = !code.form_values;
    app.notice = Some(if code.form_values {
        (
            Level::Warn,
            "The snippet will hold the form's real card number and security code: do not share it."
                .into(),
        )
    } else {
        (Level::Info, "Card masked in the snippet again.".into())
    });
}

/// ↑ ↓ PgUp PgDn: the language in the chooser, the scroll on the snippet.
pub fn move_by(code: &mut CodeOverlay, delta: isize) {
    match &mut code.shown {
        Some(shown) => {
            let last = shown.code.lines().count().saturating_sub(1);
            let next = (shown.scroll as isize + delta).clamp(0, last as isize);
            shown.scroll = u16::try_from(next).unwrap_or(u16::MAX);
        }
        None => {
            let len = Lang::ALL.len() as isize;
            code.selected = (code.selected as isize + delta).clamp(0, len - 1) as usize;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    #[test]
    fn the_s2s_snippet_sends_the_path_the_client_sends() {
        let mut app = fixture::at_card_step(120, 40);
        let Some(purchase) = app.flow.purchase.as_mut() else {
            panic!("the card step has a purchase")
        };
        purchase.id = "a/b c?d".into();
        let Some(source) = form_source(&app) else {
            panic!("the card step has a snippet")
        };
        let model = source.model(false);
        assert!(
            model.url.ends_with("/p/a%2Fb%20c%3Fd/?s2s=true"),
            "{}",
            model.url
        );
        assert!(
            model
                .url
                .ends_with(&crate::api::client::s2s_path("a/b c?d"))
        );
    }
}
