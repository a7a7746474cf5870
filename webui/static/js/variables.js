/* The variables page: "Reveal" fetches one secret's value through the REST API (which
 * answers it only to those who may read it) and shows it in place of the mask. */
"use strict";

(() => {
  const { api, errorOf } = window.taskmill;

  async function reveal(button) {
    const cell = button.parentElement.querySelector("[data-secret-value]");
    button.disabled = true;
    const result = await api("GET", button.dataset.reveal);
    if (result.ok && result.data.value !== null) {
      cell.textContent = result.data.value;
      button.remove();
      return;
    }
    button.disabled = false;
    cell.textContent = result.ok ? "(you may not read this secret)" : errorOf(result).message;
  }

  document.querySelectorAll("[data-reveal]").forEach((button) => {
    button.addEventListener("click", () => reveal(button));
  });
})();
