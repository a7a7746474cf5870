/* The flow editor: validates the YAML as you type (problems listed and the first one marked
 * at its line), redraws the graph of the last valid definition, and saves a version. */
"use strict";

(() => {
  const form = document.getElementById("flow-form");
  if (!form) return;
  const { api, errorOf, showError } = window.taskmill;
  const source = document.getElementById("source");
  const problems = document.getElementById("problems");
  const validity = document.getElementById("validity");
  const graph = document.getElementById("flow-graph");
  const errorBox = document.getElementById("form-error");
  const editor = () => window.taskmillEditor;
  const text = () => (editor() ? editor().getValue() : source.value);
  let timer = false;

  function mark(detail) {
    if (editor() && detail.line) editor().markError(detail.line, detail.column || 1);
  }

  function showProblems(details) {
    problems.replaceChildren();
    (details || []).forEach((d) => {
      const item = document.createElement("li");
      const where = d.line ? "line " + d.line + ": " : "";
      item.textContent = where + (d.module ? "module " + d.module + ", " : "") + d.field + ": " + d.message;
      item.dataset.line = d.line || "";
      item.addEventListener("click", () => mark(d));
      problems.appendChild(item);
    });
    problems.hidden = !(details && details.length);
    if (details && details.length) mark(details[0]);
    else if (editor()) editor().clearError();
  }

  async function validate() {
    const result = await api("POST", form.dataset.validateUrl, { source: text() });
    if (result.status === 200) {
      validity.textContent = "valid";
      showProblems([]);
      window.taskmillFlowGraph.render(graph, result.data.definition, {});
      return true;
    }
    const error = errorOf(result);
    validity.textContent = "invalid";
    showProblems(error.details && error.details.length ? error.details : [{ field: "(root)", message: error.message }]);
    return false;
  }

  // The editor keeps the textarea in sync without firing events: watch the text instead,
  // and validate once it has been still for a moment.
  let last = text(), changedAt = 0;
  setInterval(() => {
    const now = text();
    if (now !== last) { last = now; changedAt = Date.now(); timer = true; }
    else if (timer && Date.now() - changedAt > 400) { timer = false; validate(); }
  }, 150);
  validate();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorBox, "");
    const path = document.getElementById("path").value.trim();
    const body = { source: text() };
    if (form.dataset.parentHash) body.parent_hash = form.dataset.parentHash;
    else body.path = path;
    const result = await api("POST", form.dataset.saveUrl, body);
    if (result.ok) {
      window.location = form.dataset.flowUrl.replace("__PATH__", result.data.path);
      return;
    }
    const error = errorOf(result);
    showError(errorBox, error.message);
    if (Array.isArray(error.details)) showProblems(error.details.filter((d) => d.field !== "path"));
  });
})();
