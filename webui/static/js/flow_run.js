/* A flow run's page, live over Server-Sent Events: the flow job's stream updates the graph
 * (each module's status, attempt and duration), the run's status and its waiting approvals.
 * A click on a step opens that step's own stream in the side panel: its result or error, and
 * its logs as they arrive. When a stream drops, the page fetches the run's state at once,
 * then opens a new stream (which starts with everything again), so no change is lost. */
"use strict";

(() => {
  const page = document.getElementById("flow-run");
  if (!page) return;
  const { api, errorOf, showError } = window.taskmill;
  const $ = (id) => document.getElementById(id);
  const definition = JSON.parse($("flow-definition").textContent);
  const FINISHED = new Set(["success", "failure", "canceled"]);
  const LIVE = new Set(["queued", "running"]);
  const BADGES = { success: "ok", failure: "bad", canceled: "warn", suspended: "warn" };
  const RETRY_MS = 2000;
  const TICK_MS = 1000;
  const rootId = page.dataset.jobId;
  const rows = new Map();  // step row id → row, as the stream and the steps API give them
  let approvals = [];
  let flowJob = null;
  let flowSource = null;
  let panel = null;  // {module, rowId, pinned, source, offset, finished}

  const url = (template, id) => template.replace("__ID__", id);

  function formatDuration(ms) {
    if (ms === null || ms === undefined) return "";
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + String(Math.floor(ms / 1000) % 60).padStart(2, "0") + " s";
  }

  function elapsed(row) {
    if (row.duration_ms !== null && row.duration_ms !== undefined && !LIVE.has(row.status)) return row.duration_ms;
    return row.started_at ? Math.max(0, Date.now() - Date.parse(row.started_at)) : null;
  }

  /** The flow row a step belongs to: steps of sub-flows are not modules of this graph. */
  function flowOf(row) {
    let parent = rows.get(row.parent_job_id);
    while (parent && parent.kind !== "flow") parent = rows.get(parent.parent_job_id);
    return parent ? parent.id : rootId;
  }

  /** A module's runs (one per loop iteration or branch), each its latest attempt. */
  function runsOf(moduleId) {
    const latest = new Map();
    rows.forEach((r) => {
      if (r.step_id !== moduleId || (r.kind !== "step" && r.kind !== "flow") || flowOf(r) !== rootId) return;
      const seen = latest.get(r.parent_job_id);
      if (!seen || r.attempt > seen.attempt) latest.set(r.parent_job_id, r);
    });
    return [...latest.values()].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  }

  function moduleState(moduleId) {
    const runs = runsOf(moduleId);
    if (!runs.length) return null;
    const statuses = runs.map((r) => r.status);
    let status = "success";
    if (statuses.some((s) => s === "running")) status = "running";
    else if (statuses.some((s) => s === "queued")) status = "queued";
    else if (statuses.includes("failure")) status = "failure";
    else if (statuses.includes("canceled")) status = "canceled";
    else if (runs.every((r) => r.flow_state && r.flow_state.skipped)) status = "skipped";
    const parts = [];
    if (runs.length > 1) {
      parts.push(statuses.filter((s) => s === "success").length + "/" + runs.length);
    } else {
      parts.push(status);
      if (runs[0].attempt > 1) parts.push("attempt " + runs[0].attempt);
      const ms = elapsed(runs[0]);
      if (ms !== null) parts.push(formatDuration(ms));
    }
    return { status, label: parts.join(" · "), attempt: Math.max(...runs.map((r) => r.attempt)) };
  }

  function states() {
    const result = {};
    const ids = new Set();
    rows.forEach((r) => ids.add(r.step_id));
    ids.forEach((id) => { const state = moduleState(id); if (state) result[id] = state; });
    approvals.filter((a) => a.status === "waiting").forEach((a) => {
      result[a.step_id] = { status: "suspended", label: "waiting for approval" };
    });
    return result;
  }

  /** The module of this graph a row runs under (a sub-flow's steps: the sub-flow step). */
  function graphModule(row) {
    while (row && flowOf(row) !== rootId) row = rows.get(flowOf(row));
    return row ? row.step_id : null;
  }

  function draw() {
    const graph = $("flow-graph");
    window.taskmillFlowGraph.render(graph, definition, states(), (moduleId) => select(moduleId, null));
    const highlighted = panel && (panel.rowId && rows.has(panel.rowId) ? graphModule(rows.get(panel.rowId)) : panel.module);
    if (highlighted) graph.querySelectorAll(`[data-step="${CSS.escape(highlighted)}"]`).forEach((n) => n.classList.add("selected"));
    graph.dataset.updates = String(Number(graph.dataset.updates || 0) + 1);
  }

  function showRun(job) {
    flowJob = job;
    const badge = $("run-status");
    badge.textContent = job.status;
    badge.className = "badge " + (BADGES[job.status] || "info");
    page.dataset.status = job.status;
    const finished = FINISHED.has(job.status);
    $("live-indicator").hidden = finished;
    $("cancel-run").hidden = finished;
    if (!panel) showFlowResult();
  }

  function showFlowResult() {
    $("panel-title").textContent = "Flow result";
    $("panel-meta").textContent = "";
    $("panel-open").hidden = true;
    $("panel-logs-card").hidden = true;
    $("panel-result").textContent = flowJob && flowJob.result != null ? JSON.stringify(flowJob.result, null, 2) : "";
    showPanelError(flowJob && flowJob.error);
  }

  function showPanelError(error) {
    const pre = $("panel-error");
    pre.hidden = !error;
    pre.textContent = error ? JSON.stringify(error, null, 2) : "";
  }

  function showApprovals() {
    const waiting = approvals.filter((a) => a.status === "waiting");
    $("approvals-card").hidden = !waiting.length;
    $("approvals").replaceChildren(...waiting.map((a) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = new URL(a.approval_page).pathname;  // this server, whatever its public URL
      link.textContent = "Approve or reject step " + a.step_id;
      item.append(link, " (" + a.events.length + " of " + a.required_events + ")");
      return item;
    }));
  }

  // -- the side panel: one step row, over its own stream --------------------------------
  function latestRow(moduleId) {
    const runs = runsOf(moduleId);
    return runs.length ? runs[runs.length - 1] : null;
  }

  function closeStep() {
    if (panel && panel.source) panel.source.close();
    if (panel) panel.source = null;
  }

  function select(moduleId, rowId) {
    closeStep();
    const row = rowId ? rows.get(rowId) : latestRow(moduleId);
    panel = { module: moduleId, rowId: row ? row.id : null, pinned: Boolean(rowId), source: null, offset: 0 };
    draw();
    $("panel-title").textContent = "Step " + moduleId;
    $("panel-result").textContent = "";
    $("panel-logs").textContent = "";
    $("panel-logs-card").hidden = false;
    showPanelError(null);
    if (!row) {
      $("panel-meta").textContent = "not run yet";
      $("panel-open").hidden = true;
      return;
    }
    $("panel-open").href = url(page.dataset.jobPageUrl, row.id);
    $("panel-open").hidden = false;
    openStep();
  }

  function showStep(job) {
    const runs = runsOf(panel.module);
    const index = runs.findIndex((r) => r.id === job.id);
    const parts = [job.status];
    if (runs.length > 1 && index >= 0) parts.push("run " + (index + 1) + " of " + runs.length);
    if (job.attempt > 1) parts.push("attempt " + job.attempt);
    const ms = elapsed(job);
    if (ms !== null) parts.push(formatDuration(ms));
    $("panel-meta").textContent = parts.join(" · ");
    $("panel-result").textContent = job.status === "success" && job.result !== undefined && job.result !== null
      ? JSON.stringify(job.result, null, 2) : "";
    showPanelError(job.error);
    panel.finished = FINISHED.has(job.status);
  }

  function appendLogs(chunk) {
    const pre = $("panel-logs");
    const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
    pre.textContent += chunk.logs;
    panel.offset = chunk.next_offset;
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  function openStep() {
    const mine = panel;
    const source = new EventSource(url(page.dataset.stepStreamUrl, mine.rowId) + "?offset=" + mine.offset,
                                   { withCredentials: true });
    mine.source = source;
    source.addEventListener("logs", (e) => { if (panel === mine) appendLogs(JSON.parse(e.data)); });
    source.addEventListener("job", (e) => { if (panel === mine) showStep(JSON.parse(e.data)); });
    source.addEventListener("done", () => { source.close(); mine.source = null; });
    source.onerror = () => {
      source.close();
      mine.source = null;
      if (panel === mine && !mine.finished) recoverStep(mine);
    };
  }

  async function recoverStep(mine) {
    const [job, logs] = await Promise.all([api("GET", url(page.dataset.stepUrl, mine.rowId)),
      api("GET", url(page.dataset.logsUrl, mine.rowId) + "?offset=" + mine.offset)]);
    if (panel !== mine) return;
    if (logs.ok && logs.data.logs) appendLogs(logs.data);
    if (job.ok) showStep(job.data);
    if (!mine.finished) setTimeout(() => { if (panel === mine && !mine.source) openStep(); }, RETRY_MS);
  }

  /** A module selected as a whole follows its newest run (a retry, the next iteration). */
  function followSelection() {
    if (!panel || panel.pinned) return;
    const row = latestRow(panel.module);
    if (row && row.id !== panel.rowId) select(panel.module, null);
  }

  // -- the run's stream ------------------------------------------------------------------
  function upsert(list) {
    list.forEach((r) => rows.set(r.id, r));
    followSelection();
    draw();
  }

  function connect() {
    const source = new EventSource(page.dataset.streamUrl, { withCredentials: true });
    flowSource = source;
    source.addEventListener("steps", (e) => upsert(JSON.parse(e.data)));
    source.addEventListener("approvals", (e) => { approvals = JSON.parse(e.data); showApprovals(); draw(); });
    source.addEventListener("job", (e) => showRun(JSON.parse(e.data)));
    source.addEventListener("done", () => { source.close(); flowSource = null; draw(); });
    source.onerror = () => {
      source.close();
      flowSource = null;
      recover();
    };
  }

  async function refresh() {
    const [job, steps, waiting] = await Promise.all([api("GET", page.dataset.jobUrl),
      api("GET", page.dataset.stepsUrl), api("GET", page.dataset.approvalsUrl)]);
    if (steps.ok) upsert(steps.data);
    if (waiting.ok) { approvals = waiting.data; showApprovals(); draw(); }
    if (job.ok) showRun(job.data);
  }

  async function recover() {
    page.dataset.reconnects = String(Number(page.dataset.reconnects || 0) + 1);
    await refresh();
    if (!FINISHED.has(page.dataset.status)) setTimeout(() => { if (!flowSource) connect(); }, RETRY_MS);
  }

  setInterval(() => {
    const ticking = [...rows.values()].some((r) => r.status === "running");
    if (ticking && !FINISHED.has(page.dataset.status)) draw();
  }, TICK_MS);

  $("cancel-run").addEventListener("click", async () => {
    const result = await api("POST", page.dataset.cancelUrl);
    if (!result.ok) showError($("run-error"), errorOf(result).message);
  });
  $("panel-close").addEventListener("click", () => { closeStep(); panel = null; draw(); showFlowResult(); });

  draw();
  const wanted = page.dataset.selectRow;
  connect();
  if (wanted) {
    // Opened from a step's job page: select that row once the stream has listed it.
    refresh().then(() => {
      const row = rows.get(wanted);
      if (row) select(row.step_id, row.id);
    });
  }
})();
