/* Shared helpers of every dashboard page: API calls with the session's CSRF token,
 * confirm-before-submit forms, copy buttons and the workspace switcher. */
"use strict";

window.taskmill = (() => {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

  /** Call the REST API with the session cookie; resolves to {ok, status, data}. */
  async function api(method, url, body) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      return { ok: false, status: 0, data: { error: { code: "network", message: "The server could not be reached." } } };
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (err) { data = { error: { code: "bad_response", message: text.slice(0, 200) } }; }
    return { ok: response.ok, status: response.status, data };
  }

  /** The API error object of a failed call, always with a message. */
  function errorOf(result) {
    const error = (result.data && result.data.error) || {};
    return { code: error.code || "http_" + result.status, message: error.message || "Request failed (HTTP " + result.status + ").", details: error.details };
  }

  /** Show `message` in a form-error box (or hide it when message is empty). */
  function showError(box, message) {
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
  }

  /** Put per-field API errors ([{field, message}]) next to their inputs; returns the unmatched ones. */
  function showFieldErrors(root, details) {
    root.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
    root.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
    const unmatched = [];
    (Array.isArray(details) ? details : []).forEach((d) => {
      const name = String(d.field || "").split("/")[0];
      const slot = root.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      if (!slot) { unmatched.push(d); return; }
      slot.textContent = slot.textContent ? slot.textContent + " " + d.message : d.message;
      (slot.closest(".field, label") || slot.parentElement).classList.add("has-error");
    });
    return unmatched;
  }

  function wireConfirms() {
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function wireCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach((button) => {
      button.addEventListener("click", async () => {
        const source = document.querySelector(button.dataset.copy);
        source.select();
        try { await navigator.clipboard.writeText(source.value); } catch (err) { document.execCommand("copy"); }
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy"; }, 2000);
      });
    });
  }

  function wireWorkspaceSwitch() {
    const select = document.querySelector("[data-ws-switch] select");
    if (select) select.addEventListener("change", () => { window.location = select.value; });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wireConfirms();
    wireCopyButtons();
    wireWorkspaceSwitch();
  });

  return { api, errorOf, showError, showFieldErrors };
})();
