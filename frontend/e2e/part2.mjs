// The web app's part-2 scenario (issue 12) against a running platform at BASE_URL whose alert
// evaluator runs every few seconds (tests/support/evaluating_runtime.py): create a rule from a
// chart and backtest it, ingest signals that break it, see the alert in history and the
// incident it opens, move the incident through its lifecycle with notes, upload an attachment,
// generate and download the RCA PDF, acknowledge the alert; notifications, Jira and
// administration pages; an ADMIN creates a VIEWER who then sees no edit actions.
import { BASE_URL, api, eventually, expect, launch, scenario, screenshot, step } from "./browser.mjs";

const ADMIN = { username: process.env.ADMIN_USER ?? "admin", password: process.env.ADMIN_PASSWORD ?? "admin123" };
const suffix = Date.now().toString(36).slice(-5).toUpperCase();
const LOADER = `E2E_ERRORS_${suffix}`;
const CHART = `E2E error rate ${suffix}`;
const RULE = `${CHART} alert`;
const VIEWER = { username: `e2e_viewer2_${suffix.toLowerCase()}`, password: "viewer-pass-123" };
const NOW = Math.floor(Date.now() / 1000);

const point = (t, v) => ({ loaderCode: LOADER, segmentCode: "EU", loadTimeStamp: t, recCount: 100, avgVal: v, maxVal: v + 1, minVal: v - 1, sumVal: v * 100 });
const token = async (page) => (await page.evaluate(() => JSON.parse(localStorage.getItem("vigil.session")).state.session)).accessToken;
const path = (page) => new URL(page.url()).pathname;

/** A screenshot without the toasts of earlier steps covering the page (a click outside an open
 * dialog would close it, so toasts stay while one is open). */
async function shot(page, name) {
  if ((await page.getByRole("dialog").count()) === 0) {
    for (const button of await page.getByRole("button", { name: "Dismiss" }).all()) await button.click().catch(() => {});
  }
  return screenshot(page, name);
}

const { page, problems, close } = await launch();
let chartId, ruleId, alertId, incidentId;

await scenario({ problems, close }, async () => {
  await step(page, "sign in as an administrator", async () => {
    await page.goto(`${BASE_URL}/login`);
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboards/);
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const entry of ["Alert rules", "Alert history", "Incidents", "Notifications", "Jira integration", "Users and roles", "Audit log"]) {
      await nav.getByRole("link", { name: entry, exact: true }).waitFor();
    }
  });

  await step(page, "a loader's history with one past spike, and a chart over it", async () => {
    const t = await token(page);
    // Six hours of one point a minute around 10, with a spike to 50 three hours ago (20 minutes long).
    const signals = [];
    for (let ts = NOW - 6 * 3600; ts <= NOW - 300; ts += 60) {
      const spike = ts >= NOW - 3 * 3600 && ts < NOW - 3 * 3600 + 1200;
      signals.push(point(ts, spike ? 50 + (ts % 7) : 10 + (ts % 5) / 2));
    }
    await api("/api/v1/res/signals/bulk", { method: "POST", token: t, body: { signals } });
    const chart = await api("/api/v1/charts", { method: "POST", token: t, body: {
      chartName: CHART, chartType: "line",
      dataSource: { service: "signals", endpoint: "/api/v1/signals/query", params: { loaderCode: LOADER, aggregation: "raw" } },
      visualization: { xAxis: "timestamp", yAxis: ["avgVal"], units: "errors/min" },
    } });
    chartId = chart.id;
  });

  await step(page, "“Alert on this chart” opens the rule editor filled from the chart", async () => {
    await page.goto(`${BASE_URL}/charts/${chartId}`);
    await page.getByRole("link", { name: "Alert on this chart" }).click();
    await page.waitForURL(/\/alerts\/rules\/new\?chartId=/);
    await page.getByRole("heading", { name: "New alert rule" }).waitFor();
    // The form fills in once the chart (and the chart list) arrive.
    await eventually(async () => await page.getByLabel("Rule name").inputValue() === RULE, { message: "the rule is named after the chart" });
    await eventually(async () => await page.getByLabel("Loader", { exact: true }).inputValue() === LOADER, { message: "the loader comes from the chart" });
    await eventually(async () => await page.locator("#rule-chart").inputValue() === chartId, { message: "the chart is selected" });
  });

  await step(page, "the editor says what is wrong before anything is sent", async () => {
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.getByText("Enter a number for the threshold").waitFor();
    await page.getByRole("button", { name: "Add window" }).click();
    await page.getByLabel("Window 1 weight").fill("0.4");
    await page.getByLabel("Window 1 threshold").fill("5");
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.getByText(/The weights must add up to 1/).waitFor();
    await page.getByText(/give a score threshold/).waitFor();
    await shot(page, "part2-rule-editor-validation");
    await page.getByRole("button", { name: "Remove window 1" }).click();
  });

  await step(page, "condition, severity, interval and a label; the backtest shows the past spike", async () => {
    await page.getByLabel("Condition 1 threshold").fill("30");
    await page.getByLabel("Condition 1 duration").fill("1m");
    await page.getByLabel("Severity").selectOption("CRITICAL");
    await page.getByLabel("Suppression window").fill("0s");
    await page.getByLabel("Evaluate every").fill("10s");
    await page.getByRole("button", { name: "Add label" }).click();
    await page.getByLabel("Label 1 name").fill("team");
    await page.getByLabel("Label 1 value").fill("payments");
    await page.getByTestId("backtest-panel").getByRole("button", { name: "6h", exact: true }).click();
    await page.getByRole("button", { name: "Run backtest" }).click();
    await page.getByTestId("backtest-summary").getByText("Would have fired 1 time").waitFor();
    const chart = page.getByTestId("backtest-chart");
    expect(await chart.getAttribute("data-firings") === "1", "one firing window is drawn");
    expect((await page.getByTestId("firings").locator("tbody tr").count()) === 1, "the firing is listed");
    await page.getByTestId("backtest-panel").scrollIntoViewIfNeeded();
    await shot(page, "part2-rule-backtest");
  });

  await step(page, "create the rule; the table shows it ACTIVE", async () => {
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.waitForURL(/\/alerts\/rules\/[0-9a-f-]{36}$/);
    ruleId = path(page).split("/").pop();
    await page.getByRole("button", { name: "Save rule" }).waitFor();
    await page.goto(`${BASE_URL}/alerts/rules`);
    const row = page.getByTestId(`rule-row-${RULE}`);
    await row.getByText("ACTIVE").waitFor();
    await row.getByText("CRITICAL").waitFor();
    await shot(page, "part2-rules");
  });

  await step(page, "signals that break the rule fire an alert, seen in the history", async () => {
    const t = await token(page);
    const now = Math.floor(Date.now() / 1000);
    await api("/api/v1/res/signals/bulk", { method: "POST", token: t, body: { signals: [120, 90, 60, 30, 0].map((ago) => point(now - ago, 80 + ago / 30)) } });
    await page.goto(`${BASE_URL}/alerts/history?ruleId=${ruleId}`);
    const row = page.getByTestId(`alert-row-${RULE}`);
    await eventually(async () => {
      await page.reload();
      await page.getByRole("heading", { name: "Alert history" }).waitFor();
      return (await row.count()) > 0;
    }, { timeout: 60_000, interval: 2000, message: "no alert appeared in the history" });
    await row.getByText("FIRING").waitFor();
    await row.click();
    const detail = page.getByTestId("alert-detail");
    await detail.waitFor();
    const payload = JSON.parse(await page.getByTestId("alert-payload").textContent());
    expect(payload.ruleId === ruleId && payload.loaderCode === LOADER && payload.labels.team === "payments", "the drawer shows the full event");
    alertId = payload.alertId;
    await shot(page, "part2-alert-drawer");
    await page.keyboard.press("Escape");
    await page.goto(`${BASE_URL}/alerts/rules?`);
    await page.getByTestId(`rule-row-${RULE}`).getByText("FIRING").waitFor();
  });

  await step(page, "the CRITICAL alert opened an incident at once", async () => {
    await page.goto(`${BASE_URL}/incidents?loaderCode=${LOADER}`);
    await eventually(async () => {
      await page.reload();
      await page.getByRole("heading", { name: "Incidents" }).waitFor();
      return (await page.locator("[data-testid^='incident-row-']").count()) > 0;
    }, { timeout: 30_000, interval: 1500, message: "no incident opened" });
    const row = page.locator("[data-testid^='incident-row-']").first();
    await row.getByText("NEW").waitFor();
    await shot(page, "part2-incidents");
    await row.getByRole("link").first().click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    incidentId = path(page).split("/").pop();
    await page.getByTestId("related-alert").first().waitFor();
    await page.getByTestId("related-chart").getByTestId("signal-chart").waitFor();
  });

  await step(page, "full-text search, filters and CSV export", async () => {
    const t = await token(page);
    const incident = await api(`/api/v1/incidents/${incidentId}`, { token: t });
    await page.goto(`${BASE_URL}/incidents`);
    await page.getByLabel("Search incidents").fill(`zz-nothing-${suffix}`);
    await page.getByText("No incident matches these filters").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("group", { name: "Severity filter" }).getByRole("button", { name: "CRITICAL" }).click();
    await page.getByTestId(`incident-row-${incident.number}`).waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    const csv = await (await import("node:fs/promises")).readFile(await file.path(), "utf8");
    expect(csv.includes(incident.title), "the CSV lists the incident");
  });

  await step(page, "lifecycle: investigate, note, resolve (note required), close (reason required)", async () => {
    await page.goto(`${BASE_URL}/incidents/${incidentId}`);
    await page.getByRole("button", { name: "Start investigating" }).click();
    await page.getByRole("dialog").getByLabel(/Note for the timeline/).fill("Looking at the error spike");
    await page.getByRole("dialog").getByRole("button", { name: "Start investigating" }).click();
    await page.getByTestId("incident-meta").getByText("INVESTIGATING").waitFor();
    await page.getByLabel("New note").fill(`Root cause: a bad deploy ${suffix}`);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.locator("[data-testid='timeline-entry'][data-kind='note']").filter({ hasText: `bad deploy ${suffix}` }).waitFor();
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Resolve" }).click();
    await page.getByText("A resolution note is required to resolve an incident").waitFor();
    await shot(page, "part2-resolve-needs-note");
    await page.getByRole("dialog").getByLabel(/Resolution note/).fill("Rolled back the deploy; errors back to normal");
    await page.getByRole("dialog").getByRole("button", { name: "Resolve" }).click();
    await page.getByTestId("incident-meta").getByText("RESOLVED").waitFor();
  });

  await step(page, "attachments: wrong type refused before upload, a log file uploaded and downloaded", async () => {
    const input = page.getByTestId("attachment-input");
    await input.setInputFiles({ name: "tool.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ") });
    await page.getByText("Files of type .exe are not accepted").waitFor();
    const content = `2026-11-27 error rate high ${suffix}\n`;
    await input.setInputFiles({ name: "app.log", mimeType: "text/plain", buffer: Buffer.from(content) });
    const row = page.getByTestId("attachment-row").filter({ hasText: "app.log" });
    await row.waitFor();
    const downloading = page.waitForEvent("download");
    await row.getByRole("button", { name: "Download app.log" }).click();
    const download = await downloading;
    const body = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
    expect(body === content, "the downloaded file is the uploaded one");
  });

  await step(page, "generate the RCA PDF and download it", async () => {
    await page.getByRole("button", { name: "Generate RCA" }).click();
    const link = page.getByTestId("rca-link");
    await link.waitFor({ timeout: 60_000 });
    const pdf = Buffer.from(await (await fetch(await link.getAttribute("href"))).arrayBuffer());
    expect(pdf.subarray(0, 5).toString() === "%PDF-", "the link serves a PDF");
    await page.getByTestId("report-row").first().waitFor();
    await shot(page, "part2-incident-resolved");
  });

  await step(page, "close the incident with its reason", async () => {
    await page.getByRole("button", { name: "Close incident" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Close incident" }).click();
    await page.getByText("A reason is required to close an incident").waitFor();
    await page.getByRole("dialog").getByLabel("Closure reason").fill("Fixed and verified");
    await page.getByRole("dialog").getByRole("button", { name: "Close incident" }).click();
    await page.getByTestId("incident-meta").getByText("CLOSED").waitFor();
    await page.getByRole("button", { name: "Reopen" }).waitFor({ state: "detached" });
    await shot(page, "part2-incident-closed");
  });

  await step(page, "acknowledge the alert from its drawer", async () => {
    await page.goto(`${BASE_URL}/alerts/history?alert=${alertId}`);
    await page.getByTestId("alert-detail").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: `Acknowledge ${RULE}` }).click();
    await page.getByText("Alert acknowledged: escalation stopped").waitFor();
    const alert = await api(`/api/v1/alerts/${alertId}`, { token: await token(page) });
    expect(alert.acknowledgedBy === ADMIN.username && alert.acknowledgedAt, "the API records who acknowledged");
    await page.keyboard.press("Escape");
    await page.getByTestId(`alert-row-${RULE}`).getByText(ADMIN.username).waitFor();
    await shot(page, "part2-alert-history");
  });

  await step(page, "silences: a maintenance window checked and scheduled", async () => {
    await page.goto(`${BASE_URL}/alerts/rules?tab=silences`);
    await page.getByRole("button", { name: "New silence" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Schedule silence" }).click();
    await page.getByText("Choose a rule, a loader or labels to match").waitFor();
    await page.getByRole("dialog").getByLabel("Rule").selectOption({ label: RULE });
    await page.getByRole("dialog").getByLabel("Reason").fill(`Planned database maintenance ${suffix}`);
    await page.getByRole("dialog").getByRole("button", { name: "Schedule silence" }).click();
    await page.getByRole("cell", { name: `Planned database maintenance ${suffix}` }).waitFor();
    await shot(page, "part2-silences");
  });

  await step(page, "notifications: a contact group and an escalation policy with two levels", async () => {
    await page.goto(`${BASE_URL}/notifications?tab=groups`);
    await page.getByRole("button", { name: "New contact group" }).click();
    await page.getByLabel("Name", { exact: true }).fill(`E2E on-call ${suffix}`);
    await page.getByLabel("Member 1 name").fill("Alex");
    await page.getByRole("button", { name: "Save group" }).click();
    await page.getByText("Give an e-mail, a phone number or a webhook URL").waitFor();
    await page.getByLabel("Member 1 e-mail").fill("alex@example.com");
    await page.getByLabel("Member 1 phone").fill("+4915112345678");
    await page.getByRole("button", { name: "Save group" }).click();
    await page.getByTestId(`group-row-E2E on-call ${suffix}`).waitFor();
    await shot(page, "part2-contact-groups");
    await page.goto(`${BASE_URL}/notifications`);
    await page.getByRole("button", { name: "New escalation policy" }).click();
    await page.getByLabel("Name", { exact: true }).fill(`E2E payments ${suffix}`);
    await page.getByRole("checkbox", { name: "Severity CRITICAL" }).click();
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("Pick at least one contact group to notify").waitFor();
    await page.locator("#level-0-groups").click();
    await page.getByRole("checkbox", { name: `E2E on-call ${suffix}` }).click();
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Add level" }).click();
    await page.locator("#level-1-groups").click();
    await page.getByRole("checkbox", { name: `E2E on-call ${suffix}` }).click();
    await page.keyboard.press("Escape");
    await page.getByLabel("Level 1 wait (seconds)").fill("120");
    await shot(page, "part2-policy-editor");
    await page.getByRole("button", { name: "Save policy" }).click();
    const card = page.getByTestId(`policy-card-E2E payments ${suffix}`);
    await card.getByText("then wait 2 min").waitFor();
    await shot(page, "part2-policies");
    await page.getByRole("tab", { name: "Escalations" }).click();
    await page.getByLabel("Escalation status filter").waitFor();
    await page.getByRole("link", { name: /^incident / }).first().waitFor();
    await shot(page, "part2-escalations");
    await page.getByRole("tab", { name: "Delivery log" }).click();
    await page.getByRole("button", { name: "Send a notification" }).click();
    const send = page.getByRole("dialog");
    await send.getByRole("button", { name: "Send" }).click();
    await send.getByText("Enter where to send it").waitFor();
    const recipient = `e2e-${suffix.toLowerCase()}@example.com`;
    await send.getByLabel("Recipient").fill(recipient);
    await send.getByLabel("Subject").fill("Channel check");
    await send.getByLabel("Message").fill("If you read this, e-mail works.");
    await send.getByRole("button", { name: "Send" }).click();
    await page.getByText("Notification queued: follow it in the delivery log").waitFor();
    await eventually(async () => {
      await page.goto(`${BASE_URL}/notifications?tab=log`);
      await page.getByLabel("Recipient filter").fill(recipient);
      await page.getByLabel("Recipient filter").press("Enter");
      await page.getByText(/deliveries$/).waitFor();
      return (await page.getByRole("cell", { name: recipient }).count()) > 0;
    }, { timeout: 30_000, interval: 1000, message: "the manual notification is not in the delivery log" });
    await page.getByLabel("Recipient filter").fill("");
    await page.getByLabel("Recipient filter").press("Enter");
    await shot(page, "part2-delivery-log");
  });

  await step(page, "Jira: configuration saved with masked secrets, connection tested, mappings and log", async () => {
    await page.goto(`${BASE_URL}/integrations/jira`);
    await page.getByLabel("Jira address").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText(/The address of your Jira site/).waitFor();
    await page.getByLabel("Jira address").fill("http://127.0.0.1:9");
    await page.getByLabel("Account e-mail").fill("vigil@example.com");
    await page.getByLabel("API token").fill("token-secret-value");
    await page.getByLabel("Project key").fill("OPS");
    await page.getByLabel("Webhook secret").fill("webhook-secret-0123456789");
    await page.getByLabel("Priority for CRITICAL").fill("Highest");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Jira configuration saved").waitFor();
    expect(await page.getByLabel("API token").getAttribute("placeholder") === "***", "the stored token shows as ***");
    expect((await page.content()).includes("token-secret-value") === false, "the secret is never shown again");
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("jira-test-result").waitFor({ timeout: 60_000 });
    await shot(page, "part2-jira-config");
    await page.getByRole("tab", { name: "Mappings" }).click();
    await page.getByRole("button", { name: "Re-sync everything pending" }).waitFor();
    await shot(page, "part2-jira-mappings");
    await page.getByRole("tab", { name: "Sync log" }).click();
    await page.getByLabel("Outcome filter").waitFor();
    await shot(page, "part2-jira-sync-log");
  });

  await step(page, "administration: create a VIEWER (validated), audit log filtered", async () => {
    await page.goto(`${BASE_URL}/admin/users`);
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Username").fill(VIEWER.username);
    await dialog.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByText("At least 8 characters").waitFor();
    await dialog.getByLabel("Password", { exact: true }).fill(VIEWER.password);
    await dialog.getByLabel("Repeat password").fill(VIEWER.password);
    await page.getByRole("dialog").getByLabel("Role", { exact: true }).selectOption("VIEWER");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByTestId(`user-row-${VIEWER.username}`).waitFor();
    await shot(page, "part2-users");
    await page.goto(`${BASE_URL}/admin/audit`);
    await page.getByLabel("Action filter").fill("alert_rule.create");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const rows = page.getByTestId("audit-row");
    await eventually(async () => (await rows.count()) > 0 && (await rows.allTextContents()).every((t) => t.includes("alert_rule.create")));
    await rows.first().click();
    await page.getByText("before", { exact: true }).waitFor();
    await shot(page, "part2-audit");
  });

  await step(page, "the VIEWER sees everything and can change nothing", async () => {
    await page.getByRole("button", { name: "User menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Username").fill(VIEWER.username);
    await page.getByLabel("Password").fill(VIEWER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboards/);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect((await nav.getByRole("link", { name: "Users and roles" }).count()) === 0, "no user administration for a viewer");
    await page.goto(`${BASE_URL}/alerts/rules`);
    await page.getByTestId(`rule-row-${RULE}`).waitFor();
    expect((await page.getByRole("link", { name: "New rule" }).count()) === 0, "no New rule");
    expect((await page.getByRole("button", { name: `Pause ${RULE}` }).count()) === 0, "no Pause");
    await page.goto(`${BASE_URL}/alerts/rules/${ruleId}`);
    await page.getByLabel("Rule name").waitFor();
    expect(await page.getByLabel("Rule name").isDisabled(), "the editor is read-only");
    expect((await page.getByRole("button", { name: "Save rule" }).count()) === 0, "no Save rule");
    expect((await page.getByRole("button", { name: "Run backtest" }).count()) === 0, "no backtest");
    await shot(page, "part2-viewer-rule");
    await page.goto(`${BASE_URL}/incidents/${incidentId}`);
    await page.getByTestId("incident-meta").waitFor();
    for (const name of ["Reopen", "Add note", "Upload", "Generate RCA", "Sync"]) {
      expect((await page.getByRole("button", { name, exact: true }).count()) === 0, `no ${name} for a viewer`);
    }
    await page.getByTestId("report-row").first().waitFor();
    await shot(page, "part2-viewer-incident");
    await page.goto(`${BASE_URL}/alerts/history?alert=${alertId}`);
    await page.getByTestId("alert-detail").waitFor();
    expect((await page.getByRole("button", { name: /^Acknowledge/ }).count()) === 0, "no Acknowledge");
    await page.keyboard.press("Escape");
    await page.goto(`${BASE_URL}/notifications`);
    await page.getByTestId(`policy-card-E2E payments ${suffix}`).waitFor();
    expect((await page.getByRole("button", { name: "New escalation policy" }).count()) === 0, "no New escalation policy");
    await page.goto(`${BASE_URL}/admin/users`);
    await page.getByText("You do not have access to this page").waitFor();
  });

}, /401|403|Unauthorized|Forbidden/);
