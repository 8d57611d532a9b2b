// A page for the script's modules to run in: jsdom, with what the site's base template sets.
import { JSDOM } from "jsdom";

export function page(body = "", { dataset = {} } = {}) {
  const dom = new JSDOM(`<!DOCTYPE html><html><body>${body}</body></html>`, {
    url: "https://uhbplan.test/my-updates/",
  });
  const win = dom.window;
  Object.assign(win.document.body.dataset, { uhbSessionUrl: "/session/", uhbSignInUrl: "/login/", ...dataset });
  return win;
}

// A fetch that answers from a list of responses (or errors), recording each request.
export function fakeFetch(...answers) {
  const calls = [];
  const fetch = async (url, options = {}) => {
    calls.push({ url, options });
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) throw answer;
    const { status = 200, json = {} } = answer;
    return { status, ok: status >= 200 && status < 300, json: async () => json };
  };
  fetch.calls = calls;
  return fetch;
}

export const settle = () => new Promise((resolve) => setImmediate(resolve));
