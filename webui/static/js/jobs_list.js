/* Jobs list: while a listed job is queued or running, refresh the table every few seconds
 * (fetching this same page and swapping the table, so filters and scroll position stay). */
"use strict";

(() => {
  const REFRESH_MS = 3000;
  const tableId = "jobs-table";

  async function refresh() {
    const current = document.getElementById(tableId);
    if (!current || current.dataset.active !== "true") return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById(tableId);
        if (fresh) current.replaceWith(fresh);
      }
    } catch (err) {
      // a missed refresh is harmless: the next tick tries again
    }
    setTimeout(refresh, REFRESH_MS);
  }

  setTimeout(refresh, REFRESH_MS);
})();
