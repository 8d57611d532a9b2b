// My updates opens one update at a time, under its row (htmx). Opening another closes the
// open one (its draft is kept: closing says "uhb:closing", which drafts.mjs hears); opening
// the open one again goes to it. After htmx swaps in a form (opened, refused or the next one)
// or a saved row, it behaves as after a page load: NHS.UK components work; an error summary
// takes focus so a keyboard or screen reader user hears what went wrong; an opened form's
// heading takes focus; after "Save and close", focus returns to the saved row's link (its
// "Saved" is announced).

function focusPanel(panel) {
  const heading = panel.querySelector(".uhb-panel__heading");
  if (heading) heading.focus();
}

export function closePanel(win, panel) {
  const doc = win.document;
  panel.dispatchEvent(new win.CustomEvent("uhb:closing", { bubbles: true }));
  const link = doc.querySelector(`#${panel.id.replace("panel-", "deliverable-")} .uhb-open-update`);
  panel.remove();
  return link;
}

export function install(win, { initAll = () => {}, syncReveals = () => {} } = {}) {
  const doc = win.document;

  doc.addEventListener("htmx:beforeRequest", (event) => {
    const link = event.detail.elt;
    if (!(link instanceof win.HTMLElement) || !link.matches("a.uhb-open-update")) return;
    const row = link.closest("tr");
    const mine = doc.getElementById(row.id.replace("deliverable-", "panel-"));
    if (mine) {
      event.preventDefault();
      focusPanel(mine);
      return;
    }
    doc.querySelectorAll(".uhb-panel-row").forEach((panel) => closePanel(win, panel));
  });

  doc.addEventListener("click", (event) => {
    const close = event.target instanceof win.Element && event.target.closest(".uhb-close-panel");
    if (!close) return;
    event.preventDefault();
    const link = closePanel(win, close.closest(".uhb-panel-row"));
    if (link) link.focus();
  });

  doc.addEventListener("htmx:afterSettle", () => {
    const panel = doc.querySelector(".uhb-panel-row");
    if (panel) {
      initAll(panel);
      syncReveals(panel);
      const summary = panel.querySelector(".nhsuk-error-summary");
      if (summary) {
        summary.setAttribute("tabindex", "-1");
        summary.focus();
      } else if (!panel.contains(doc.activeElement)) {
        focusPanel(panel);
      }
      return;
    }
    const saved = doc.querySelector(".uhb-queue-row .uhb-saved");
    const link = saved && saved.closest("tr").querySelector(".uhb-open-update");
    // The form that had focus is gone: focus goes back to the row it was opened from.
    if (link && (!doc.activeElement || doc.activeElement === doc.body)) link.focus();
  });
}
