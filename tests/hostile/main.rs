//! The sandbox under hostile input (issue 9): slow and idle connections, a connection
//! flood, unparsable requests, webhook receivers that hang or refuse, cross-site control
//! calls, races between a slow card and the clock, and refund loops. Every load is bounded
//! in count and time; every test finishes well under 30 s.

#[path = "../sandbox/common.rs"]
#[allow(dead_code)]
mod common;

mod control;
mod protocol;
mod races;
mod raw;
mod slow;
mod webhooks;
