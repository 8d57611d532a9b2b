import assert from "node:assert/strict";
import { test } from "node:test";

import { install, syncReveals } from "../../static/js/uhbplan/reveals.mjs";
import { page } from "./dom.mjs";

const FORM = `
<form>
  <input type="radio" name="status" value="green" id="green">
  <input type="radio" name="status" value="red" id="red" data-uhb-reveals="red-conditional">
  <div id="red-conditional" class="nhsuk-radios__conditional">Reason</div>
</form>`;
const HIDDEN = "nhsuk-radios__conditional--hidden";

test("the fields under a status show only while it is chosen", () => {
  const win = page(FORM);
  const doc = win.document;
  syncReveals(doc);
  assert.ok(doc.getElementById("red-conditional").classList.contains(HIDDEN));
  doc.getElementById("red").checked = true;
  syncReveals(doc.querySelector("form"));
  assert.ok(!doc.getElementById("red-conditional").classList.contains(HIDDEN));
});

test("choosing a status reveals its fields, and choosing another hides them", () => {
  const win = page(FORM);
  const doc = win.document;
  install(win);
  const choose = (id) => {
    doc.getElementById(id).checked = true;
    doc.getElementById(id).dispatchEvent(new win.Event("change", { bubbles: true }));
  };
  choose("red");
  assert.ok(!doc.getElementById("red-conditional").classList.contains(HIDDEN));
  choose("green");
  assert.ok(doc.getElementById("red-conditional").classList.contains(HIDDEN));
});
