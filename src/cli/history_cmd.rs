//! `paysecure-explorer history`: the persisted history, headless; curl and HAR exports.

use clap::Args;

use super::context::Context;
use super::out;
use crate::clock::utc_datetime;
use crate::codegen::{Lang, RequestModel, request_code};
use crate::history::lookup::{Lookup, resolve_purchase};
use crate::history::record::Record;
use crate::history::{curl, har};
use crate::term_text::clean;

/// Options of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// One JSON record per line.
    #[arg(long)]
    pub json: bool,
    /// Show at most N records (the newest).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only records about this purchase: its id, or enough leading digits to tell it apart.
    #[arg(long, value_name = "ID")]
    pub purchase: Option<String>,
    /// Write the selected records as HAR 1.2 to FILE.
    #[arg(long, value_name = "FILE")]
    pub export_har: Option<std::path::PathBuf>,
    /// Print record N as a curl command (the key as $PAYSECURE_API_KEY).
    #[arg(long, value_name = "N")]
    pub curl: Option<u64>,
    /// Print record ID's request as code in LANG: curl, python, node, php, java, go or
    /// csharp (the key read from $PAYSECURE_API_KEY; the card masked as history keeps it).
    #[arg(long, num_args = 2, value_names = ["LANG", "ID"])]
    pub code: Option<Vec<String>>,
}

/// `--code LANG ID`: the record's request as a program in LANG; exit 2 on a bad language
/// or an unknown record.
fn print_code(code: &[String], records: &[Record]) -> i32 {
    let [lang, id] = code else {
        out::error("paysecure-explorer history: --code takes LANG and ID");
        return 2;
    };
    let Some(lang) = Lang::parse(lang) else {
        out::error(&format!(
            "paysecure-explorer history: unknown language {:?} (one of {})",
            clean(lang),
            Lang::names()
        ));
        return 2;
    };
    let record = id
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| records.iter().find(|r| r.id == n));
    match record {
        Some(r) => {
            let model = RequestModel::from_exchange(&r.exchange);
            out::line(request_code(lang, &model).trim_end());
            0
        }
        None => {
            out::error(&format!(
                "paysecure-explorer history: no record {}",
                clean(id)
            ));
            2
        }
    }
}

/// Runs `history`; returns the exit code.
pub fn run(args: HistoryArgs, ctx: &Context) -> i32 {
    for w in &ctx.warnings {
        out::error(&format!("warning: {w}"));
    }
    let records = &ctx.loaded.records;
    if let Some(code) = &args.code {
        return print_code(code, records);
    }
    if let Some(n) = args.curl {
        return match records.iter().find(|r| r.id == n) {
            Some(r) => {
                out::line(&curl::to_curl(&r.exchange));
                0
            }
            None => {
                out::error(&format!("paysecure-explorer history: no record {n}"));
                2
            }
        };
    }
    let purchase = match args
        .purchase
        .as_deref()
        .map(|p| resolve_purchase(records, p))
    {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(why)) => {
            out::error(&format!(
                "paysecure-explorer history: {}",
                explain_lookup(&args, &why)
            ));
            return if why == Lookup::NoMatch { 1 } else { 2 };
        }
    };
    let mut selected: Vec<&Record> = records
        .iter()
        .filter(|r| {
            purchase
                .as_deref()
                .is_none_or(|p| r.purchase_id.as_deref() == Some(p))
        })
        .collect();
    if let Some(limit) = args.limit {
        let skip = selected.len().saturating_sub(limit);
        selected.drain(..skip);
    }
    if let Some(path) = &args.export_har {
        let doc = har::document(selected.iter().map(|r| &r.exchange));
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        return match std::fs::write(path, text) {
            Ok(()) => {
                out::error(&format!(
                    "wrote {} entries to {}",
                    selected.len(),
                    path.display()
                ));
                0
            }
            Err(e) => {
                out::error(&format!(
                    "paysecure-explorer history: {}: {e}",
                    path.display()
                ));
                2
            }
        };
    }
    for r in selected.iter().rev() {
        let line = if args.json {
            serde_json::to_string(r).unwrap_or_default()
        } else {
            let ex = &r.exchange;
            let status = crate::history::record::status_label(ex);
            let what = clean(ex.note.as_deref().unwrap_or_else(|| ex.path()));
            format!(
                "{:>6}  {}  {:<4} {:<60} {:>4} {:>6.1} ms",
                r.id,
                utc_datetime(ex.started_at_ms),
                clean(&ex.method),
                what,
                status,
                ex.latency_ms
            )
        };
        // The reader went away (`| head`): the rest would go nowhere.
        if !out::line(&line) {
            break;
        }
    }
    if selected.is_empty() && !args.json {
        out::error(&format!(
            "no history yet{}",
            ctx.data_dir
                .as_ref()
                .map_or(String::new(), |d| format!(" in {}", d.display()))
        ));
    }
    0
}

/// The message for a `--purchase` that names no single purchase.
fn explain_lookup(args: &HistoryArgs, why: &Lookup) -> String {
    let given = clean(args.purchase.as_deref().unwrap_or_default());
    match why {
        Lookup::NoMatch => format!("no purchase in history has an id starting with {given}"),
        Lookup::Ambiguous(ids) => {
            let shown: Vec<String> = ids.iter().take(5).map(|id| clean(id)).collect();
            let more = ids.len().saturating_sub(shown.len());
            format!(
                "{given} fits {} purchases ({}{}); give more of the id",
                ids.len(),
                shown.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            )
        }
    }
}
