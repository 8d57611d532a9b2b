import assert from "node:assert/strict";
import { test } from "node:test";

import { install } from "../../static/js/uhbplan/panels.mjs";
import { page } from "./dom.mjs";

const QUEUE = `
<table>
  <tr id="deliverable-1" class="uhb-queue-row"><td><a class="uhb-open-update" href="/d/1">6.1</a></td></tr>
  <tr id="panel-1" class="uhb-panel-row"><td><h2 class="uhb-panel__heading" tabindex="-1">6.1</h2>
    <form data-uhb-draft="/draft/1"></form><a class="uhb-close-panel" href="/my-updates/">Close</a></td></tr>
  <tr id="deliverable-2" class="uhb-queue-row"><td><a class="uhb-open-update" href="/d/2">6.2</a></td></tr>
</table>`;

function beforeRequest(win, elt) {
  const event = new win.CustomEvent("htmx:beforeRequest", { bubbles: true, cancelable: true, detail: { elt } });
  elt.dispatchEvent(event);
  return event;
}

test("opening another update closes the open one, which says so (its draft is kept)", () => {
  const win = page(QUEUE);
  const doc = win.document;
  install(win);
  const closing = [];
  doc.addEventListener("uhb:closing", (event) => closing.push(event.target.id));
  const event = beforeRequest(win, doc.querySelector("#deliverable-2 a"));
  assert.equal(event.defaultPrevented, false); // the new one opens
  assert.deepEqual(closing, ["panel-1"]);
  assert.equal(doc.getElementById("panel-1"), null);
});

test("opening the open one again goes to it instead", () => {
  const win = page(QUEUE);
  const doc = win.document;
  install(win);
  const event = beforeRequest(win, doc.querySelector("#deliverable-1 a"));
  assert.equal(event.defaultPrevented, true);
  assert.equal(doc.activeElement, doc.querySelector(".uhb-panel__heading"));
});

test("closing a panel returns focus to its row's link", () => {
  const win = page(QUEUE);
  const doc = win.document;
  install(win);
  doc.querySelector(".uhb-close-panel").dispatchEvent(new win.MouseEvent("click", { bubbles: true, cancelable: true }));
  assert.equal(doc.getElementById("panel-1"), null);
  assert.equal(doc.activeElement, doc.querySelector("#deliverable-1 a"));
});

test("a refused save swapped in: its error summary takes focus, and components start", () => {
  const win = page(QUEUE);
  const doc = win.document;
  const started = [];
  install(win, { initAll: (scope) => started.push(scope.id), syncReveals: () => {} });
  doc.querySelector("#panel-1 td").insertAdjacentHTML(
    "afterbegin",
    `<div class="nhsuk-error-summary"><h2>There is a problem</h2></div>`,
  );
  doc.dispatchEvent(new win.CustomEvent("htmx:afterSettle", { bubbles: true }));
  assert.deepEqual(started, ["panel-1"]);
  assert.equal(doc.activeElement, doc.querySelector(".nhsuk-error-summary"));
});

test("after save and close, focus goes back to the saved row", () => {
  const win = page(QUEUE.replace(/<tr id="panel-1"[\s\S]*?<\/tr>/, ""));
  const doc = win.document;
  install(win);
  doc.querySelector("#deliverable-1 td").insertAdjacentHTML("beforeend", `<strong class="uhb-saved">Saved</strong>`);
  doc.dispatchEvent(new win.CustomEvent("htmx:afterSettle", { bubbles: true }));
  assert.equal(doc.activeElement, doc.querySelector("#deliverable-1 a"));
});
