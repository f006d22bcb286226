// What the scenario works with: the source database given by SRC_* variables, unique names
// per run (so re-runs against one platform do not collide), the loader SQL, a small API helper.
import { api } from "./browser.mjs";

export { api };

export const SRC = {
  host: process.env.SRC_HOST ?? "127.0.0.1",
  port: process.env.SRC_PORT ?? "5432",
  db: process.env.SRC_DB,
  user: process.env.SRC_USER,
  password: process.env.SRC_PASSWORD,
};
if (!SRC.db || !SRC.user || !SRC.password) {
  console.error("SRC_DB, SRC_USER and SRC_PASSWORD must name a PostgreSQL database with a read-only account (table payments)");
  process.exit(2);
}
export const ADMIN = { username: process.env.ADMIN_USER ?? "admin", password: process.env.ADMIN_PASSWORD ?? "admin123" };
export const suffix = Date.now().toString(36).slice(-5).toUpperCase();
export const LOADER = `E2E_PAYMENTS_${suffix}`;
export const SOURCE = `E2E source ${suffix}`;
export const CHART_A = `E2E payments avg ${suffix}`;
export const CHART_B = `E2E payment count ${suffix}`;
export const DASHBOARD = `E2E operations ${suffix}`;
export const SQL = `SELECT date_trunc('hour', created_at) AS load_time_stamp,
       segment AS segment_code,
       count(*) AS rec_count,
       avg(amount) AS avg_val, sum(amount) AS sum_val,
       min(amount) AS min_val, max(amount) AS max_val
FROM payments
GROUP BY 1, 2`;

