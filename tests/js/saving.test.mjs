import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { PROBLEMS, install } from "../../static/js/uhbplan/saving.mjs";
import { page, settle } from "./dom.mjs";

const FORM = `
<form class="uhb-update-form" method="post" action="/deliverables/1/quarters/2/update/">
  <input type="hidden" name="csrfmiddlewaretoken" value="old">
  <textarea name="narrative">Typed</textarea>
  <button type="submit" name="then" value="next">Save and go to the next</button>
</form>`;

function setUp(...states) {
  const win = page(FORM);
  const session = {
    touch: mock.fn(),
    state: mock.fn(async () => (states.length > 1 ? states.shift() : states[0])),
  };
  const drafts = { settled: async () => {}, cancel: mock.fn() };
  const saving = install(win, session, drafts);
  const form = win.document.querySelector("form");
  form.submit = mock.fn(); // jsdom does not navigate
  return { win, form, saving, session };
}

function submit(win, form) {
  const button = form.querySelector("button");
  form.dispatchEvent(new win.SubmitEvent("submit", { bubbles: true, cancelable: true, submitter: button }));
}

test("signed in: the form is sent with the current token and the button pressed", async () => {
  const { win, form } = setUp({ signedIn: true, csrf: "fresh" });
  submit(win, form);
  await settle();
  assert.equal(form.submit.mock.callCount(), 1);
  assert.equal(form.elements.csrfmiddlewaretoken.value, "fresh");
  const chosen = form.querySelector('input[type="hidden"][name="then"]');
  assert.equal(chosen.value, "next");
});

test("signed out: nothing is lost, a message offers signing in, and coming back saves", async () => {
  const { win, form } = setUp({ signedIn: false }, { signedIn: true, csrf: "after" });
  submit(win, form);
  await settle();
  assert.equal(form.submit.mock.callCount(), 0);
  const box = form.querySelector(".uhb-save-problem");
  assert.equal(box.querySelector(".uhb-save-problem__text").textContent, PROBLEMS.signedOut);
  const link = box.querySelector(".uhb-sign-in-again");
  assert.equal(link.hidden, false);
  assert.equal(link.getAttribute("href"), "/login/");
  assert.equal(link.target, "_blank");
  assert.equal(form.elements.narrative.value, "Typed");
  win.dispatchEvent(new win.Event("focus")); // back from the other tab
  await settle();
  assert.equal(form.submit.mock.callCount(), 1);
  assert.equal(form.querySelector(".uhb-save-problem"), null);
});

test("no connection: it says so, and the sign-in link is not offered", async () => {
  const { win, form } = setUp({ problem: "network" });
  submit(win, form);
  await settle();
  const box = form.querySelector(".uhb-save-problem");
  assert.equal(box.querySelector(".uhb-save-problem__text").textContent, PROBLEMS.network);
  assert.equal(box.querySelector(".uhb-sign-in-again").hidden, true);
});

test("a save in place refused twice is a real refusal", async () => {
  const { win, form } = setUp({ signedIn: true, csrf: "t" });
  win.htmx = { trigger: mock.fn() };
  const refuse = () =>
    form.dispatchEvent(new win.CustomEvent("htmx:responseError", { bubbles: true, detail: { elt: form, xhr: { status: 403 } } }));
  refuse();
  await settle();
  assert.equal(win.htmx.trigger.mock.callCount(), 1); // tried again with a fresh token
  refuse();
  await settle();
  assert.equal(form.querySelector(".uhb-save-problem__text").textContent, PROBLEMS.forbidden);
});
