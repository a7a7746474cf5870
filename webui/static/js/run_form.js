/* The run form: turns the server-rendered schema fields into typed JSON arguments,
 * starts the job through the REST API and goes to its page, or shows per-field errors. */
"use strict";

(() => {
  const form = document.getElementById("run-form");
  if (!form) return;
  const { api, errorOf, showError, showFieldErrors } = window.taskmill;
  const errorBox = form.querySelector(".form-error");

  class FieldError extends Error {}

  /** The typed value of one field, or `undefined` to leave it out (the script's default applies). */
  function valueOf(field) {
    const kind = field.dataset.kind;
    const input = field.querySelector("input, select, textarea");
    if (kind === "boolean") return input.checked;
    const raw = input.value;
    if (raw.trim() === "") {
      // Left out, a required field is reported by the server next to its input.
      if (field.dataset.nullable === "true" && field.dataset.required === "true") return null;
      return undefined;
    }
    if (kind === "integer" || kind === "number") {
      const number = Number(raw);
      if (!Number.isFinite(number)) throw new FieldError("not a number");
      return number;
    }
    if (kind === "enum") return JSON.parse(raw);
    if (kind === "json") {
      try { return JSON.parse(raw); } catch (err) { throw new FieldError("not valid JSON: " + err.message); }
    }
    if (kind === "any") {
      try { return JSON.parse(raw); } catch (err) { return raw; } // plain text is a string
    }
    return raw;
  }

  /** All arguments, or null after showing the fields whose input cannot be read. */
  function collect() {
    const args = {};
    const problems = [];
    form.querySelectorAll("[data-field]").forEach((field) => {
      try {
        const value = valueOf(field);
        if (value !== undefined) args[field.dataset.field] = value;
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        problems.push({ field: field.dataset.field, message: err.message });
      }
    });
    if (!problems.length) return args;
    showFieldErrors(form, problems);
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
    const unmatched = showFieldErrors(form, error.details);
    const extra = unmatched.map((d) => (d.field === "(root)" ? d.message : d.field + ": " + d.message)).join("; ");
    showError(errorBox, extra ? error.message + " — " + extra : error.message);
  });
})();
