/* A flow run's page: polls the run's steps while it is live, colours the graph by each
 * module's status, lists waiting approvals, and shows a clicked step's result and logs. */
"use strict";

(() => {
  const page = document.getElementById("flow-run");
  if (!page) return;
  const { api, errorOf, showError } = window.taskmill;
  const definition = JSON.parse(document.getElementById("flow-definition").textContent);
  const graph = document.getElementById("flow-graph");
  const POLL_MS = 1000;
  const FINISHED = ["success", "failure", "canceled"];
  let rows = [];
  let selected = null;

  /** One status per module, over its attempts and iterations. */
  function states(approvals) {
    const byModule = {};
    rows.filter((r) => r.kind === "step" || r.kind === "flow").forEach((r) => {
      (byModule[r.step_id] = byModule[r.step_id] || []).push(r);
    });
    const result = {};
    Object.entries(byModule).forEach(([id, runs]) => {
      const statuses = runs.map((r) => r.status);
      let status = "success";
      if (statuses.some((s) => s === "running" || s === "queued")) status = "running";
      else if (statuses.some((s) => s === "failure")) status = "failure";
      else if (statuses.some((s) => s === "canceled")) status = "canceled";
      else if (runs.every((r) => r.flow_state && r.flow_state.skipped)) status = "skipped";
      const done = statuses.filter((s) => s === "success").length;
      result[id] = { status, label: runs.length > 1 ? done + "/" + runs.length : status };
    });
    (approvals || []).filter((a) => a.status === "waiting").forEach((a) => {
      result[a.step_id] = { status: "suspended", label: "waiting for approval" };
    });
    return result;
  }

  function draw(approvals) {
    window.taskmillFlowGraph.render(graph, definition, states(approvals), select);
    if (selected) graph.querySelectorAll(`[data-step="${CSS.escape(selected)}"]`).forEach((n) => n.classList.add("selected"));
  }

  async function select(moduleId) {
    selected = moduleId;
    draw(lastApprovals);
    const runs = rows.filter((r) => r.step_id === moduleId && (r.kind === "step" || r.kind === "flow"));
    const last = runs[runs.length - 1];
    document.getElementById("panel-title").textContent = "Step " + moduleId;
    if (!last) {
      document.getElementById("panel-meta").textContent = "not run";
      ["panel-result", "panel-logs"].forEach((id) => { document.getElementById(id).textContent = ""; });
      document.getElementById("panel-error").hidden = true;
      return;
    }
    const step = await api("GET", page.dataset.stepUrl.replace("__ID__", last.id));
    const logs = await api("GET", page.dataset.logsUrl.replace("__ID__", last.id));
    const data = step.data || {};
    document.getElementById("panel-meta").textContent = data.status + (runs.length > 1 ? " · run " + runs.length + " of " + runs.length : "") +
      (data.attempt > 1 ? " · attempt " + data.attempt : "") + (data.duration_ms != null ? " · " + data.duration_ms + " ms" : "");
    document.getElementById("panel-result").textContent = data.result === undefined || data.result === null ? "" : JSON.stringify(data.result, null, 2);
    const errorPre = document.getElementById("panel-error");
    errorPre.hidden = !data.error;
    errorPre.textContent = data.error ? JSON.stringify(data.error, null, 2) : "";
    document.getElementById("panel-logs").textContent = (logs.data && logs.data.logs) || "";
  }

  let lastApprovals = [];
  function showApprovals(approvals) {
    const waiting = approvals.filter((a) => a.status === "waiting");
    document.getElementById("approvals-card").hidden = !waiting.length;
    const list = document.getElementById("approvals");
    list.replaceChildren(...waiting.map((a) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(a.approval_page).pathname;  // this server, whatever its public URL
      link.textContent = "Approve or reject step " + a.step_id;
      item.append(link, " (" + a.events.length + " of " + a.required_events + ")");
      return item;
    }));
  }

  async function poll() {
    const [job, steps, approvals] = await Promise.all([api("GET", page.dataset.jobUrl),
      api("GET", page.dataset.stepsUrl), api("GET", page.dataset.approvalsUrl)]);
    if (!job.ok) return setTimeout(poll, POLL_MS * 3);
    rows = steps.data || [];
    lastApprovals = approvals.data || [];
    const status = job.data.status;
    const badge = document.getElementById("run-status");
    badge.textContent = status;
    badge.className = "badge " + ({ success: "ok", failure: "bad", canceled: "warn", suspended: "warn" }[status] || "info");
    page.dataset.status = status;
    showApprovals(lastApprovals);
    draw(lastApprovals);
    if (!selected) {
      document.getElementById("panel-result").textContent = job.data.result == null ? "" : JSON.stringify(job.data.result, null, 2);
      const errorPre = document.getElementById("panel-error");
      errorPre.hidden = !job.data.error;
      errorPre.textContent = job.data.error ? JSON.stringify(job.data.error, null, 2) : "";
    }
    const finished = FINISHED.includes(status);
    document.getElementById("live-indicator").hidden = finished;
    document.getElementById("cancel-run").hidden = finished;
    if (!finished) setTimeout(poll, POLL_MS);
  }

  document.getElementById("cancel-run").addEventListener("click", async () => {
    const result = await api("POST", page.dataset.cancelUrl);
    if (!result.ok) showError(document.getElementById("run-error"), errorOf(result).message);
  });
  poll();
})();
