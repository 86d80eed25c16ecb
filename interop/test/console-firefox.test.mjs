// gwsmock's own pages, the console and the reference desktop, in headless
// Firefox ESR (Debian's, driven by puppeteer-core over WebDriver BiDi through
// the adapter of ../lib/firefox.mjs): the same steps as console.test.mjs
// (../lib/console-steps.mjs); the screenshots are
// artifacts/console-firefox.png and desktop-firefox.png.
import { launchFirefox } from "../lib/firefox.mjs";
import { consoleSteps } from "../lib/console-steps.mjs";

consoleSteps({ name: "headless Firefox", launch: launchFirefox, suffix: "-firefox" });
