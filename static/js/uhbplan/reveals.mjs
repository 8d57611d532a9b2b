// Conditional reveals (the NHS.UK pattern): the fields under a status show when it is chosen.
// Our own few lines rather than the design system's, which set aria-expanded on the radios
// (not allowed on a radio: WCAG 4.1.2). Without JavaScript every field stays visible.

export function syncReveals(scope) {
  const doc = scope.ownerDocument || scope;
  scope.querySelectorAll("input[data-uhb-reveals]").forEach((input) => {
    const target = doc.getElementById(input.dataset.uhbReveals);
    if (target) target.classList.toggle("nhsuk-radios__conditional--hidden", !input.checked);
  });
}

export function install(win) {
  const doc = win.document;
  syncReveals(doc);
  win.addEventListener("pageshow", () => syncReveals(doc));
  doc.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof win.HTMLInputElement && input.type === "radio") {
      syncReveals(input.form || doc);
    }
  });
}
