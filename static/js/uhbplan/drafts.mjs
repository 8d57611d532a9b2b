// Drafts: what is typed into an update is kept on the server (debounced, and on leaving a
// field, closing a form in place or leaving the page), so it is there after a closed tab, a
// crash or on another device. One request at a time per form: a draft and a save never race
// each other (the save waits for a draft on its way; no draft starts while a save is sent).

import { setToken } from "./session.mjs";

export const DRAFT_DELAY_MS = 1500;
const FORMS = "form[data-uhb-draft]";

function draftStatus(form, text) {
  const status = form.querySelector(".uhb-draft-status");
  if (!status) return;
  status.hidden = false;
  status.textContent = text;
}

export function install(win, session, { delayMs = DRAFT_DELAY_MS } = {}) {
  const doc = win.document;
  const pending = new WeakMap();
  const inflight = new WeakMap();

  function cancel(form) {
    clearTimeout(pending.get(form));
    pending.delete(form);
  }

  function saveDraft(form, options = {}) {
    if (form.dataset.uhbSaving === "true") return Promise.resolve();
    const previous = inflight.get(form) || Promise.resolve();
    const next = previous.then(() => sendDraft(form, options));
    inflight.set(form, next);
    return next;
  }

  async function sendDraft(form, { keepalive = false, attempt = 1 } = {}) {
    cancel(form);
    if (!form.isConnected && !keepalive) return;
    if (form.dataset.uhbDirty !== "true" || form.dataset.uhbSaving === "true") return;
    form.dataset.uhbDirty = "false";
    const data = new win.FormData(form);
    const token = data.get("csrfmiddlewaretoken");
    try {
      const response = await win.fetch(form.dataset.uhbDraft, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive,
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
      if (response.ok) {
        const { saved_at: savedAt } = await response.json();
        session.touch();
        draftStatus(form, `Draft kept at ${savedAt}. It is not the update until you save it.`);
      } else if (response.status === 403 && attempt === 1 && !keepalive) {
        // Logged in again in another tab: a new token. Take it, and keep the draft with it.
        const state = await session.state();
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
    pending.set(
      form,
      setTimeout(() => saveDraft(form), delayMs),
    );
  }

  const formOf = (event) => event.target instanceof win.Element && event.target.closest(FORMS);

  doc.addEventListener("input", (event) => {
    const form = formOf(event);
    if (form) draftSoon(form);
  });
  doc.addEventListener("change", (event) => {
    const form = formOf(event);
    if (form) {
      form.dataset.uhbDirty = "true";
      saveDraft(form);
    }
  });
  doc.addEventListener("focusout", (event) => {
    const form = formOf(event);
    if (!form || form.dataset.uhbDirty !== "true") return;
    // Going to the form's own Save button: the save carries everything, no draft is needed.
    const next = event.relatedTarget;
    if (next instanceof win.HTMLButtonElement && next.type === "submit" && form.contains(next)) return;
    saveDraft(form);
  });
  // Closing a form in place, or leaving the page: keep what was typed since the last draft.
  doc.addEventListener("uhb:closing", (event) => {
    event.target.querySelectorAll(FORMS).forEach((form) => saveDraft(form, { keepalive: true }));
  });
  win.addEventListener("pagehide", () => {
    doc.querySelectorAll(FORMS).forEach((form) => saveDraft(form, { keepalive: true }));
  });

  return {
    saveDraft,
    cancel,
    // A draft on its way, if any: a save waits for it.
    settled: (form) => inflight.get(form) || Promise.resolve(),
  };
}
