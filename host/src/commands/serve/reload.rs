//! Live reload: every open page holds an `EventSource` on
//! `/__workbench/events`; a good build sends `reload`, a failed one
//! `build-error` with the message (the page shows it over itself). A page
//! that connects while the last build failed gets the error at once.

use std::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub const EVENTS_PATH: &str = "/__workbench/events";

/// Injected before `</body>` of every HTML page served.
pub const SCRIPT: &str = r#"<script>
(() => {
  const events = new EventSource("/__workbench/events");
  // Tells a test driving a browser that edits will now be heard.
  events.addEventListener("open", () => { window.__workbenchLive = true; });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (event) => {
    let overlay = document.getElementById("workbench-error");
    if (!overlay) {
      overlay = document.createElement("pre");
      overlay.id = "workbench-error";
      overlay.style.cssText = "position:fixed;inset:0;margin:0;padding:2rem;z-index:2147483647;overflow:auto;" +
        "background:rgba(30,0,0,.92);color:#fdd;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "workbench build failed\n\n" + JSON.parse(event.data).message;
  });
})();
</script>"#;

#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<UnboundedSender<String>>>,
    error: Mutex<Option<String>>,
}

impl Hub {
    /// A new page's stream: first the current state, then what comes.
    pub fn subscribe(&self) -> UnboundedReceiver<String> {
        let (sender, receiver) = unbounded_channel();
        if let Some(message) = self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_deref() {
            let _ = sender.send(error_event(message));
        }
        self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(sender);
        receiver
    }

    pub fn reload(&self) {
        *self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.send("event: reload\ndata: {}\n\n");
    }

    pub fn fail(&self, message: &str) {
        *self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(message.to_string());
        self.send(&error_event(message));
    }

    fn send(&self, event: &str) {
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        clients.retain(|client| client.send(event.to_string()).is_ok());
    }
}

fn error_event(message: &str) -> String {
    format!("event: build-error\ndata: {}\n\n", serde_json::json!({ "message": message }))
}
