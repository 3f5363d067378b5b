// The page of a file being prepared in the background (preparedfiles/status.html), kept up to
// date where JavaScript runs: every few seconds, while the job works, the page is fetched again
// and its status region put in place of this one's. Without JavaScript the page stays as it was
// served, with its "Check again" button. The region is aria-live (polite): only its parts that
// changed are replaced, so that a screen reader hears the new progress, not the whole region
// again each time. Once the file is ready or has failed the region is replaced a last time and
// the page stops asking; it never downloads or leaves the page by itself.
import { Button } from "../govuk/govuk-frontend.min.js";

const REGION = "[data-prepared-file-status]";
// A page left open is not asked for without end: after this, "Check again" is still there.
const GIVE_UP_AFTER_MS = 10 * 60 * 1000;

const region = document.querySelector(REGION);
const everySeconds = Number(region?.dataset.checkEvery);

// GOV.UK Frontend marks each element it has set up (data-govuk-button-init): left out when
// comparing the page's elements with the fetched ones, which never have it.
function asServed(element) {
  const copy = element.cloneNode(true);
  for (const each of [copy, ...copy.querySelectorAll("*")]) {
    for (const name of each.getAttributeNames()) {
      if (/^data-.+-init$/.test(name)) each.removeAttribute(name);
    }
  }
  return copy;
}

// The GOV.UK buttons among elements new to the page (a link as a button answers the space bar).
function setUpButtons(elements) {
  for (const element of elements) {
    const buttons = [...element.querySelectorAll('[data-module="govuk-button"]')];
    if (element.matches('[data-module="govuk-button"]')) buttons.push(element);
    for (const button of buttons) {
      try {
        new Button(button);
      } catch {
        // GOV.UK Frontend not supported in this browser: the link still works as a link.
      }
    }
  }
}

function replace(current, fetched) {
  const now = [...current.children];
  const next = [...fetched.children];
  let added;
  if (now.length !== next.length) {
    current.replaceChildren(...next);
    added = next;
  } else {
    added = [];
    next.forEach((element, n) => {
      if (!asServed(now[n]).isEqualNode(element)) {
        now[n].replaceWith(element);
        added.push(element);
      }
    });
  }
  if (fetched.hasAttribute("data-check-every")) {
    current.dataset.checkEvery = fetched.dataset.checkEvery;
  } else {
    delete current.dataset.checkEvery;
  }
  setUpButtons(added);
}

async function checkAgain() {
  let response;
  try {
    response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
      cache: "no-store",
    });
  } catch {
    return true; // the network, for now: asked again next time
  }
  // Gone (past its week), no longer theirs, or signed out (the sign-in page): stop, and leave
  // the page as it is, where "Check again" shows what the server now says.
  if (!response.ok) return false;
  const fetched = new DOMParser().parseFromString(await response.text(), "text/html");
  const next = fetched.querySelector(REGION);
  if (!next) return false;
  replace(region, next);
  document.title = fetched.title;
  return region.hasAttribute("data-check-every");
}

const until = Date.now() + GIVE_UP_AFTER_MS;

function wait() {
  window.setTimeout(tick, everySeconds * 1000);
}

async function tick() {
  if ((await checkAgain()) && Date.now() < until) wait();
}

if (region && everySeconds > 0) wait();
