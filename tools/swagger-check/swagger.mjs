// Drives Swagger UI in headless chromium (playwright-core, Debian's browser): log in with
// Authorize, list pools with "Try it out", read the first pool's dashboard. Prints one line per
// step; any step that does not behave exits non-zero. Usage:
//   node swagger.mjs <baseUrl> <email> <password>   (CHROMIUM overrides /usr/bin/chromium)
import { chromium } from "playwright-core";

const [baseUrl, email, password] = process.argv.slice(2);
if (!baseUrl || !email || !password) {
  console.error("usage: node swagger.mjs <baseUrl> <email> <password>");
  process.exit(2);
}
const TIMEOUT = 20_000;

function step(name, detail = "") {
  console.log(`  ${name}${detail ? `: ${detail}` : ""}`);
}

async function execute(page, operationId, fill = {}) {
  const block = page.locator(`[id$="-${operationId}"]`).first();
  await block.locator(".opblock-summary").first().click();
  await block.locator("button.try-out__btn").click();
  const prefilled = {};
  for (const input of await block.locator(".parameters input[type=text], .parameters input:not([type])").all()) {
    const name = await input.getAttribute("placeholder");
    prefilled[name] = await input.inputValue();
  }
  for (const [name, value] of Object.entries(fill)) {
    await block.locator(`.parameters input[placeholder="${name}"]`).fill(value);
  }
  await block.locator("button.execute").click();
  const status = block.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: TIMEOUT });
  const code = (await status.innerText()).trim();
  const body = await block.locator(".live-responses-table .response-col_description pre").first().innerText();
  return { code, body, prefilled };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  await page.goto(`${baseUrl}/docs`);
  await page.locator(".swagger-ui .information-container").waitFor();
  const operations = await page.locator(".opblock").count();
  step("Swagger UI loaded from the app's own assets", `${operations} operations`);

  await page.locator(".auth-wrapper button.authorize").click();
  await page.locator("#oauth_username").fill(email);
  await page.locator("#oauth_password").fill(password);
  await page.locator(".auth-btn-wrapper button.authorize").click();
  await page.locator(".auth-btn-wrapper button", { hasText: "Logout" }).waitFor();
  await page.locator(".auth-btn-wrapper button.btn-done").click();
  step("Authorize with the demo login", email);

  const pools = await execute(page, "pools-list_pools");
  const fakeIds = Object.entries(pools.prefilled).filter(
    ([name, value]) => name.endsWith("Id") && value !== "",
  );
  if (fakeIds.length) {
    throw new Error(`GET /pools pre-fills ${JSON.stringify(Object.fromEntries(fakeIds))}`);
  }
  const idFilters = Object.keys(pools.prefilled).filter((name) => name.endsWith("Id"));
  step("GET /pools: no id filter pre-filled", idFilters.join(", "));
  if (pools.code !== "200") throw new Error(`GET /pools answered ${pools.code}: ${pools.body}`);
  const page1 = JSON.parse(pools.body);
  if (!page1.items?.length) throw new Error("GET /pools returned no pool for the demo owner");
  const pool = page1.items[0];
  step("GET /pools via Try it out", `200, ${page1.total} pool(s), first "${pool.name}"`);

  const dashboard = await execute(page, "dashboard-read_dashboard", { poolId: pool.id });
  if (dashboard.code !== "200") {
    throw new Error(`GET /pools/{poolId}/dashboard answered ${dashboard.code}: ${dashboard.body}`);
  }
  const view = JSON.parse(dashboard.body);
  if (view.pool?.id !== pool.id || !("latestReadings" in view)) {
    throw new Error("the dashboard does not describe the pool");
  }
  step(
    "GET /pools/{poolId}/dashboard via Try it out",
    `200, latest pH ${view.latestReadings?.ph ?? "none"}, ${view.activeAlerts?.length ?? 0} active alert(s)`,
  );
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
} catch (error) {
  failed = true;
  console.error(`swagger-check: failed: ${error instanceof Error ? error.message : error}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
