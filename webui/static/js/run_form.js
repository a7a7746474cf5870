/* The run form: turns the server-rendered schema fields into typed JSON arguments (with
 * schema_form.js), starts the job through the REST API and goes to its page, or shows
 * per-field errors. */
"use strict";

(() => {
  const form = document.getElementById("run-form");
  if (!form) return;
  const { api, errorOf, showError, showFieldErrors } = window.taskmill;
  const errorBox = form.querySelector(".form-error");

  const { read, atTopLevel } = window.taskmillSchemaForm;

  /** All arguments, or null after showing the fields whose input cannot be read. */
  function collect() {
    const { values, problems } = read(form);
    if (!problems.length) return values;
    showFieldErrors(form, atTopLevel(problems));
    showError(errorBox, "Some fields need fixing.");
    return null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorBox, "");
    showFieldErrors(form, []);
    const args = collect();
    if (args === null) return;
    const button = form.querySelector("#run-button");
    button.disabled = true;
    const result = await api("POST", form.dataset.runUrl, args);
    if (result.status === 201) {
      window.location = form.dataset.jobUrl.replace("__ID__", result.data.id);
      return;
    }
    button.disabled = false;
    const error = errorOf(result);
    const unmatched = showFieldErrors(form, atTopLevel(error.details));
    const extra = unmatched.map((d) => (d.field === "(root)" ? d.message : d.field + ": " + d.message)).join("; ");
    showError(errorBox, extra ? error.message + " — " + extra : error.message);
  });
})();
