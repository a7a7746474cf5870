/* The job page, live: an EventSource on the job's stream appends logs and updates status,
 * timings, result and error in place until the job is done; Cancel goes through the API. */
"use strict";

(() => {
  const root = document.getElementById("job-page");
  if (!root) return;
  const { api, errorOf, showError } = window.taskmill;
  const $ = (id) => document.getElementById(id);
  const STATUS_CLASSES = { queued: "muted", running: "info", success: "ok", failure: "bad", canceled: "warn" };
  const FINISHED = new Set(["success", "failure", "canceled"]);
  const RETRY_MS = 2000;
  // Offsets count characters as the server does; they come from the server, never from JS lengths.
  let offset = Number(root.dataset.logOffset || 0);
  let source = null;

  function formatTime(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + " UTC";
  }

  function formatDuration(ms) {
    if (ms === null || ms === undefined) return "—";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    const minutes = Math.floor(ms / 60000);
    const seconds = Math.floor(ms / 1000) % 60;
    if (minutes < 60) return minutes + " min " + String(seconds).padStart(2, "0") + " s";
    return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
  }

  function appendLogs(chunk) {
    const pre = $("job-logs");
    const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
    pre.textContent += chunk.logs;
    offset = chunk.next_offset;
    if (chunk.truncated) $("logs-truncated").hidden = false;
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  function showStatus(status) {
    const badge = $("job-status");
    badge.textContent = status;
    badge.className = "badge " + (STATUS_CLASSES[status] || "muted");
    root.dataset.status = status;
    const finished = FINISHED.has(status);
    $("cancel-job").hidden = finished;
    $("live-indicator").hidden = finished;
  }

  function showJob(job) {
    showStatus(job.status);
    root.querySelectorAll("[data-time]").forEach((el) => { el.textContent = formatTime(job[el.dataset.time]); });
    $("job-duration").textContent = formatDuration(job.duration_ms);
    $("job-runner").textContent = job.runner || "—";
    $("job-isolation").textContent = job.isolation || "—";
    $("job-worker").textContent = job.worker || "";
    $("local-runner-warning").hidden = job.runner !== "local";
    if (job.status === "success") {
      $("job-result").textContent = JSON.stringify(job.result, null, 2);
      $("result-card").hidden = false;
    }
    if (job.error) {
      $("error-kind").textContent = job.error.kind || "";
      $("error-message").textContent = job.error.message || "";
      $("error-traceback").textContent = job.error.traceback || "";
      $("error-traceback").hidden = !job.error.traceback;
      $("error-card").hidden = false;
    }
  }

  function connect() {
    const url = root.dataset.streamUrl + "?offset=" + offset;
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener("logs", (e) => appendLogs(JSON.parse(e.data)));
    source.addEventListener("job", (e) => showJob(JSON.parse(e.data)));
    source.addEventListener("done", () => { source.close(); source = null; });
    source.onerror = () => {
      // Reconnect ourselves, from the last offset, so no log line arrives twice.
      if (source) source.close();
      source = null;
      if (!FINISHED.has(root.dataset.status)) setTimeout(connect, RETRY_MS);
    };
  }

  $("cancel-job").addEventListener("click", async () => {
    const button = $("cancel-job");
    button.disabled = true;
    const result = await api("POST", root.dataset.cancelUrl);
    button.disabled = false;
    if (result.ok) {
      showJob(result.data);
      showError($("job-action-error"), "");
    } else {
      showError($("job-action-error"), errorOf(result).message);
    }
  });

  if (!FINISHED.has(root.dataset.status)) connect();
})();
