//! `paysecure-explorer cards`: the test cards of the F2 picker, grouped by outcome.

use clap::Args;

use super::out;
use crate::flow::card_list::{self, CardFacts};

/// Options of `cards`.
#[derive(Debug, Args)]
pub struct CardsArgs {
    /// One JSON object per line, one line per card, in the picker's order.
    #[arg(long)]
    pub json: bool,
}

/// Runs `cards`; returns the exit code.
pub fn run(args: CardsArgs) -> i32 {
    let cards = card_list::all();
    if args.json {
        for card in &cards {
            // The facts are plain strings and options: serialising them cannot fail, but a
            // failure must not print a half line either.
            match serde_json::to_string(card) {
                Ok(line) => {
                    if !out::line(&line) {
                        break;
                    }
                }
                Err(e) => {
                    out::error(&format!("paysecure-explorer cards: {e}"));
                    return 1;
                }
            }
        }
        return 0;
    }
    out::text(&readable(&cards));
    0
}

/// The listing: a heading per group, one line per card.
pub fn readable(cards: &[CardFacts]) -> String {
    let mut text = String::from(
        "Test cards of the embedded sandbox (the explorer's F2 picker). Any future expiry,\n\
         any 3-4 digit CVC, any name; 3D cards challenge with OTP 123456 (any other OTP fails).\n\
         Any success card on a purchase created with skip_capture ends PREAUTHORIZED, a hold\n\
         to capture or void (`flow --skip-capture`, `flow --capture [AMOUNT]`); with\n\
         remember_card \"on\" a paid card is saved as a token_reference (`flow --token`).\n",
    );
    for (group, members) in card_list::grouped(cards) {
        text.push_str(&format!("\n{group}\n"));
        // Plain digits, so a number copies straight into `flow --card`.
        for c in members {
            let mode = match (c.secure, c.auth) {
                (Some(s), Some(a)) => format!("{s} {a}"),
                _ => "no callback".into(),
            };
            text.push_str(&format!(
                "  {}  {:<6}  {:<15}  {}\n",
                c.number, c.scheme, mode, c.outcome
            ));
        }
    }
    text
}
