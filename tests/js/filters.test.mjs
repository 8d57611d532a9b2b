import assert from "node:assert/strict";
import { test } from "node:test";

import { install } from "../../static/js/uhbplan/filters.mjs";
import { page } from "./dom.mjs";

const LIST = `<details class="nhsuk-details uhb-filters" open><summary>Filter the list</summary></details>`;

for (const [screen, small, open] of [
  ["a phone", true, false],
  ["a desktop", false, true],
]) {
  test(`on ${screen} the list's filters are ${open ? "left open" : "folded away"}`, () => {
    const win = page(LIST);
    win.matchMedia = (query) => ({ matches: small && query === "(max-width: 40em)" });
    install(win);
    assert.equal(win.document.querySelector("details").open, open);
  });
}
