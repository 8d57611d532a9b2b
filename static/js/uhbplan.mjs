import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// After htmx swaps a saved (or refused) update row into the page, give it the same behaviour
// as a page load: NHS.UK components work, and an error summary takes focus so a keyboard or
// screen reader user hears what went wrong; a success message is announced by its role.
document.addEventListener("htmx:afterSettle", (event) => {
  const id = event.detail.target && event.detail.target.id;
  const row = id ? document.getElementById(id) : null;
  if (!row) return;
  initAll(row);
  const summary = row.querySelector(".nhsuk-error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});
