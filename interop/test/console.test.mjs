// gwsmock's own pages, the console and the reference desktop, in headless
// Chromium (Debian's, driven by playwright-core): the steps are those of
// ../lib/console-steps.mjs, which console-firefox.test.mjs runs in Firefox.
import { launchChromium } from "../lib/browser.mjs";
import { consoleSteps } from "../lib/console-steps.mjs";

consoleSteps({ name: "headless Chromium", launch: launchChromium });
