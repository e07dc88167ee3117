//! What `flow` says when it stops at pending (no `--otp`): the payment waits for the
//! customer's browser. The embedded sandbox stops with the command, so by the time anyone
//! reads its callback URL nothing answers there; the note says so and gives the commands
//! that keep a sandbox running (`serve`) and point `flow` at it.

use super::serve::DEFAULT_PORT;
use crate::api::PurchaseStatus;
use crate::flow::machine::Outcome;
use crate::flow::runner::FlowReport;
use crate::sandbox::{DEFAULT_API_KEY, DEFAULT_BRAND_ID};

/// `flow` against the sandbox `serve` runs by default, with the redirects on its merchant
/// stub (an endpoint from the environment otherwise gets placeholder redirects).
pub fn flow_against_serve() -> String {
    let origin = format!("http://127.0.0.1:{DEFAULT_PORT}");
    format!(
        "PAYSECURE_BASE_URL={origin}/api/v1 PAYSECURE_API_KEY={DEFAULT_API_KEY} \
         PAYSECURE_BRAND_ID={DEFAULT_BRAND_ID} paysecure-explorer flow \
         --success-redirect {origin}/merchant/return/success \
         --failure-redirect {origin}/merchant/return/failure"
    )
}

/// The note for a run that stopped short of a payment (pending, in process, left waiting
/// with no callback_url), `None` for a run that went through or whose error says it all.
pub fn pending_note(report: &FlowReport, embedded: bool) -> Option<String> {
    if let Some(why) = &report.callback_not_opened {
        return Some(format!(
            "The server's callback_url is not a web page, so it was not opened as the \
             customer's browser ({why}); the purchase waits for a browser step that cannot \
             happen here."
        ));
    }
    if report.flow.status == Some(PurchaseStatus::PaymentInProcess) {
        // The embedded sandbox's purchase is gone with it: the served one's id is to come.
        // An id is pasted into a command only if it is plainly an id (a server wrote it).
        let id = match report.flow.purchase_id() {
            Some(id)
                if !embedded
                    && !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
            {
                id
            }
            _ => "$ID",
        };
        let settle = format!(
            "curl -s -XPOST http://127.0.0.1:{DEFAULT_PORT}/_sandbox/purchases/{id}/settle \
             -H 'content-type: application/json' -d '{{\"status\":\"paid\"}}'"
        );
        return Some(if embedded {
            format!(
                "The payment is PAYMENT_IN_PROCESS: it waits to be settled (paid or error), and \
                 this embedded sandbox stopped with the command. To settle one, keep a sandbox \
                 running: `paysecure-explorer serve` in another terminal, then\n  {} \
                 (with this run's options)\nand settle the purchase it prints ($ID):\n  {settle}",
                flow_against_serve()
            )
        } else {
            format!(
                "The payment is PAYMENT_IN_PROCESS: it waits to be settled (paid or error). \
                 A sandbox of this project (`paysecure-explorer serve`, here on its default \
                 port) settles it on request:\n  \
                 {settle}\nPaysecure settles it by itself: read the status again later."
            )
        });
    }
    // A failed payment on the embedded sandbox: "retry on this purchase" cannot be done
    // from here, the purchase stopped with the command.
    if embedded && report.error.is_some() && report.flow.purchase.is_some() {
        return Some(format!(
            "This embedded sandbox stopped with the command, and the purchase with it. To \
             retry on a purchase, use the explorer (`paysecure-explorer`), or keep a sandbox \
             running: `paysecure-explorer serve` in another terminal, then\n  {}",
            flow_against_serve()
        ));
    }
    if !matches!(report.flow.outcome, Some(Outcome::Pending { .. })) {
        return unfinished_note(report);
    }
    Some(if embedded {
        format!(
            "The payment waits for the customer's browser, but this embedded sandbox stopped \
             with the command:\nits callback URL no longer answers. To complete it in one go, \
             rerun with --otp 123456.\nTo open the callback URL yourself, keep a sandbox \
             running: `paysecure-explorer serve` in another terminal, then\n  {}\n(or a \
             --profile whose base_url is http://127.0.0.1:{DEFAULT_PORT}/api/v1).",
            flow_against_serve()
        )
    } else {
        "The payment waits for the customer's browser: open the callback URL (3DS challenge, \
         OTP 123456 in the sandbox), or rerun with --otp 123456."
            .to_string()
    })
}

/// A run that ended with no error, no `errorMsg` and no payment that went through says
/// why it stops (it exited 1 with nothing said). The S2S answer is blamed only when it is
/// what left the purchase waiting: an inline purchase still `PENDING_EXECUTE` (or not
/// even that far) with no callback_url; any other end (a hosted-page run whose status
/// never settled, a capture still in process) is told as where the purchase stands.
fn unfinished_note(report: &FlowReport) -> Option<String> {
    if report.error.is_some() || report.exit_code() == 0 {
        return None;
    }
    let status = report.flow.status.as_ref()?;
    let declined = report
        .flow
        .purchase
        .as_ref()
        .and_then(|p| p.error_msg.as_deref())
        .is_some_and(|m| !m.trim().is_empty());
    if declined {
        return None;
    }
    // One line: the note is printed through `clean_lines`, which keeps line breaks, and a
    // server's status or URL must not add lines of its own to the summary.
    let shown = crate::term_text::clean(&status.as_upper());
    // The S2S answer's own status, and still the one last read (a later read that moved
    // it, to OVERDUE say, is not the S2S answer's doing).
    let left_waiting_by_s2s = report.flow.callback_url.is_none()
        && report.flow.browser.is_none()
        && matches!(
            &report.flow.outcome,
            Some(Outcome::Settled {
                status: s2s @ (PurchaseStatus::PendingExecute
                    | PurchaseStatus::Created
                    | PurchaseStatus::Viewed)
            }) if s2s == status
        );
    // A purchase-shaped answer may carry a callback_url of its own: flow does not follow
    // it (the browser step starts from the `{"status":"pending","callback_url"}` reply),
    // and must not say there was none.
    let its_callback = report
        .purchase_field("callback_url")
        .and_then(|v| v.as_str().map(crate::term_text::clean))
        .filter(|u| !u.trim().is_empty() && u != "no_need");
    Some(
        if let (true, Some(url)) = (left_waiting_by_s2s, &its_callback) {
            format!(
                "The S2S answer was a purchase at {shown} with a callback_url ({url}) rather than \
             the {{\"status\":\"pending\",\"callback_url\"}} reply that starts the browser \
             step, so the browser step was not run (exit 1, not paid). Open that URL yourself, \
             or read the purchase's status again later."
            )
        } else if left_waiting_by_s2s {
            format!(
                "The S2S answer left the purchase at {shown} and gave no callback_url: there is \
             no browser step to go on with, so the run ends here (exit 1, not paid). Read the \
             purchase's status again later to see whether the server moves it on."
            )
        } else {
            format!(
                "The run ended with the purchase at {shown}: not a payment that went through (exit 1)."
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::machine::Flow;

    fn report(outcome: Option<Outcome>) -> FlowReport {
        let mut flow = Flow::new();
        flow.outcome = outcome;
        FlowReport {
            flow,
            error: None,
            webhook: None,
            capture_refused: false,
            callback_not_opened: None,
        }
    }

    #[test]
    fn only_a_pending_run_gets_a_note_and_the_embedded_one_names_serve() {
        let pending = report(Some(Outcome::Pending {
            callback_url: "http://127.0.0.1:1/api/v1/payment/x/".into(),
        }));
        let embedded = pending_note(&pending, true).expect("a note");
        assert!(embedded.contains("stopped with the command"), "{embedded}");
        assert!(embedded.contains("paysecure-explorer serve"), "{embedded}");
        assert!(embedded.contains(&flow_against_serve()), "{embedded}");
        assert!(embedded.contains("--otp 123456"), "{embedded}");
        let remote = pending_note(&pending, false).expect("a note");
        assert!(!remote.contains("stopped"), "{remote}");
        assert_eq!(pending_note(&report(None), true), None);
    }

    /// An S2S answer that is a purchase still waiting, with no callback_url, is not a
    /// silent exit 1; a paid run gets no note.
    #[test]
    fn a_purchase_left_waiting_without_a_callback_url_says_so() {
        let ended_at = |status: PurchaseStatus| {
            let mut r = report(Some(Outcome::Settled {
                status: status.clone(),
            }));
            r.flow.status = Some(status);
            r
        };
        let note = pending_note(&ended_at(PurchaseStatus::PendingExecute), false).expect("a note");
        assert!(note.contains("PENDING_EXECUTE"), "{note}");
        assert!(note.contains("no callback_url"), "{note}");
        // A later read moved it on: the S2S answer is not blamed for OVERDUE.
        let mut moved = ended_at(PurchaseStatus::PendingExecute);
        moved.flow.status = Some(PurchaseStatus::Overdue);
        let note = pending_note(&moved, false).expect("a note");
        assert!(!note.contains("S2S"), "{note}");
        // A server's status cannot add a line of its own to the summary.
        let odd = ended_at(PurchaseStatus::Other("x\nstatus    PAID".into()));
        let note = pending_note(&odd, false).expect("a note");
        assert!(!note.contains('\n'), "{note}");
        // A purchase-shaped answer with a callback_url of its own: not "no callback_url".
        let mut with_url = ended_at(PurchaseStatus::PendingExecute);
        with_url.flow.purchase = serde_json::from_value(serde_json::json!({
            "id": "abc", "status": "pending_execute", "callback_url": "http://127.0.0.1:9/cb"
        }))
        .ok();
        assert!(with_url.flow.purchase.is_some(), "a purchase");
        let note = pending_note(&with_url, false).expect("a note");
        assert!(note.contains("http://127.0.0.1:9/cb"), "{note}");
        assert!(!note.contains("no callback_url"), "{note}");
        let note = pending_note(&ended_at(PurchaseStatus::Cancelled), false).expect("a note");
        assert!(
            note.contains("ended with the purchase at CANCELLED"),
            "{note}"
        );
        assert!(!note.contains("S2S"), "{note}");
        assert_eq!(pending_note(&ended_at(PurchaseStatus::Paid), false), None);
        // A hold whose capture is still in process: the S2S answer is not what stopped it.
        let mut capturing = ended_at(PurchaseStatus::Preauthorized);
        capturing.flow.status = Some(PurchaseStatus::CaptureInProcess);
        let note = pending_note(&capturing, false).expect("a note");
        assert!(note.contains("at CAPTURE_IN_PROCESS"), "{note}");
        assert!(!note.contains("S2S"), "{note}");
        // No outcome at all (a hosted-page run whose status never settled): no S2S story.
        let mut no_outcome = report(None);
        no_outcome.flow.status = Some(PurchaseStatus::PendingExecute);
        let note = pending_note(&no_outcome, false).expect("a note");
        assert!(!note.contains("S2S"), "{note}");
    }

    /// A payment the bank has not settled says how it gets settled, with the purchase's
    /// id only where that purchase still exists.
    #[test]
    fn payment_in_process_says_how_it_is_settled() {
        let mut in_process = report(None);
        in_process.flow.status = Some(PurchaseStatus::PaymentInProcess);
        let embedded = pending_note(&in_process, true).expect("a note");
        assert!(embedded.contains("PAYMENT_IN_PROCESS"), "{embedded}");
        assert!(
            embedded.contains("/_sandbox/purchases/$ID/settle"),
            "{embedded}"
        );
        assert!(embedded.contains(&flow_against_serve()), "{embedded}");
        let remote = pending_note(&in_process, false).expect("a note");
        assert!(
            remote.contains("Paysecure settles it by itself"),
            "{remote}"
        );
        // A server's id goes into the command only when it is plainly an id.
        in_process.flow.purchase = Some(
            serde_json::from_value(serde_json::json!({"purchaseId": "p1;rm -rf ~"}))
                .expect("purchase"),
        );
        let hostile = pending_note(&in_process, false).expect("a note");
        assert!(!hostile.contains("rm -rf"), "{hostile}");
        assert!(
            hostile.contains("/_sandbox/purchases/$ID/settle"),
            "{hostile}"
        );
    }
}
