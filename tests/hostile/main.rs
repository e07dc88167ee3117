//! Every promise under hostile input (issue 9), as one suite. The sandbox: slow and idle
//! connections, a connection flood, unparsable requests, webhook receivers that hang or
//! refuse, cross-site control calls, races between a slow card and the clock, and refund
//! loops. The client: a hostile server's leaks (cards, keys, CVCs in every position) never
//! stored or exported, huge bodies capped. The terminal: a hostile server's escapes never
//! printed raw. Signals: the explorer killed mid-request leaves a usable shell (tmux). Every load is
//! bounded in count and time; every test finishes well under 30 s.

#[path = "../sandbox/common.rs"]
#[allow(dead_code)]
mod common;

#[path = "../receiver/mod.rs"]
#[allow(dead_code)]
mod receiver;

#[path = "../support/tmux.rs"]
#[allow(dead_code)]
mod tmux;

mod client;
mod control;
mod fake_paysecure;
mod hostile_server;
mod protocol;
mod races;
mod raw;
mod signals;
mod slow;
mod terminal;
mod webhooks;
