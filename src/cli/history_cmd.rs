//! `paysecure-explorer history`: the persisted history, headless; curl and HAR exports.

use clap::Args;

use super::context::Context;
use super::out;
use crate::clock::utc_datetime;
use crate::codegen::{Lang, RequestModel, request_code};
use crate::history::db::query::Reader;
use crate::history::lookup::{Lookup, resolve_among};
use crate::history::record::Record;
use crate::history::{curl, har};
use crate::term_text::clean;

/// Options of `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// One JSON record per line.
    #[arg(long)]
    pub json: bool,
    /// Show at most N records (the newest); 0 means no limit.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only records about this purchase: its id, or enough leading digits to tell it apart.
    #[arg(long, value_name = "ID", value_parser = super::non_blank)]
    pub purchase: Option<String>,
    /// Write the selected records as HAR 1.2 to FILE (`-`: standard output).
    #[arg(long, value_name = "FILE", conflicts_with = "json")]
    pub export_har: Option<std::path::PathBuf>,
    /// Print record N as a curl command (the key as $PAYSECURE_API_KEY).
    #[arg(long, value_name = "N", conflicts_with_all = LIST_OPTIONS)]
    pub curl: Option<u64>,
    /// Print record ID's request as code in LANG: curl, python, node, php, java, go or
    /// csharp (the key read from $PAYSECURE_API_KEY; the card masked as history keeps it).
    #[arg(long, num_args = 2, value_names = ["LANG", "ID"], conflicts_with_all = LIST_OPTIONS, conflicts_with = "curl")]
    pub code: Option<Vec<String>>,
}

/// What a one-record output (`--curl`, `--code`) cannot be combined with: the options
/// that select, format or export a list.
const LIST_OPTIONS: [&str; 4] = ["json", "limit", "purchase", "export_har"];

/// `--code LANG ID`: the record's request as a program in LANG; exit 2 on a bad language
/// or an unknown record.
fn print_code(code: &[String], reader: Option<&Reader>) -> i32 {
    let [lang, id] = code else {
        out::error("paysecure-explorer history: --code takes LANG and ID");
        return 2;
    };
    let Some(lang) = Lang::parse(lang) else {
        out::error(&format!(
            "paysecure-explorer history: unknown language \"{}\" (one of {})",
            clean(lang),
            Lang::names()
        ));
        return 2;
    };
    let Ok(n) = id.trim().parse::<u64>() else {
        out::error(&format!(
            "paysecure-explorer history: --code: ID must be a number (the first column of `history`), not \"{}\"",
            clean(id)
        ));
        return 2;
    };
    let found = match reader {
        Some(reader) => reader.record_by_id(n),
        None => Ok(None),
    };
    let record = match found {
        Ok(record) => record,
        Err(e) => {
            out::error(&format!(
                "paysecure-explorer history: {}",
                clean(&e.to_string())
            ));
            return 2;
        }
    };
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

/// Most purchase ids a `--purchase` prefix is checked against.
const MAX_CANDIDATES: usize = 10_000;

/// Runs `history`; returns the exit code.
pub fn run(mut args: HistoryArgs, ctx: &Context) -> i32 {
    // `--limit 0` would otherwise list nothing and claim there is no history.
    args.limit = args.limit.filter(|&n| n > 0);
    if let Some(dir) = ctx.data_dir.as_deref()
        && dir.exists()
        && !dir.is_dir()
    {
        out::error(&format!(
            "paysecure-explorer history: the data dir {} is a file, not a directory (give --data-dir a directory)",
            clean(&dir.display().to_string())
        ));
        return 2;
    }
    for w in &ctx.warnings {
        out::error(&format!("warning: {w}"));
    }
    let reader = match ctx.data_dir.as_deref().map(Reader::open) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(reader))) => Some(reader),
        Some(Err(e)) => {
            out::error(&format!("paysecure-explorer history: {}", clean(&e)));
            return 2;
        }
    };
    // Damage met here (beyond the start-up check's budget) is marked for the next start.
    let failed = |e: rusqlite::Error| {
        let said = reader
            .as_ref()
            .map_or_else(|| format!("history: {e}"), |r| r.describe(&e));
        out::error(&format!("paysecure-explorer {}", clean(&said)));
        2
    };
    if let Some(code) = &args.code {
        return print_code(code, reader.as_ref());
    }
    if let Some(n) = args.curl {
        let found = match reader.as_ref().map(|r| r.record_by_id(n)).transpose() {
            Ok(found) => found.flatten(),
            Err(e) => return failed(e),
        };
        return match found {
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
    let purchase = match args.purchase.as_deref() {
        None => None,
        Some(prefix) => {
            let ids = match reader
                .as_ref()
                .map(|r| r.purchases_starting(&prefix.trim().to_ascii_lowercase(), MAX_CANDIDATES))
                .transpose()
            {
                Ok(ids) => ids.unwrap_or_default(),
                Err(e) => return failed(e),
            };
            match resolve_among(ids.iter().map(String::as_str), prefix) {
                Ok(id) => Some(id),
                Err(why) => {
                    out::error(&format!(
                        "paysecure-explorer history: {}",
                        explain_lookup(&args, &why)
                    ));
                    return if why == Lookup::NoMatch { 1 } else { 2 };
                }
            }
        }
    };
    if let Some(path) = &args.export_har {
        let mut selected: Vec<Record> = Vec::new();
        if let Some(reader) = &reader
            && let Err(e) = reader.each_record(purchase.as_deref(), args.limit, false, |r| {
                selected.push(r);
                true
            })
        {
            return failed(e);
        }
        let doc = har::document(selected.iter().map(|r| &r.exchange));
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if path.as_os_str() == "-" {
            out::line(&text);
            return 0;
        }
        return match crate::history::safe_file::write_export(path, &text) {
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
    let mut printed = 0usize;
    if let Some(reader) = &reader {
        let listed = reader.each_record(purchase.as_deref(), args.limit, true, |r| {
            printed += 1;
            // The reader went away (`| head`): the rest would go nowhere.
            out::line(&list_line(&r, args.json))
        });
        if let Err(e) = listed {
            return failed(e);
        }
    }
    if printed == 0 && !args.json {
        out::error(&format!(
            "no history yet{}",
            ctx.data_dir
                .as_ref()
                .map_or(String::new(), |d| format!(" in {}", d.display()))
        ));
    }
    0
}

/// One record as `history` lists it: its JSON line, or a row.
fn list_line(r: &Record, json: bool) -> String {
    if json {
        return serde_json::to_string(r).unwrap_or_default();
    }
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
