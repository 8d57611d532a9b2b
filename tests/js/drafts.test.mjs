import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { install } from "../../static/js/uhbplan/drafts.mjs";
import { fakeFetch, page, settle } from "./dom.mjs";

const FORM = `
<form data-uhb-draft="/deliverables/1/quarters/2/draft/" class="uhb-update-form">
  <input type="hidden" name="csrfmiddlewaretoken" value="token-1">
  <textarea name="narrative"></textarea>
  <p class="uhb-draft-status" hidden></p>
  <button type="submit">Save</button>
</form>`;

function setUp(...answers) {
  const win = page(FORM);
  win.fetch = fakeFetch(...answers);
  const session = { touch: mock.fn(), state: mock.fn(async () => ({ signedIn: true, csrf: "token-2" })) };
  const drafts = install(win, session, { delayMs: 10 });
  const form = win.document.querySelector("form");
  const type = (text) => {
    form.elements.narrative.value = text;
    form.elements.narrative.dispatchEvent(new win.Event("input", { bubbles: true }));
  };
  return { win, session, drafts, form, type };
}

test("typing is kept as a draft a moment later, once, with the security token", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { win, form, type } = setUp({ json: { saved_at: "10:42" } });
  type("Rollout");
  type("Rollout on plan");
  assert.equal(win.fetch.calls.length, 0);
  t.mock.timers.tick(10);
  await settle();
  assert.equal(win.fetch.calls.length, 1);
  const { url, options } = win.fetch.calls[0];
  assert.equal(url, "/deliverables/1/quarters/2/draft/");
  assert.equal(options.headers["X-CSRFToken"], "token-1");
  assert.equal(options.body.get("narrative"), "Rollout on plan");
  const status = form.querySelector(".uhb-draft-status");
  assert.equal(status.hidden, false);
  assert.match(status.textContent, /Draft kept at 10:42/);
});

test("a new token (signed in again elsewhere): the draft is sent again with it", async () => {
  const { win, form, session, drafts } = setUp({ status: 403 }, { json: { saved_at: "10:43" } });
  form.dataset.uhbDirty = "true";
  await drafts.saveDraft(form);
  assert.equal(session.state.mock.callCount(), 1);
  assert.equal(win.fetch.calls.length, 2);
  assert.equal(win.fetch.calls[1].options.headers["X-CSRFToken"], "token-2");
  assert.equal(form.dataset.uhbDirty, "false");
});

test("a draft that could not be kept says so, and is tried again later", async () => {
  const { form, drafts } = setUp({ status: 500 });
  form.dataset.uhbDirty = "true";
  await drafts.saveDraft(form);
  assert.match(form.querySelector(".uhb-draft-status").textContent, /could not be kept/);
  assert.equal(form.dataset.uhbDirty, "true");
});

test("no draft while the update itself is being saved", async () => {
  const { win, form, drafts } = setUp({ json: { saved_at: "x" } });
  form.dataset.uhbDirty = "true";
  form.dataset.uhbSaving = "true";
  await drafts.saveDraft(form);
  assert.equal(win.fetch.calls.length, 0);
});

test("leaving a field for the form's own Save button sends no draft: the save carries it", async () => {
  const { win, form } = setUp({ json: { saved_at: "x" } });
  form.dataset.uhbDirty = "true";
  const button = form.querySelector("button");
  form.elements.narrative.dispatchEvent(new win.FocusEvent("focusout", { bubbles: true, relatedTarget: button }));
  await settle();
  assert.equal(win.fetch.calls.length, 0);
  form.elements.narrative.dispatchEvent(new win.FocusEvent("focusout", { bubbles: true }));
  await settle();
  assert.equal(win.fetch.calls.length, 1);
});

test("closing a form in place keeps what was typed (keepalive)", async () => {
  const { win, form } = setUp({ json: { saved_at: "x" } });
  form.dataset.uhbDirty = "true";
  form.parentElement.dispatchEvent(new win.CustomEvent("uhb:closing", { bubbles: true })); // its panel
  await settle();
  assert.equal(win.fetch.calls[0].options.keepalive, true);
});
