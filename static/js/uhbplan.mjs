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

// My updates opens one update at a time, under its row (htmx). Opening another closes the
// open one (its draft is kept: see drafts below); opening the open one again goes to it.
function focusPanel(panel) {
  const heading = panel.querySelector(".uhb-panel__heading");
  if (heading) heading.focus();
}

document.addEventListener("htmx:beforeRequest", (event) => {
  const link = event.detail.elt;
  if (!(link instanceof HTMLElement) || !link.matches("a.uhb-open-update")) return;
  const row = link.closest("tr");
  const mine = document.getElementById(row.id.replace("deliverable-", "panel-"));
  if (mine) {
    event.preventDefault();
    focusPanel(mine);
    return;
  }
  document.querySelectorAll(".uhb-panel-row").forEach((panel) => closePanel(panel));
});

function closePanel(panel) {
  panel.dispatchEvent(new CustomEvent("uhb:closing", { bubbles: true }));
  const link = document.querySelector(`#${panel.id.replace("panel-", "deliverable-")} .uhb-open-update`);
  panel.remove();
  return link;
}

document.addEventListener("click", (event) => {
  const close = event.target instanceof Element && event.target.closest(".uhb-close-panel");
  if (!close) return;
  event.preventDefault();
  const link = closePanel(close.closest(".uhb-panel-row"));
  if (link) link.focus();
});

// After htmx swaps in a form (opened, refused or the next one) or a saved row, give it the
// same behaviour as a page load: NHS.UK components work; an error summary takes focus so a
// keyboard or screen reader user hears what went wrong; an opened form's heading takes focus;
// after "Save and close", focus returns to the saved row's link (its "Saved" is announced).
document.addEventListener("htmx:afterSettle", (event) => {
  const panel = document.querySelector(".uhb-panel-row");
  if (panel) {
    initAll(panel);
    syncReveals(panel);
    const summary = panel.querySelector(".nhsuk-error-summary");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    } else if (!panel.contains(document.activeElement)) {
      focusPanel(panel);
    }
    return;
  }
  const saved = document.querySelector(".uhb-queue-row .uhb-saved");
  const link = saved && saved.closest("tr").querySelector(".uhb-open-update");
  // The form that had focus is gone: focus goes back to the row it was opened from.
  if (link && (!document.activeElement || document.activeElement === document.body)) link.focus();
});

// When an in-page save fails (signed out, a stale security token after signing in again in
// another tab, a server error, no connection), nothing is swapped: the form and everything
// typed stay, and a message says what happened and what to do.
const PROBLEMS = {
  signedOut:
    "You have been signed out, so this was not saved. Sign in again in a new tab, then come back and press Save again: what you typed is still here.",
  tokenRenewed:
    "This was not saved because you signed in again in another tab. The form is ready now: press Save again.",
  forbidden: "This was not saved: you are not allowed to change this update.",
  server:
    "This was not saved: something went wrong on our side. What you typed is still here; try again in a minute.",
  network:
    "This was not saved: the connection was lost. What you typed is still here; try again when you are back online.",
};

function showProblem(form, text) {
  let box = form.querySelector(".uhb-save-problem");
  if (!box) {
    box = document.createElement("div");
    box.className = "nhsuk-error-summary uhb-save-problem";
    box.setAttribute("tabindex", "-1");
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const heading = document.createElement("h2");
    heading.className = "nhsuk-error-summary__heading";
    heading.textContent = "Your update was not saved";
    const body = document.createElement("p");
    body.className = "nhsuk-error-summary__body uhb-save-problem__text";
    alert.append(heading, body);
    box.append(alert);
    form.prepend(box);
  }
  box.querySelector(".uhb-save-problem__text").textContent = text;
  box.focus();
}

// After signing in again elsewhere the CSRF cookie is new; the same URL's page carries the
// matching token. Returns "renewed", "signedOut" or "forbidden".
async function renewToken(form) {
  try {
    const response = await fetch(form.action, { credentials: "same-origin" });
    if (response.redirected && new URL(response.url).pathname.startsWith("/login")) {
      return "signedOut";
    }
    if (!response.ok) return "forbidden";
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector('input[name="csrfmiddlewaretoken"]');
    const mine = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!fresh || !mine) return "forbidden";
    mine.value = fresh.value;
    return "tokenRenewed";
  } catch {
    return "network";
  }
}

document.addEventListener("htmx:responseError", async (event) => {
  const form = event.detail.elt.closest("form");
  if (!form) return;
  const status = event.detail.xhr.status;
  if (status === 401) showProblem(form, PROBLEMS.signedOut);
  else if (status === 403) showProblem(form, PROBLEMS[await renewToken(form)]);
  else showProblem(form, PROBLEMS.server);
});

document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt.closest("form");
  if (form) showProblem(form, PROBLEMS.network);
});
