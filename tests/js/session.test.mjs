import assert from "node:assert/strict";
import { test } from "node:test";

import { ACTIVITY_KEY, createSession, setToken } from "../../static/js/uhbplan/session.mjs";
import { fakeFetch, page } from "./dom.mjs";

test("the last time the server heard from this browser is shared by its tabs", () => {
  const win = page();
  const session = createSession(win);
  const mine = session.lastHeard();
  win.localStorage.setItem(ACTIVITY_KEY, String(mine + 60_000)); // another tab, a minute later
  assert.equal(session.lastHeard(), mine + 60_000);
  win.localStorage.setItem(ACTIVITY_KEY, "0");
  assert.equal(session.lastHeard(), mine);
});

test("storage switched off: the tab's own clock still works", () => {
  const win = page();
  Object.defineProperty(win, "localStorage", {
    get() {
      throw new Error("denied");
    },
  });
  const session = createSession(win);
  assert.ok(session.lastHeard() > 0);
});

test("signed in: the current security token, and the activity clock moves", async () => {
  const win = page();
  win.fetch = fakeFetch({ json: { csrf: "new-token" } });
  const session = createSession(win);
  win.localStorage.setItem(ACTIVITY_KEY, "1");
  assert.deepEqual(await session.state(), { signedIn: true, csrf: "new-token" });
  assert.ok(Number(win.localStorage.getItem(ACTIVITY_KEY)) > 1);
  assert.equal(win.fetch.calls[0].url, "/session/");
});

test("signed out is an answer, not a problem", async () => {
  const win = page();
  win.fetch = fakeFetch({ status: 401 });
  assert.deepEqual(await createSession(win).state(), { signedIn: false });
  assert.equal(win.fetch.calls.length, 1);
});

test("a failure is tried once more, then named", async () => {
  const win = page();
  win.fetch = fakeFetch({ status: 500 }, { json: { csrf: "t" } });
  const session = createSession(win, { retryDelayMs: 0 });
  assert.deepEqual(await session.state(), { signedIn: true, csrf: "t" });
  win.fetch = fakeFetch({ status: 502 });
  assert.deepEqual(await session.state(), { problem: "server" });
  assert.equal(win.fetch.calls.length, 2);
  win.fetch = fakeFetch(new TypeError("Failed to fetch"));
  assert.deepEqual(await session.state(), { problem: "network" });
});

test("a form takes the new token", () => {
  const win = page(`<form><input type="hidden" name="csrfmiddlewaretoken" value="old"></form>`);
  const form = win.document.querySelector("form");
  setToken(form, "new");
  assert.equal(form.elements.csrfmiddlewaretoken.value, "new");
});
