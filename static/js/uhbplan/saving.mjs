// Saving an update: first make sure the session is alive and the security token current
// (signing in again in another tab changes it). Signed out, the form stays as it is, a
// message offers signing in again in a new tab, and coming back to this tab saves. In place
// (htmx) the request is held until then; on its own page the form is submitted then, keeping
// which button was pressed. A save in place that still fails keeps the form and what was typed.

import { setToken } from "./session.mjs";

export const PROBLEMS = {
  signedOut:
    "You have been logged out, so this has not been saved yet. Log in again in a new tab: when you come back to this tab, your update is saved. What you typed is still here.",
  forbidden: "This was not saved: you are not allowed to change this update.",
  server:
    "This was not saved: something went wrong on our side. What you typed is still here; try again in a minute.",
  network:
    "This was not saved: the connection was lost. What you typed is still here; try again when you are back online.",
};

export function showProblem(form, text, { signIn = false, signInUrl = "" } = {}) {
  const doc = form.ownerDocument;
  let box = form.querySelector(".uhb-save-problem");
  if (!box) {
    box = doc.createElement("div");
    box.className = "nhsuk-error-summary uhb-save-problem";
    box.setAttribute("tabindex", "-1");
    const alert = doc.createElement("div");
    alert.setAttribute("role", "alert");
    const heading = doc.createElement("h2");
    heading.className = "nhsuk-error-summary__heading";
    heading.textContent = "Your update is not saved yet";
    const body = doc.createElement("p");
    body.className = "nhsuk-error-summary__body uhb-save-problem__text";
    const link = doc.createElement("a");
    link.className = "uhb-sign-in-again";
    link.href = signInUrl;
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

export function install(win, session, drafts) {
  const doc = win.document;
  const signInUrl = doc.body.dataset.uhbSignInUrl || "";
  const problem = (form, text, signIn = false) => showProblem(form, text, { signIn, signInUrl });

  // Call `send` once the session is alive; if it is not, when the person is back from signing in.
  async function whenSignedIn(form, send) {
    await drafts.settled(form); // a draft on its way goes first
    const state = await session.state();
    if (state.signedIn) {
      setToken(form, state.csrf);
      clearProblem(form);
      send();
      return;
    }
    if (state.problem) {
      problem(form, PROBLEMS[state.problem]);
      return;
    }
    problem(form, PROBLEMS.signedOut, true);
    const retry = async (event) => {
      if (event.type === "visibilitychange" && doc.visibilityState !== "visible") return;
      const again = await session.state();
      if (!again.signedIn) return;
      win.removeEventListener("focus", retry);
      doc.removeEventListener("visibilitychange", retry);
      setToken(form, again.csrf);
      clearProblem(form);
      send();
    };
    win.addEventListener("focus", retry);
    doc.addEventListener("visibilitychange", retry);
  }

  // In place (htmx): hold the request until the session is known to be alive.
  doc.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof win.HTMLFormElement) || !form.matches(".uhb-update-form")) return;
    event.preventDefault();
    drafts.cancel(form);
    form.dataset.uhbDirty = "false"; // the save carries it all
    whenSignedIn(form, () => event.detail.issueRequest(true));
  });

  // On its own page: the same, then an ordinary submit (keeping which button was pressed).
  doc.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(".uhb-update-form") || form.hasAttribute("hx-post")) return;
    if (form.dataset.uhbChecked === "true") return;
    event.preventDefault();
    const button = event.submitter;
    drafts.cancel(form);
    form.dataset.uhbDirty = "false";
    whenSignedIn(form, () => {
      if (button && button.name) {
        const choice = doc.createElement("input");
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
  doc.addEventListener("htmx:responseError", (event) => {
    const form = event.detail.elt.closest("form");
    if (!form) return;
    const status = event.detail.xhr.status;
    const resend = () => win.htmx.trigger(form, "submit");
    if (status === 401) {
      whenSignedIn(form, resend);
    } else if (status === 403 && form.dataset.uhbRetried !== "true") {
      form.dataset.uhbRetried = "true"; // once: a second refusal is a real one
      whenSignedIn(form, resend);
    } else {
      form.dataset.uhbRetried = "false";
      problem(form, status === 403 ? PROBLEMS.forbidden : PROBLEMS.server);
    }
  });

  doc.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest("form");
    if (form) problem(form, PROBLEMS.network);
  });
  doc.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form instanceof win.HTMLFormElement && form.matches(".uhb-update-form")) {
      form.dataset.uhbSaving = "true";
    }
  });
  doc.addEventListener("htmx:afterRequest", (event) => {
    const saving = event.detail.elt;
    if (saving instanceof win.HTMLFormElement) delete saving.dataset.uhbSaving;
    if (!event.detail.successful) return;
    session.touch();
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) form.dataset.uhbRetried = "false";
  });

  return { whenSignedIn };
}
