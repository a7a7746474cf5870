/* The script editor page: language switch with starter code, save through the REST API,
 * and API errors shown where they belong (field messages, syntax errors on their line). */
"use strict";

(() => {
  const form = document.getElementById("script-form");
  if (!form) return;
  const { api, errorOf, showError, showFieldErrors } = window.taskmill;
  const errorBox = document.getElementById("form-error");
  const textarea = document.getElementById("script-content");
  const languageSelect = document.getElementById("language");
  const starters = JSON.parse(document.getElementById("starters").textContent);
  const isNew = !form.dataset.parentHash;

  // Works with or without the CodeMirror bundle: the textarea is always kept in sync.
  const editor = () => window.taskmillEditor;
  const code = () => (editor() ? editor().getValue() : textarea.value);
  const setCode = (text) => (editor() ? editor().setValue(text) : (textarea.value = text));

  let language = languageSelect.value;
  languageSelect.addEventListener("change", () => {
    const next = languageSelect.value;
    // Swap in the new starter only while the code is still the untouched old one.
    if (!code().trim() || code() === starters[language]) setCode(starters[next] || "");
    if (editor()) editor().setLanguage(next);
    language = next;
  });

  function payload() {
    const value = (id) => document.getElementById(id).value;
    const timeout = value("timeout_s").trim();
    const data = {
      language: languageSelect.value,
      content: code(),
      summary: value("summary"),
      description: value("description"),
      tag: value("tag").trim() || "default",
      timeout_s: timeout === "" ? null : Number(timeout),
    };
    if (isNew) data.path = value("path").trim();
    else data.parent_hash = form.dataset.parentHash;
    return data;
  }

  function showSyntaxError(error) {
    const { line, column } = error.details || {};
    const where = document.getElementById("content-error");
    where.textContent = error.message;
    where.closest(".editor-field").classList.add("has-error");
    if (line && editor()) editor().markError(line, column || 1);
    else if (line) selectTextareaLine(line);
  }

  function selectTextareaLine(line) {
    const lines = textarea.value.split("\n");
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    textarea.focus();
    textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }

  function showApiError(result) {
    const error = errorOf(result);
    const unmatched = showFieldErrors(form, error.details);
    const syntax = error.code === "script_syntax_error" || (error.details && error.details.line);
    if (syntax) {
      showSyntaxError(error);
      showError(errorBox, "The script has a syntax error: see the code below.");
    } else if (error.code === "conflict" && !isNew) {
      showError(errorBox, error.message + " Reload the page to edit the latest version.");
    } else {
      const extra = unmatched.map((d) => d.field + ": " + d.message).join("; ");
      showError(errorBox, extra ? error.message + " — " + extra : error.message);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.getElementById("save-script");
    showError(errorBox, "");
    showFieldErrors(form, []);
    if (editor()) editor().clearError();
    button.disabled = true;
    const result = await api("POST", form.dataset.saveUrl, payload());
    button.disabled = false;
    if (result.ok) {
      window.location = form.dataset.scriptUrl.replace("__PATH__", result.data.path);
      return;
    }
    showApiError(result);
  });
})();
