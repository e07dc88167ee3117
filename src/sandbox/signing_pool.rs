//! Webhook signatures computed on threads of their own, one per core, fed by one queue.
//!
//! An RSA-2048 signature takes ~0.25 ms of CPU: on a runtime worker it would hold up every
//! request queued behind it. Handing each one to tokio's blocking pool instead (the first
//! design) left the cores idle between signatures: a finished signer could start the next
//! one only after the runtime worker had woken the delivery, let it release its signing
//! place and the next delivery take it. Here a signer thread that finishes takes the next
//! message straight from the queue, so signing runs back to back while deliveries wait.
//!
//! The queue needs no bound of its own: each delivery admitted to the delivery queue
//! (`SandboxState::webhook_queue`) waits for one signature at a time, and a replay is one
//! request on one of the sandbox's bounded connections.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::signing::Signer;

/// One message to sign and where its signature goes.
struct Job {
    message: String,
    answer: oneshot::Sender<String>,
}

/// The signer threads' queue. Dropping the pool (with the sandbox's state) ends them.
pub struct SigningPool {
    jobs: Sender<Job>,
}

impl std::fmt::Debug for SigningPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningPool")
    }
}

/// A signer thread's stack: signing needs a few KiB; the default 2 MiB is reserved for
/// nothing.
const SIGNER_STACK_BYTES: usize = 256 * 1024;

impl SigningPool {
    /// Starts `threads` signer threads (at least one) signing with `signer`.
    pub fn start(signer: Arc<Signer>, threads: usize) -> std::io::Result<SigningPool> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let (signer, queue) = (Arc::clone(&signer), Arc::clone(&queue));
            std::thread::Builder::new()
                .name(format!("sandbox-signer-{n}"))
                .stack_size(SIGNER_STACK_BYTES)
                .spawn(move || sign_until_closed(&signer, &queue))?;
        }
        Ok(SigningPool { jobs })
    }

    /// The Base64 signature of `message`; empty if signing failed or the pool has stopped
    /// (the delivery is still sent and logged, and its receiver refuses it).
    pub async fn sign(&self, message: String) -> String {
        let (answer, signature) = oneshot::channel();
        if self.jobs.send(Job { message, answer }).is_err() {
            return String::new();
        }
        signature.await.unwrap_or_default()
    }
}

/// A signer thread: takes the next message (waiting on the queue while another thread
/// holds it), signs it, answers; ends when the pool is dropped.
fn sign_until_closed(signer: &Signer, queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting for a message, never while signing.
        let next = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok(job) = next else {
            return;
        };
        let signature = signer.sign(&job.message).unwrap_or_default();
        // The delivery may have been dropped meanwhile (the sandbox stopping).
        let _ = job.answer.send(signature);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paysecure::webhook_signature::signed_string;
    use crate::sandbox::signing::Verifier;

    #[tokio::test]
    async fn signatures_from_the_pool_verify_and_come_back_to_their_own_callers() {
        let signer = Arc::new(Signer::embedded().expect("key"));
        let verifier = Verifier::from_pem(signer.public_key_pem()).expect("public key");
        let pool = Arc::new(SigningPool::start(signer, 2).expect("threads"));
        let messages: Vec<String> = (0..8)
            .map(|i| signed_string(&format!("purchase{i}"), "paid", "brd"))
            .collect();
        let signing: Vec<_> = messages
            .iter()
            .map(|m| {
                let (pool, m) = (Arc::clone(&pool), m.clone());
                tokio::spawn(async move { pool.sign(m).await })
            })
            .collect();
        for (message, task) in messages.iter().zip(signing) {
            let signature = task.await.expect("task");
            assert!(verifier.verify(message, &signature), "{message}");
        }
    }

    #[test]
    fn dropping_the_pool_ends_its_threads() {
        let signer = Arc::new(Signer::embedded().expect("key"));
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let thread = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || sign_until_closed(&signer, &queue))
        };
        drop(SigningPool { jobs });
        thread.join().expect("the signer thread returned");
    }
}
