//! The inspector's live feed: server-sent events fed by one poller of the store's change counter,
//! one bounded queue per subscriber.

use super::*;

/// The live feed's subscribers, and the poller's wake-up when the first one arrives.
pub(super) struct Feed {
    pub(super) subscribers: Mutex<Vec<mpsc::Sender<Bytes>>>,
    pub(super) wake: Notify,
}

impl Feed {
    pub(super) fn is_idle(&self) -> bool {
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|s| !s.is_closed());
        subscribers.is_empty()
    }

    /// Sends one poll's messages, as one chunk, to every subscriber; one whose queue is full is
    /// dropped (its browser reconnects and reloads).
    pub(super) fn publish(&self, messages: Bytes) {
        let mut subscribers = self.subscribers.lock().unwrap_or_else(|e| e.into_inner());
        subscribers.retain(|subscriber| subscriber.try_send(messages.clone()).is_ok());
    }
}

/// One poller for every subscriber: sleeps until there is one, then reads what the store's
/// change counter says is new every [`POLL`], until the last one leaves.
pub(super) async fn poll_feed(feed: Arc<Feed>, store: Arc<Mutex<Store>>) {
    loop {
        while feed.is_idle() {
            feed.wake.notified().await;
        }
        // Subscribers load the list when they connect: the feed starts from now.
        let store_now = store.clone();
        let Ok(Ok(mut seen)) = tokio::task::spawn_blocking(move || {
            let store = store_now.lock().unwrap_or_else(|e| e.into_inner());
            anyhow::Ok((store.latest_change()?, store.latest_seq()?))
        })
        .await
        else {
            tokio::time::sleep(POLL).await;
            continue;
        };
        while !feed.is_idle() {
            tokio::time::sleep(POLL).await;
            let store = store.clone();
            let since = seen;
            let news = tokio::task::spawn_blocking(move || {
                news_since(&store.lock().unwrap_or_else(|e| e.into_inner()), since)
            })
            .await;
            if let Ok(Ok((now, messages))) = news {
                seen = now;
                if !messages.is_empty() {
                    feed.publish(messages);
                }
            }
        }
    }
}

/// What changed after `(change, seq)`: new records as `event` messages in seq order, then new
/// attempts as `delivery` messages; and the new `(change, seq)`.
pub(super) fn news_since(store: &Store, (change, seq): (u64, u64)) -> anyhow::Result<((u64, u64), Bytes)> {
    let latest = store.latest_change()?;
    if latest == change {
        return Ok(((change, seq), Bytes::new()));
    }
    let changed = store.changed_since(change, FEED_BATCH)?;
    let arrived: Vec<&Record> = changed.iter().filter(|r| r.seq > seq).collect();
    let mut messages = String::new();
    let mut newest = seq;
    for record in &arrived {
        newest = newest.max(record.seq);
        // Zero attempts: every attempt of a record that arrived since is after `change`, so it
        // follows as a `delivery` message below, which the page counts.
        messages.push_str(&message("event", &summary(record, 0)));
    }
    for (attempt_seq, attempt) in store.attempts_since(change)? {
        let state = match changed.iter().find(|r| r.seq == attempt_seq) {
            Some(record) => state(record),
            None => match store.show(&Key::Seq(attempt_seq))? {
                Some(record) => state(&record),
                None => continue,
            },
        };
        messages.push_str(&message(
            "delivery",
            &json!({"seq": attempt_seq, "state": state, "attempt": attempt_json(&attempt)}),
        ));
    }
    Ok(((latest, newest), Bytes::from(messages)))
}

pub(super) fn message(kind: &str, data: &Value) -> String {
    format!("event: {kind}\ndata: {data}\n\n")
}

/// A `text/event-stream` body: the subscriber's queue, with a keep-alive comment when idle. Ends
/// when the feed drops the subscriber.
pub(super) struct EventStream {
    pub(super) messages: mpsc::Receiver<Bytes>,
    pub(super) keep_alive: tokio::time::Interval,
}

impl hyper::body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.messages.poll_recv(cx) {
            Poll::Ready(Some(message)) => return Poll::Ready(Some(Ok(Frame::data(message)))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match self.keep_alive.poll_tick(cx) {
            Poll::Ready(_) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b": keep-alive\n\n"))))),
            Poll::Pending => Poll::Pending,
        }
    }
}
