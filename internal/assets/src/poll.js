// Polls a JSON URL for a long-running job's progress and shows it.
//
// Markup:
//   <div data-poll-url="/jobs/42/status" aria-live="polite">
//     <p data-poll-message>Import queued.</p>
//     <progress class="progress" data-poll-progress max="1"></progress>
//   </div>
//
// The URL answers JSON such as
//   {"status": "running", "progress": 0.4, "message": "Stored 400,000 markers"}
// where status is "queued", "running", "done" or "failed", progress is
// 0..1 (optional) and message is plain text (optional). The element gets
// data-status set to the status; polling stops on "done" or "failed". Add
// data-poll-reload to reload the page when the job is done, so the server
// renders the finished result.

const finished = new Set(["done", "failed"]);

// pollJSON fetches url until isDone(data) is true, calling onUpdate with
// each parsed response. The delay starts at initialDelay ms and grows by
// factor up to maxDelay, so a long job costs few requests; failed
// requests back off the same way and give up after maxErrors in a row.
// It resolves with the last response, or rejects after too many errors or
// when signal is aborted.
export async function pollJSON(url, {
  onUpdate = () => {},
  isDone = (data) => finished.has(data && data.status),
  initialDelay = 1000,
  maxDelay = 15000,
  factor = 1.5,
  maxErrors = 8,
  signal,
} = {}) {
  let delay = initialDelay;
  let errors = 0;
  for (;;) {
    if (signal && signal.aborted) {
      throw signal.reason;
    }
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
        signal,
      });
      if (!response.ok) {
        throw new Error(`GET ${url}: HTTP ${response.status}`);
      }
      const data = await response.json();
      errors = 0;
      onUpdate(data);
      if (isDone(data)) {
        return data;
      }
    } catch (err) {
      if (signal && signal.aborted) {
        throw err;
      }
      errors += 1;
      if (errors >= maxErrors) {
        throw err;
      }
    }
    await sleep(delay, signal);
    delay = Math.min(delay * factor, maxDelay);
  }
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    if (signal) {
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    }
  });
}

// showStatus writes one response into the element's parts.
function showStatus(element, data) {
  if (!data || typeof data !== "object") {
    return;
  }
  if (typeof data.status === "string") {
    element.dataset.status = data.status;
  }
  const message = element.querySelector("[data-poll-message]") || element;
  if (typeof data.message === "string") {
    message.textContent = data.message;
  }
  const progress = element.querySelector("[data-poll-progress]");
  if (progress && typeof data.progress === "number") {
    progress.value = Math.max(0, Math.min(1, data.progress));
  }
}

// enablePolling starts polling for every [data-poll-url] element under
// root. A failure leaves the server-rendered text and says how to recover.
export function enablePolling(root) {
  for (const element of root.querySelectorAll("[data-poll-url]")) {
    pollJSON(element.dataset.pollUrl, {
      onUpdate: (data) => showStatus(element, data),
    }).then((data) => {
      if (data.status === "done" && element.hasAttribute("data-poll-reload")) {
        window.location.reload();
      }
    }).catch(() => {
      element.dataset.status = "unknown";
      const message = element.querySelector("[data-poll-message]") || element;
      message.textContent = "Progress updates stopped. Reload the page to see the latest status.";
    });
  }
}
