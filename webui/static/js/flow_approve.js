/* The approval page: sends the form's values as the resume payload, or rejects. */
"use strict";

(() => {
  const page = document.getElementById("approval");
  const form = document.getElementById("run-form");
  if (!page || !form) return;
  const { api, errorOf, showError, showFieldErrors } = window.taskmill;
  const errorBox = document.getElementById("approval-error");

  function payload() {
    const data = {};
    form.querySelectorAll("[data-field]").forEach((field) => {
      const input = field.querySelector("input, select, textarea");
      const kind = field.dataset.kind;
      if (kind === "boolean") { data[field.dataset.field] = input.checked; return; }
      if (input.value.trim() === "") return;
      if (kind === "integer" || kind === "number") data[field.dataset.field] = Number(input.value);
      else if (kind === "enum" || kind === "json") data[field.dataset.field] = JSON.parse(input.value);
      else data[field.dataset.field] = input.value;
    });
    return data;
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
    send(page.dataset.resumeUrl, payload());
  });
  document.getElementById("reject-button").addEventListener("click", () => send(page.dataset.cancelUrl));
})();
