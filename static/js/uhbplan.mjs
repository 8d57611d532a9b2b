import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// Conditional reveals (the NHS.UK pattern): the fields under a status show when it is chosen.
// Our own few lines rather than the design system's, which set aria-expanded on the radios
// (not allowed on a radio: WCAG 4.1.2). Without JavaScript every field stays visible.
function syncReveals(scope) {
  scope.querySelectorAll("input[data-uhb-reveals]").forEach((input) => {
    const target = document.getElementById(input.dataset.uhbReveals);
    if (target) target.classList.toggle("nhsuk-radios__conditional--hidden", !input.checked);
  });
}
syncReveals(document);
window.addEventListener("pageshow", () => syncReveals(document));
document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLInputElement && event.target.type === "radio") {
    syncReveals(event.target.form || document);
  }
});

// After htmx swaps a saved (or refused) update row into the page, give it the same behaviour
// as a page load: NHS.UK components work, and an error summary takes focus so a keyboard or
// screen reader user hears what went wrong; a success message is announced by its role.
document.addEventListener("htmx:afterSettle", (event) => {
  const id = event.detail.target && event.detail.target.id;
  const row = id ? document.getElementById(id) : null;
  if (!row) return;
  initAll(row);
  syncReveals(row);
  const summary = row.querySelector(".nhsuk-error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
});
