import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// On a small screen the list's filters start folded away (the results come first); the
// summary says they are there. Without JavaScript they stay as the server sent them.
if (window.matchMedia("(max-width: 40em)").matches) {
  document.querySelectorAll("details.uhb-filters[open]").forEach((details) => {
    details.open = false;
  });
}

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

// --- Nothing typed is lost ------------------------------------------------------------------

// The session: when the server last heard from this browser (shared by its tabs), so the
// timeout warning knows how long is left. Any request to the server counts.
const SITE = document.body.dataset;
const SESSION_SECONDS = Number(SITE.uhbSessionSeconds || 0);
const WARNING_SECONDS = Number(SITE.uhbWarningSeconds || 0);
const ACTIVITY_KEY = "uhbplan:last-activity";

function touch() {
  try {
    localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
  } catch {
    /* storage may be off: this tab's own clock still works */
  }
  lastActivity = Date.now();
}
let lastActivity = Date.now();
touch();
function lastHeard() {
  let shared = 0;
  try {
    shared = Number(localStorage.getItem(ACTIVITY_KEY) || 0);
  } catch {
    /* as above */
  }
  return Math.max(lastActivity, shared);
}

// Is this browser still signed in? With the current security token when it is. A failure
// other than "signed out" is tried once more (two requests at once can briefly collide).
async function sessionState(attempt = 1) {
  try {
    const response = await fetch(SITE.uhbSessionUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.status === 401) return { signedIn: false };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    touch();
    return { signedIn: true, csrf: data.csrf };
  } catch (error) {
    if (attempt < 2) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return sessionState(attempt + 1);
    }
    return { problem: error instanceof TypeError ? "network" : "server" };
  }
}

function setToken(form, token) {
  form.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach((input) => {
    input.value = token;
  });
}

// Drafts: what is typed into an update is kept on the server (debounced, and on leaving a
// field), so it is there after a closed tab, a crash or on another device.
const DRAFT_DELAY_MS = 1500;
const pending = new WeakMap();

function draftStatus(form, text) {
  const status = form.querySelector(".uhb-draft-status");
  if (!status) return;
  status.hidden = false;
  status.textContent = text;
}

// One request at a time per form: a draft and a save never race each other (the save waits
// for a draft on its way; no draft starts while a save is being sent).
const inflight = new WeakMap();

function saveDraft(form, options = {}) {
  if (form.dataset.uhbSaving === "true") return Promise.resolve();
  const previous = inflight.get(form) || Promise.resolve();
  const next = previous.then(() => sendDraft(form, options));
  inflight.set(form, next);
  return next;
}

async function sendDraft(form, { keepalive = false, attempt = 1 } = {}) {
  clearTimeout(pending.get(form));
  pending.delete(form);
  if (!form.isConnected && !keepalive) return;
  if (form.dataset.uhbDirty !== "true" || form.dataset.uhbSaving === "true") return;
  form.dataset.uhbDirty = "false";
  const data = new FormData(form);
  const token = data.get("csrfmiddlewaretoken");
  try {
    const response = await fetch(form.dataset.uhbDraft, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive,
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    });
    if (response.ok) {
      const { saved_at: savedAt } = await response.json();
      touch();
      draftStatus(form, `Draft kept at ${savedAt}. It is not the update until you save it.`);
    } else if (response.status === 403 && attempt === 1 && !keepalive) {
      // Logged in again in another tab: a new token. Take it, and keep the draft with it.
      const state = await sessionState();
      form.dataset.uhbDirty = "true";
      if (state.signedIn) {
        setToken(form, state.csrf);
        await sendDraft(form, { attempt: 2 });
      }
    } else {
      form.dataset.uhbDirty = "true";
      draftStatus(form, "Your draft could not be kept just now. What you typed is still here.");
    }
  } catch {
    form.dataset.uhbDirty = "true";
  }
}

function draftSoon(form) {
  form.dataset.uhbDirty = "true";
  clearTimeout(pending.get(form));
  pending.set(form, setTimeout(() => saveDraft(form), DRAFT_DELAY_MS));
}

document.addEventListener("input", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-uhb-draft]");
  if (form) draftSoon(form);
});
document.addEventListener("change", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-uhb-draft]");
  if (form) {
    form.dataset.uhbDirty = "true";
    saveDraft(form);
  }
});
document.addEventListener("focusout", (event) => {
  const form = event.target instanceof Element && event.target.closest("form[data-uhb-draft]");
  if (!form || form.dataset.uhbDirty !== "true") return;
  // Going to the form's own Save button: the save carries everything, no draft is needed.
  const next = event.relatedTarget;
  if (next instanceof HTMLButtonElement && next.type === "submit" && form.contains(next)) return;
  saveDraft(form);
});
// Closing a form in place, or leaving the page: keep what was typed since the last draft.
document.addEventListener("uhb:closing", (event) => {
  event.target.querySelectorAll("form[data-uhb-draft]").forEach((form) => saveDraft(form, { keepalive: true }));
});
window.addEventListener("pagehide", () => {
  document.querySelectorAll("form[data-uhb-draft]").forEach((form) => saveDraft(form, { keepalive: true }));
});

// Saving an update: first make sure the session is alive and the security token current
// (signing in again in another tab changes it). Signed out, the form stays as it is, a
// message offers signing in again in a new tab, and coming back to this tab saves.
const PROBLEMS = {
  signedOut:
    "You have been logged out, so this has not been saved yet. Log in again in a new tab: when you come back to this tab, your update is saved. What you typed is still here.",
  forbidden: "This was not saved: you are not allowed to change this update.",
  server:
    "This was not saved: something went wrong on our side. What you typed is still here; try again in a minute.",
  network:
    "This was not saved: the connection was lost. What you typed is still here; try again when you are back online.",
};

function showProblem(form, text, signIn = false) {
  let box = form.querySelector(".uhb-save-problem");
  if (!box) {
    box = document.createElement("div");
    box.className = "nhsuk-error-summary uhb-save-problem";
    box.setAttribute("tabindex", "-1");
    const alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    const heading = document.createElement("h2");
    heading.className = "nhsuk-error-summary__heading";
    heading.textContent = "Your update is not saved yet";
    const body = document.createElement("p");
    body.className = "nhsuk-error-summary__body uhb-save-problem__text";
    const link = document.createElement("a");
    link.className = "uhb-sign-in-again";
    link.href = SITE.uhbSignInUrl;
    link.target = "_blank";
    link.textContent = "Log in again (opens in a new tab)";
    alert.append(heading, body, link);
    box.append(alert);
    form.prepend(box);
  }
  box.querySelector(".uhb-save-problem__text").textContent = text;
  box.querySelector(".uhb-sign-in-again").hidden = !signIn;
  box.focus();
}

function clearProblem(form) {
  const box = form.querySelector(".uhb-save-problem");
  if (box) box.remove();
}

// Call `send` once the session is alive; if it is not, when the person is back from signing in.
async function whenSignedIn(form, send) {
  await (inflight.get(form) || Promise.resolve()); // a draft on its way goes first
  const state = await sessionState();
  if (state.signedIn) {
    setToken(form, state.csrf);
    clearProblem(form);
    send();
    return;
  }
  if (state.problem) {
    showProblem(form, PROBLEMS[state.problem]);
    return;
  }
  showProblem(form, PROBLEMS.signedOut, true);
  const retry = async (event) => {
    if (event.type === "visibilitychange" && document.visibilityState !== "visible") return;
    const again = await sessionState();
    if (!again.signedIn) return;
    window.removeEventListener("focus", retry);
    document.removeEventListener("visibilitychange", retry);
    setToken(form, again.csrf);
    clearProblem(form);
    send();
  };
  window.addEventListener("focus", retry);
  document.addEventListener("visibilitychange", retry);
}

// In place (htmx): hold the request until the session is known to be alive.
document.addEventListener("htmx:confirm", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.matches(".uhb-update-form")) return;
  event.preventDefault();
  clearTimeout(pending.get(form));
  form.dataset.uhbDirty = "false"; // the save carries it all
  whenSignedIn(form, () => event.detail.issueRequest(true));
});

// On its own page: the same, then an ordinary submit (keeping which button was pressed).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches(".uhb-update-form") || form.hasAttribute("hx-post")) return;
  if (form.dataset.uhbChecked === "true") return;
  event.preventDefault();
  const button = event.submitter;
  clearTimeout(pending.get(form));
  form.dataset.uhbDirty = "false";
  whenSignedIn(form, () => {
    if (button && button.name) {
      const choice = document.createElement("input");
      choice.type = "hidden";
      choice.name = button.name;
      choice.value = button.value;
      form.append(choice);
    }
    form.dataset.uhbChecked = "true";
    form.submit();
  });
});

// If a save in place still fails (the session ended between the check and the save), the
// form and everything typed stay, and the same message and retry apply.
document.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt.closest("form");
  if (!form) return;
  const status = event.detail.xhr.status;
  const resend = () => window.htmx.trigger(form, "submit");
  if (status === 401) {
    whenSignedIn(form, resend);
  } else if (status === 403 && form.dataset.uhbRetried !== "true") {
    form.dataset.uhbRetried = "true"; // once: a second refusal is a real one
    whenSignedIn(form, resend);
  } else {
    form.dataset.uhbRetried = "false";
    showProblem(form, status === 403 ? PROBLEMS.forbidden : PROBLEMS.server);
  }
});

document.addEventListener("htmx:sendError", (event) => {
  const form = event.detail.elt.closest("form");
  if (form) showProblem(form, PROBLEMS.network);
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement && form.matches(".uhb-update-form")) {
    form.dataset.uhbSaving = "true";
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  const saving = event.detail.elt;
  if (saving instanceof HTMLFormElement) delete saving.dataset.uhbSaving;
  if (!event.detail.successful) return;
  touch();
  const form = event.detail.elt.closest && event.detail.elt.closest("form");
  if (form) form.dataset.uhbRetried = "false";
});

// The timeout warning (NHS.UK/GOV.UK pattern): shortly before the idle timeout a dialog
// offers "Stay logged in"; typing counts as activity. After the timeout it says how to sign
// in again, and takes nothing off the page.
const dialog = document.getElementById("uhb-timeout");
if (dialog && SESSION_SECONDS > 0) {
  const countdown = dialog.querySelector(".uhb-timeout__countdown");
  const announce = dialog.querySelector(".uhb-timeout__announce");
  const warning = dialog.querySelector(".uhb-timeout__warning");
  const ended = dialog.querySelector(".uhb-timeout__ended");
  let lastAnnounced = null;

  const words = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const tick = () => {
    // Rounded up: the page never says "logged out" before the server has done it.
    const left = Math.ceil(SESSION_SECONDS - (Date.now() - lastHeard()) / 1000);
    if (left > WARNING_SECONDS) {
      if (dialog.open && !warning.hidden) dialog.close(); // activity in another tab
      return;
    }
    if (left <= 0) {
      warning.hidden = true;
      ended.hidden = false;
      if (!dialog.open && dialog.dataset.dismissed !== "true") dialog.showModal();
      return;
    }
    warning.hidden = false;
    ended.hidden = true;
    countdown.textContent = words(left);
    // Announce now and then, not every second.
    const spoken = left >= 60 ? words(left) : left > 20 ? "under a minute" : "20 seconds";
    if (spoken !== lastAnnounced) {
      lastAnnounced = spoken;
      announce.textContent = `We will log you out in ${spoken}.`;
    }
    if (!dialog.open) {
      dialog.showModal();
      dialog.querySelector("[data-uhb-stay]").focus();
    }
  };
  setInterval(tick, 1000);

  dialog.querySelector("[data-uhb-stay]").addEventListener("click", async () => {
    const state = await sessionState();
    if (state.signedIn) {
      dialog.close();
      lastAnnounced = null;
    } else tick();
  });
  dialog.querySelector("[data-uhb-dismiss]").addEventListener("click", () => {
    dialog.dataset.dismissed = "true";
    dialog.close();
  });
  // Escape keeps the person signed in, as the pattern asks (it is their "I'm here").
  dialog.addEventListener("cancel", (event) => {
    if (!warning.hidden) {
      event.preventDefault();
      dialog.querySelector("[data-uhb-stay]").click();
    }
  });
  // Typing counts as activity: keep the session alive at most once a minute while typing.
  let lastPing = Date.now();
  document.addEventListener("input", () => {
    if (Date.now() - lastPing > 60_000) {
      lastPing = Date.now();
      sessionState();
    }
  });
}
