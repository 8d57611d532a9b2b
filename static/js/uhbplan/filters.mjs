// On a small screen the list's filters start folded away (the results come first); the
// summary says they are there. Without JavaScript they stay as the server sent them.

export function install(win) {
  if (!win.matchMedia("(max-width: 40em)").matches) return;
  win.document.querySelectorAll("details.uhb-filters[open]").forEach((details) => {
    details.open = false;
  });
}
