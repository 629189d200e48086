// The main scenario through a typed client: types from generated/openapi.json (openapi-typescript),
// calls through openapi-fetch. `make ts-client-check` compiles it under `strict`, then runs it
// against a live server whose base URL is in POOLIA_BASE_URL. Any unexpected answer fails it.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./poolia.js";

type Schemas = components["schemas"];
type TokenOut = Schemas["TokenOut"];

const baseUrl = process.env.POOLIA_BASE_URL;
if (!baseUrl) {
  throw new Error("POOLIA_BASE_URL is not set");
}
const password = "ts-client-check-password";
const run = Date.now().toString(36);

class StepFailed extends Error {}

/** The parsed body of a step's answer when its status is the expected one; else fail the step. */
function expectStatus<T>(
  step: string,
  result: { data?: T; error?: unknown; response: Response },
  status: number,
): T {
  if (result.response.status !== status || result.data === undefined) {
    const body = JSON.stringify(result.error ?? result.data ?? null).slice(0, 500);
    throw new StepFailed(`${step}: expected ${status}, got ${result.response.status}: ${body}`);
  }
  console.log(`  ${step}: ${status}`);
  return result.data;
}

function require(condition: boolean, what: string): void {
  if (!condition) {
    throw new StepFailed(`expected ${what}`);
  }
}

function bearer(token: TokenOut): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token.access_token}`);
      return request;
    },
  };
}

function clientFor(token: TokenOut): Client<paths> {
  const client = createClient<paths>({ baseUrl });
  client.use(bearer(token));
  return client;
}

async function register(role: "owner" | "technician"): Promise<TokenOut> {
  const anonymous = createClient<paths>({ baseUrl });
  const email = `${role}-${run}@ts-client-check.example.com`;
  const body: Schemas["RegisterIn"] = { name: role, lastName: "Check", email, password, role };
  const token = expectStatus(
    `register ${role}`,
    await anonymous.POST("/auth/register", { body }),
    201,
  );
  require(token.user.role === role && token.user.email === email, `a registered ${role}`);
  return token;
}

async function main(): Promise<void> {
  const ownerToken = await register("owner");
  const technicianToken = await register("technician");
  const owner = clientFor(ownerToken);
  const technician = clientFor(technicianToken);

  const pool = expectStatus(
    "create pool with a time zone",
    await owner.POST("/pools", {
      body: {
        name: "TypeScript check pool",
        poolType: "chlorine",
        volumeLiters: 37854,
        timezone: "Europe/Madrid",
      },
    }),
    201,
  );
  require(pool.timezone === "Europe/Madrid", "the pool's time zone");
  const poolPath = { params: { path: { poolId: pool.id } } };

  const invite = expectStatus(
    "invite technician",
    await owner.POST("/pools/{poolId}/invites", {
      ...poolPath,
      body: { technicianEmail: technicianToken.user.email ?? "" },
    }),
    201,
  );
  require(invite.status === "pending", "a pending invite");
  const accepted = expectStatus(
    "accept invite",
    await technician.POST("/invites/{inviteId}/accept", {
      params: { path: { inviteId: invite.id } },
    }),
    200,
  );
  require(accepted.status === "accepted", "an accepted invite");

  // The contract's worked example: pH 7.5, 25 °C, CH 300, TA 100, no CYA, default TDS: LSI -0.01.
  const recorded = expectStatus(
    "record visit with readings",
    await technician.POST("/pools/{poolId}/visits", {
      ...poolPath,
      body: {
        observations: "Filter backwashed.",
        readings: { ph: 7.5, temperature: 25, calciumHardness: 300, alkalinity: 100, chlorine: 2 },
      },
    }),
    201,
  );
  require(recorded.visit.status === "completed", "a completed visit");
  require(recorded.poolValues?.ph === 7.5, "the recorded pH");
  require(recorded.waterBalance?.lsi === -0.01, "the visit's LSI of -0.01");

  const dashboard = expectStatus(
    "read dashboard",
    await owner.GET("/pools/{poolId}/dashboard", poolPath),
    200,
  );
  require(dashboard.lastVisit?.id === recorded.visit.id, "the visit as the last visit");
  require(dashboard.latestReadings?.ph === 7.5, "the visit's readings as the latest");
  const balance = dashboard.waterBalance;
  require(balance?.status === "balanced", "a balanced water balance on the dashboard");
  require(
    (balance?.assumptions ?? []).includes("tds"),
    "the default TDS listed among the assumptions",
  );

  const opened = expectStatus(
    "open thread",
    await owner.POST("/pools/{poolId}/threads", {
      ...poolPath,
      body: { subject: "Cloudy water", body: "Is it safe to swim today?" },
    }),
    201,
  );
  require(opened.thread.status === "open", "an open thread");
  console.log("ts client check: the scenario passed");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
