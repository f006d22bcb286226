// The web app's end-to-end scenario (issue 11) against a running platform at BASE_URL:
// sign in, create a source and a loader, see its signals in the explorer, build charts and a
// two-chart dashboard, change the time range, roll back a version; plus role-aware UI and
// "401 → sign in". A source database with a read-only account is given through SRC_* variables
// (see fixtures.mjs).
import { readFileSync } from "node:fs";
import { BASE_URL, eventually, expect, launch, scenario, screenshot, step } from "./browser.mjs";
import { ADMIN, CHART_A, CHART_B, DASHBOARD, LOADER, SOURCE, SQL, SRC, api, suffix } from "./fixtures.mjs";

const url = (page) => new URL(page.url());
const { page, problems, close } = await launch();
let dashboardId;

await scenario({ problems, close }, async () => {
  await step(page, "protected route sends a signed-out visitor to sign-in", async () => {
    await page.goto(`${BASE_URL}/signals`);
    await page.waitForURL(/\/login\?next=/);
    expect(url(page).searchParams.get("next") === "/signals", "next should remember /signals");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Enter your username").waitFor();
    await page.getByText("Enter your password").waitFor();
    await screenshot(page, "login-validation");
  });

  await step(page, "wrong password is refused with the server's reason", async () => {
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: /not correct|invalid|incorrect/i }).first().waitFor();
  });

  await step(page, "sign in returns to the page asked for", async () => {
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/signals/);
    await page.getByRole("button", { name: "User menu" }).filter({ hasText: ADMIN.username }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByText("Sources").waitFor();
  });

  await step(page, "create a source with validation, compliance badge and connection test", async () => {
    await page.goto(`${BASE_URL}/sources`);
    await page.getByRole("heading", { name: "Source databases" }).waitFor();
    await page.getByRole("button", { name: "New source" }).first().click();
    await page.getByRole("button", { name: "Create source" }).click();
    await page.getByText("Give the source a name").waitFor();
    await page.getByText("Enter the host name or address").waitFor();
    await screenshot(page, "source-dialog-validation");
    await page.getByRole("dialog").getByLabel("Name", { exact: true }).fill(SOURCE);
    await page.getByRole("dialog").getByLabel("Host", { exact: true }).fill(SRC.host);
    await page.getByRole("dialog").getByLabel("Port", { exact: true }).fill(String(SRC.port));
    await page.getByRole("dialog").getByLabel("Database", { exact: true }).fill(SRC.db);
    await page.getByRole("dialog").getByLabel("User", { exact: true }).fill(SRC.user);
    await page.getByRole("dialog").getByLabel("Password", { exact: true }).fill(SRC.password);
    await page.getByRole("button", { name: "Create source" }).click();
    const row = page.getByTestId(`source-row-${SOURCE}`);
    await row.waitFor();
    await row.getByText("Read-only").waitFor();
    expect((await row.textContent()).includes("***"), "the password shows as ***");
    expect(!(await row.textContent()).includes(SRC.password), "the password is never shown");
    await row.getByRole("button", { name: `Test connection to ${SOURCE}` }).click();
    await row.getByText("OK").waitFor();
    await screenshot(page, "sources");
  });

  await step(page, "create a loader: validation, SQL editor, preview, save", async () => {
    await page.goto(`${BASE_URL}/loaders/new`);
    await page.getByRole("heading", { name: "New loader" }).waitFor();
    await page.getByLabel("Loader code").fill("bad code");
    await page.getByRole("button", { name: "Create loader" }).click();
    await page.getByText(/Upper snake case/).waitFor();
    await page.getByText("Enter the SQL query").waitFor();
    await page.getByLabel("Loader code").fill(LOADER);
    await page.getByLabel("Source database").selectOption({ label: `${SOURCE} (PostgreSQL)` });
    await page.locator(".cm-content").click();
    await page.keyboard.insertText(SQL);
    await page.locator(".cm-content .ͼb, .cm-content [class*='ͼ']").first().waitFor(); // highlighted tokens
    // Add the table's two segments to the dictionary from the editor; each is selected at once.
    await page.getByLabel("New segment code").fill("bad code!");
    await page.getByRole("button", { name: "Add segment" }).click();
    await page.getByText(/Letters, digits and/).waitFor();
    const segments = page.locator("#loader-segments");
    for (const code of ["CARD", "WALLET"]) {
      await page.getByLabel("New segment code").fill(code);
      await page.getByLabel("New segment description").fill(`${code} payments`);
      await page.getByRole("button", { name: "Add segment" }).click();
      await eventually(async () => (await segments.textContent()).includes(code) || (await page.getByText(/already exists/i).count()) > 0);
      if (!(await segments.textContent()).includes(code)) {
        // A platform that already knows the code (a re-run): pick it from the list instead.
        await segments.click();
        await page.getByRole("checkbox", { name: `${code} — ${code} payments` }).click();
        await page.keyboard.press("Escape");
      }
    }
    await eventually(async () => (await segments.textContent()).includes("WALLET"));
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview-panel");
    await preview.waitFor();
    await preview.getByText(/Nothing was written/).waitFor();
    expect((await preview.locator("tbody tr").count()) > 0, "preview shows rows");
    await screenshot(page, "loader-editor-preview");
    await page.getByRole("button", { name: "Create loader" }).click();
    await page.waitForURL(new RegExp(`/loaders/${LOADER}$`));
    await page.getByRole("heading", { name: LOADER }).waitFor();
  });

  await step(page, "run the loader now and see the execution succeed", async () => {
    await page.getByRole("button", { name: `Run ${LOADER} now` }).click();
    await eventually(async () => {
      await page.reload();
      await page.getByRole("heading", { name: "Execution history" }).waitFor();
      return (await page.getByTestId("execution-row").filter({ hasText: "Success" }).count()) > 0;
    }, { timeout: 30_000, interval: 1000, message: "the run did not succeed" });
    await screenshot(page, "loader-details");
  });

  await step(page, "loaders list: search, status, pause and resume", async () => {
    await page.goto(`${BASE_URL}/loaders`);
    await page.getByLabel("Search loaders").fill(LOADER);
    const row = page.getByTestId(`loader-row-${LOADER}`);
    await row.getByText("Success").waitFor();
    await row.getByRole("button", { name: `Pause ${LOADER}` }).click();
    await row.getByText("Paused").waitFor();
    await page.getByLabel("Status filter").selectOption("active");
    await page.getByText("No loader matches these filters").waitFor();
    await page.getByLabel("Status filter").selectOption("paused");
    await row.getByRole("button", { name: `Resume ${LOADER}` }).click();
    await page.getByLabel("Status filter").selectOption("all");
    await row.getByText("Active").waitFor();
    await page.getByLabel("Search loaders").fill("");
    await screenshot(page, "loaders");
  });

  await step(page, "signals explorer shows the loader's signals and follows the time range", async () => {
    await page.goto(`${BASE_URL}/signals?loader=${LOADER}`);
    await page.getByRole("button", { name: "7d", exact: true }).click();
    const chart = page.getByTestId("signal-chart");
    await chart.waitFor();
    const points7d = Number(await chart.getAttribute("data-points"));
    expect(points7d > 0, "the explorer draws the loader's points");
    await page.getByTestId("last-updated").waitFor();
    await page.getByRole("button", { name: "Maximum" }).click();
    await page.getByRole("button", { name: "Bar" }).click();
    await screenshot(page, "explorer-7d");
    await page.getByRole("button", { name: "1h", exact: true }).click();
    await eventually(async () => (await page.getByText("No signals in this range").count()) > 0
      || Number(await chart.getAttribute("data-points").catch(() => "0")) < points7d, { message: "1h should show fewer points than 7d" });
    // A custom absolute range: the last two days, typed as local times.
    await page.getByRole("button", { name: "Custom range" }).click();
    const pad = (n) => String(n).padStart(2, "0");
    const local = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    await page.getByLabel("From", { exact: true }).fill(local(new Date(Date.now() + 3600_000)));
    await page.getByLabel("To", { exact: true }).fill(local(new Date()));
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("The start must be before the end.").waitFor();
    await page.getByLabel("From", { exact: true }).fill(local(new Date(Date.now() - 2 * 86400_000)));
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("button", { name: "Custom range" }).filter({ hasText: "→" }).waitFor();
    await eventually(async () => Number(await chart.getAttribute("data-points")) > 0, { message: "the custom range shows points" });
    await page.getByRole("button", { name: "24h", exact: true }).click();
    await page.locator("#explorer-segments").click();
    await page.getByRole("checkbox", { name: "CARD", exact: true }).click();
    await page.keyboard.press("Escape");
    await eventually(async () => (await page.locator("#explorer-segments").textContent()).includes("CARD"));
    await chart.waitFor();
    await screenshot(page, "explorer-segment");
  });

  const chartIds = [];
  for (const [name, type, metric, units] of [[CHART_A, "line", "Average", "EUR"], [CHART_B, "bar", "Record count", "payments"]]) {
    await step(page, `build chart “${name}” with live preview and JSON view`, async () => {
      await page.goto(`${BASE_URL}/charts/new`);
      await page.getByRole("heading", { name: "New chart" }).waitFor();
      await page.getByLabel("Name").fill("");
      await page.getByRole("button", { name: "Save chart" }).click();
      await page.getByText("Give the chart a name").waitFor();
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("Type").selectOption(type);
      await page.getByLabel("Loader").selectOption(LOADER);
      if (metric !== "Average") {
        await page.getByRole("checkbox", { name: "Average" }).click();
        await page.getByRole("checkbox", { name: metric }).click();
      }
      await page.getByLabel("Units").fill(units);
      await page.getByRole("button", { name: "7d", exact: true }).click();
      await page.getByTestId("signal-chart").waitFor();
      await page.getByRole("tab", { name: "JSON definition" }).click();
      const json = JSON.parse(await page.getByTestId("chart-json").textContent());
      expect(json.dataSource.params.loaderCode === LOADER && json.visualization.units === units, "the JSON view shows the definition");
      await page.getByRole("tab", { name: "Live preview" }).click();
      await screenshot(page, `chart-editor-${type}`);
      await page.getByRole("button", { name: "Save chart" }).click();
      await page.waitForURL(/\/charts\/[0-9a-f-]{36}$/);
      chartIds.push(url(page).pathname.split("/").pop());
    });
  }

  await step(page, "chart versions: edit, compare, roll back", async () => {
    await page.goto(`${BASE_URL}/charts/${chartIds[0]}`);
    await page.getByLabel("Units").fill("USD");
    await page.getByRole("button", { name: "Save chart" }).click();
    await page.getByText("Chart saved (version 2)").waitFor();
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.getByRole("button", { name: "Compare version 1" }).click();
    const diff = page.getByTestId("diff");
    await diff.getByText("visualization.units").waitFor();
    expect((await diff.textContent()).includes("USD"), "the diff shows the new unit");
    await screenshot(page, "chart-versions");
    await page.getByRole("button", { name: "Roll back chart to version 1" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
    await page.getByText("Rolled back: now version 3").waitFor();
    await eventually(async () => (await page.getByLabel("Units").inputValue()) === "EUR", { message: "the form shows the rolled-back unit" });
  });

  await step(page, "save a chart as a template", async () => {
    await page.goto(`${BASE_URL}/charts/${chartIds[1]}`);
    await page.getByLabel("Name").waitFor();
    await eventually(async () => (await page.getByLabel("Name").inputValue()) === CHART_B);
    await page.getByRole("button", { name: "Save as template" }).click();
    await page.getByText(`Template “${CHART_B} (template)” saved`).waitFor();
    await page.goto(`${BASE_URL}/charts`);
    await page.getByTestId(`chart-row-${CHART_B} (template)`).getByText("Template", { exact: true }).waitFor();
    await screenshot(page, "charts");
  });

  await step(page, "compose a two-chart dashboard", async () => {
    await page.goto(`${BASE_URL}/dashboards/new`);
    await page.getByLabel("Name").fill(DASHBOARD);
    for (const name of [CHART_A, CHART_B]) {
      await page.getByRole("button", { name: "Add chart" }).click();
      await page.getByLabel("Search charts to add").fill(name);
      await page.getByRole("button", { name: `Add ${name}`, exact: true }).click();
    }
    await eventually(async () => (await page.getByTestId("chart-tile").count()) === 2);
    await page.getByRole("button", { name: "7d", exact: true }).click();
    await page.getByLabel("Version message").fill("First layout");
    await screenshot(page, "dashboard-editor");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}$/);
    dashboardId = url(page).pathname.split("/").pop();
    await page.getByRole("heading", { name: DASHBOARD }).waitFor();
    await eventually(async () => (await page.getByTestId("signal-chart").count()) === 2, { message: "both charts render" });
    await screenshot(page, "dashboard-view-7d");
  });

  await step(page, "change the dashboard's time range", async () => {
    const request = page.waitForRequest((r) => r.url().includes("/data?") && r.url().includes("fromEpoch"));
    await page.getByRole("button", { name: "30d", exact: true }).click();
    const from = Number(new URL((await request).url()).searchParams.get("fromEpoch"));
    const to = Number(new URL((await request).url()).searchParams.get("toEpoch"));
    expect(Math.abs(to - from - 30 * 86400) < 5, `the charts were asked for 30 days (got ${to - from} s)`);
    expect((await page.getByRole("button", { name: "30d", exact: true }).getAttribute("aria-pressed")) === "true", "30d is selected");
    await eventually(async () => (await page.getByTestId("signal-chart").count()) === 2);
  });

  await step(page, "edit the dashboard: resize a chart and rename (version 2)", async () => {
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.waitForURL(/\/edit$/);
    await eventually(async () => (await page.getByTestId("chart-tile").count()) === 2);
    const tile = page.locator(".react-grid-item").first();
    await page.waitForTimeout(300); // the grid measures its width once mounted
    const before = (await tile.boundingBox()).height;
    await eventually(async () => {
      const box = await page.locator(".react-resizable-handle").first().boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + 10, box.y + 160, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(200);
      return (await tile.boundingBox()).height > before + 60;
    }, { timeout: 10_000, message: "the chart did not grow when resized" });
    // Drag the second chart by its handle under the first one.
    const second = page.locator(".react-grid-item").nth(1);
    const startX = (await second.boundingBox()).x;
    await eventually(async () => {
      const grip = (await second.getByLabel("Drag to move").boundingBox());
      const first = await tile.boundingBox();
      await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
      await page.mouse.down();
      await page.mouse.move(first.x + 40, first.y + first.height + 40, { steps: 12 });
      await page.mouse.up();
      await page.waitForTimeout(300);
      return (await second.boundingBox()).x < startX - 100;
    }, { timeout: 10_000, message: "the chart did not move when dragged" });
    await page.getByLabel("Name").fill(`${DASHBOARD} (renamed)`);
    await page.getByLabel("Version message").fill("Taller chart, new name");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(new RegExp(`/dashboards/${dashboardId}$`));
    await page.getByRole("heading", { name: `${DASHBOARD} (renamed)` }).waitFor();
  });

  await step(page, "version history shows the diff and rolls back", async () => {
    await page.getByRole("link", { name: "History", exact: true }).click();
    await page.getByTestId("version-row-2").getByText("current").waitFor();
    const diff = page.getByTestId("diff");
    await diff.waitFor();
    const text = await diff.textContent();
    expect(text.includes("name") && text.includes("(renamed)"), "the diff names the renamed field");
    expect(/charts/.test(text), "the diff shows the layout change");
    await screenshot(page, "dashboard-history");
    await page.getByRole("button", { name: "Roll back to version 1" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
    await page.getByTestId("version-row-3").getByText("current").waitFor();
    await page.goto(`${BASE_URL}/dashboards/${dashboardId}`);
    await page.getByRole("heading", { name: DASHBOARD, exact: true }).waitFor();
    await screenshot(page, "dashboard-after-rollback");
  });

  await step(page, "dashboards grid lists the dashboard", async () => {
    await page.goto(`${BASE_URL}/dashboards`);
    const card = page.getByTestId(`dashboard-card-${DASHBOARD}`);
    await card.getByText("2 charts").waitFor();
    await card.getByText("v3").waitFor();
    await screenshot(page, "dashboards");
  });

  await step(page, "export and re-import the dashboard", async () => {
    await page.goto(`${BASE_URL}/dashboards/${dashboardId}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, "utf8"));
    expect(JSON.stringify(exported).includes(CHART_A), "the export holds the dashboard's charts");
    await page.goto(`${BASE_URL}/dashboards`);
    await page.getByRole("button", { name: "Import" }).click();
    await page.getByLabel("Document").fill("{not json");
    await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
    await page.getByText(/This is not valid JSON/).waitFor();
    await page.getByLabel("Dashboard file").setInputFiles(file);
    await eventually(async () => (await page.getByLabel("Document").inputValue()).includes(CHART_A), { message: "the chosen file fills the document" });
    await page.getByRole("dialog").getByRole("button", { name: "Import" }).click();
    await page.waitForURL((u) => /\/dashboards\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(dashboardId));
    await eventually(async () => (await page.getByTestId("signal-chart").count()) === 2, { message: "the imported dashboard renders" });
  });

  await step(page, "a viewer sees no edit actions and no sources", async () => {
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem("vigil.session")).state.session);
    const viewer = { username: `e2e_viewer_${suffix.toLowerCase()}`, password: "viewer-pass-123" };
    await api("/api/v1/admin/users", { method: "POST", token: session.accessToken, body: { ...viewer, role: "VIEWER" } });
    await page.getByRole("button", { name: "User menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Username").fill(viewer.username);
    await page.getByLabel("Password").fill(viewer.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboards/);
    expect((await page.getByRole("navigation", { name: "Main" }).getByText("Sources").count()) === 0, "no Sources entry for a viewer");
    expect((await page.getByRole("link", { name: "New dashboard" }).count()) === 0, "no New dashboard for a viewer");
    await page.goto(`${BASE_URL}/loaders/${LOADER}`);
    await page.getByText("The SQL is shown to operators and administrators only.").waitFor();
    expect((await page.getByRole("button", { name: `Run ${LOADER} now` }).count()) === 0, "no Run now for a viewer");
    await screenshot(page, "viewer-loader-details");
    await page.goto(`${BASE_URL}/sources`);
    await page.getByText("You do not have access to this page").waitFor();
  });

  await step(page, "an expired session goes back to sign-in", async () => {
    await page.evaluate(() => {
      const stored = JSON.parse(localStorage.getItem("vigil.session"));
      stored.state.session.accessToken = "expired.token.value";
      stored.state.session.refreshToken = "revoked-refresh-token";
      localStorage.setItem("vigil.session", JSON.stringify(stored));
    });
    await page.goto(`${BASE_URL}/loaders`);
    await page.waitForURL(/\/login\?expired=1/);
    await page.getByText("Your session has ended").waitFor();
    await screenshot(page, "session-expired");
  });

  await step(page, "signing in again returns to the page; deleting a loader asks first", async () => {
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/loaders$/);
    const row = page.getByTestId(`loader-row-${LOADER}`);
    await row.getByRole("button", { name: `Delete ${LOADER}` }).click();
    await page.getByRole("alertdialog").getByText("The signals it collected are kept.").waitFor();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    await row.waitFor();
    await row.getByRole("button", { name: `Delete ${LOADER}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
    await row.waitFor({ state: "detached" });
    await page.getByText(`${LOADER} deleted`).waitFor();
  });

}, /401|Unauthorized/);
