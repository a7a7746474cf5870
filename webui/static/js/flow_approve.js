/* The approval page: sends the form's values as the resume payload, or rejects. */
"use strict";

(() => {
  const page = document.getElementById("approval");
  const form = document.getElementById("run-form");
  if (!page || !form) return;
  const { api, errorOf, showError, showFieldErrors } = window.taskmill;
  const errorBox = document.getElementById("approval-error");

  /** The form's values, or null after showing the inputs that cannot be read. */
  function payload() {
    const { values, problems } = window.taskmillSchemaForm.read(form);
    showFieldErrors(form, window.taskmillSchemaForm.atTopLevel(problems));
    return problems.length ? null : values;
  }

  async function send(url, body) {
    showError(errorBox, "");
    const result = await api("POST", url, body);
    if (result.ok) {
      document.getElementById("approval-status").textContent = result.data.status;
      form.hidden = true;
      return;
    }
    const error = errorOf(result);
    showFieldErrors(form, error.details);
    showError(errorBox, error.message);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = payload();
    if (body) send(page.dataset.resumeUrl, body);
  });
  document.getElementById("reject-button").addEventListener("click", () => send(page.dataset.cancelUrl));
})();
