import assert from "node:assert/strict";
import { mock, test } from "node:test";

import { install, spoken, words } from "../../static/js/uhbplan/timeout.mjs";
import { page, settle } from "./dom.mjs";

const DIALOG = `
<dialog id="uhb-timeout">
  <div class="uhb-timeout__warning"><p>We will log you out in <span class="uhb-timeout__countdown"></span>.</p>
    <p class="uhb-timeout__announce" aria-live="polite"></p>
    <button data-uhb-stay>Stay logged in</button></div>
  <div class="uhb-timeout__ended" hidden><button data-uhb-dismiss>Close</button></div>
</dialog>`;

test("the countdown in words", () => {
  assert.equal(words(120), "2 minutes");
  assert.equal(words(61), "2 minutes"); // rounded up: never sooner than the server
  assert.equal(words(60), "1 minute");
  assert.equal(words(1), "1 second");
  assert.equal(spoken(45), "under a minute");
  assert.equal(spoken(10), "20 seconds");
});

function setUp(heardSecondsAgo, state = { signedIn: true, csrf: "t" }) {
  const win = page(DIALOG);
  const dialog = win.document.getElementById("uhb-timeout");
  // jsdom has no modal dialogs: open and close as a browser would.
  dialog.showModal = mock.fn(() => dialog.setAttribute("open", ""));
  dialog.close = mock.fn(() => dialog.removeAttribute("open"));
  const session = { lastHeard: () => Date.now() - heardSecondsAgo * 1000, state: mock.fn(async () => state) };
  const timer = install(win, session, { sessionSeconds: 3600, warningSeconds: 120, tickMs: 60_000 });
  return { win, dialog, session, timer };
}

test("no warning while there is time", (t) => {
  const { dialog, timer } = setUp(60);
  t.after(timer.stop);
  timer.tick();
  assert.equal(dialog.open, false);
});

test("shortly before the timeout: the warning, its countdown, and focus on Stay logged in", (t) => {
  const { win, dialog, timer } = setUp(3600 - 90);
  t.after(timer.stop);
  timer.tick();
  assert.equal(dialog.open, true);
  assert.equal(dialog.querySelector(".uhb-timeout__countdown").textContent, "2 minutes");
  assert.equal(dialog.querySelector(".uhb-timeout__announce").textContent, "We will log you out in 2 minutes.");
  assert.equal(win.document.activeElement, dialog.querySelector("[data-uhb-stay]"));
});

test("Stay logged in asks the server, and the warning closes", async (t) => {
  const { dialog, session, timer } = setUp(3600 - 30);
  t.after(timer.stop);
  timer.tick();
  dialog.querySelector("[data-uhb-stay]").click();
  await settle();
  assert.equal(session.state.mock.callCount(), 1);
  assert.equal(dialog.open, false);
});

test("after the timeout it says how to sign in again", (t) => {
  const { dialog, timer } = setUp(3700);
  t.after(timer.stop);
  timer.tick();
  assert.equal(dialog.open, true);
  assert.equal(dialog.querySelector(".uhb-timeout__warning").hidden, true);
  assert.equal(dialog.querySelector(".uhb-timeout__ended").hidden, false);
});
