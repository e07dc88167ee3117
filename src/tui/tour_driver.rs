//! Runs a guided tour's engine in a task of its own: each request to advance runs one
//! step, and every view goes back to the event loop as [`Msg::Tour`]. Dropping the handle
//! stops the task (leaving the tour mid-step abandons that step).

use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::task::AbortHandle;

use super::app::Msg;
use crate::flow::tour::{Tour, TourEngine, TourTarget};

/// The running engine.
pub struct TourHandle {
    advance: UnboundedSender<()>,
    task: AbortHandle,
}

impl TourHandle {
    /// Asks for the next step (the presenter asks only when no step is running).
    pub fn advance(&self) {
        let _ = self.advance.send(());
    }
}

impl Drop for TourHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the engine at the tour's first intro; its view is sent at once.
pub fn start(tour: Tour, target: TourTarget, tx: UnboundedSender<Msg>) -> TourHandle {
    let (advance, mut asked) = mpsc::unbounded_channel::<()>();
    let task = tokio::spawn(async move {
        let mut engine = TourEngine::new(tour, target);
        if tx.send(Msg::Tour(Box::new(engine.view()))).is_err() {
            return;
        }
        while asked.recv().await.is_some() {
            engine.advance().await;
            if tx.send(Msg::Tour(Box::new(engine.view()))).is_err() {
                return;
            }
        }
    });
    TourHandle {
        advance,
        task: task.abort_handle(),
    }
}
