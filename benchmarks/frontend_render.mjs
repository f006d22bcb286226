// Web app rendering in headless Chromium, measured with performance marks (src/lib/perf.ts).
// - explorer: from the moment the signals answer arrives (resource timing responseEnd of
//   /api/v1/signals/query) to ECharts' "finished" of that data (mark vigil:rendered:explorer),
//   for a range of 1M raw points that the API downsamples (aggregation=raw).
// - dashboard: from navigation start to the last of its 12 charts finishing
//   (marks vigil:rendered:dashboard-0..11), and from the dashboard answer to that moment.
// Needs BASE_URL, LOADER, DASHBOARD_ID; prints one JSON document.
import { launch } from "../frontend/e2e/browser.mjs";

const BASE_URL = process.env.BASE_URL;
const LOADER = process.env.LOADER;
const DASHBOARD_ID = process.env.DASHBOARD_ID;
const RUNS = Number(process.env.RUNS ?? 5);
const CHARTS = Number(process.env.CHARTS ?? 12);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const round = (x) => Math.round(x * 10) / 10;

const { page, close } = await launch({ viewport: { width: 1600, height: 1000 } });
try {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Username").fill(process.env.ADMIN_USER ?? "admin");
  await page.getByLabel("Password").fill(process.env.ADMIN_PASSWORD ?? "admin123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/dashboards/);

  const explorer = [];
  let answer = null;
  page.on("response", async (r) => {
    if (r.url().includes("/api/v1/signals/query")) {
      try {
        const body = await r.json();
        answer = { status: r.status(), sampled: body.sampled, originalPoints: body.originalPoints, points: body.dataPoints?.length, error: body.error?.message };
      } catch { /* not JSON */ }
    }
  });
  let points = 0;
  let sampledNote = false;
  for (let i = 0; i < RUNS + 1; i++) {
    await page.goto(`${BASE_URL}/signals?loader=${LOADER}&range=30d&agg=raw`);
    await page.waitForFunction(() => performance.getEntriesByName("vigil:rendered:explorer").length > 0, null, { timeout: 30_000 });
    const m = await page.evaluate(() => {
      const q = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/v1/signals/query")).pop();
      const rendered = performance.getEntriesByName("vigil:rendered:explorer")[0].startTime;
      return { dataAt: q.responseEnd, rendered, transfer: q.transferSize };
    });
    points = Number(await page.getByTestId("signal-chart").getAttribute("data-points"));
    sampledNote = (await page.getByTestId("downsampled-note").count()) > 0;
    if (i > 0) explorer.push({ afterData: m.rendered - m.dataAt, fromNavigation: m.rendered }); // first run warms caches
  }

  const dashboard = [];
  for (let i = 0; i < RUNS + 1; i++) {
    await page.goto(`${BASE_URL}/dashboards/${DASHBOARD_ID}`);
    await page.waitForFunction((n) => Array.from({ length: n }, (_, k) => performance.getEntriesByName(`vigil:rendered:dashboard-${k}`).length).every(Boolean), CHARTS, { timeout: 30_000 });
    const m = await page.evaluate((n) => {
      const last = Math.max(...Array.from({ length: n }, (_, k) => performance.getEntriesByName(`vigil:rendered:dashboard-${k}`)[0].startTime));
      const d = performance.getEntriesByType("resource").filter((e) => /\/api\/v1\/dashboards\/[0-9a-f-]{36}$/.test(e.name)).pop();
      return { complete: last, afterDashboardData: last - d.responseEnd };
    }, CHARTS);
    if (i > 0) dashboard.push(m);
  }

  const out = {
    benchmark: "frontend_render",
    runs: RUNS,
    explorer: {
      raw_points_in_range: Number(process.env.RAW_POINTS ?? 0),
      points_drawn: points,
      api_answer: answer,
      downsampled_note_shown: sampledNote,
      interactive_after_data_ms_p50: round(median(explorer.map((e) => e.afterData))),
      interactive_after_data_ms_max: round(Math.max(...explorer.map((e) => e.afterData))),
      from_navigation_ms_p50: round(median(explorer.map((e) => e.fromNavigation))),
      target_ms: 1000,
    },
    dashboard: {
      charts: CHARTS,
      complete_from_navigation_ms_p50: round(median(dashboard.map((d) => d.complete))),
      complete_from_navigation_ms_max: round(Math.max(...dashboard.map((d) => d.complete))),
      complete_after_dashboard_data_ms_p50: round(median(dashboard.map((d) => d.afterDashboardData))),
      target_ms: 2000,
    },
  };
  out.explorer.meets_target = out.explorer.interactive_after_data_ms_p50 <= 1000;
  out.dashboard.meets_target = out.dashboard.complete_from_navigation_ms_p50 <= 2000;
  console.log(JSON.stringify(out, null, 2));
} finally {
  await close();
}
