import { describe, expect, it } from "vitest";
import { loaderSchema, loginSchema, sourceSchema, sqlProblem, chartSchema } from "@/lib/schemas";

const loader = {
  loaderCode: "DAILY_SALES", sourceDatabaseId: "s1", loaderSql: "SELECT now() AS load_time_stamp", intervalSeconds: 300,
  maxParallelism: 1, timeoutSeconds: 30, segments: [], enabled: true,
};

function messages(result: { success: boolean; error?: { issues: Array<{ path: (string | number)[]; message: string }> } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("form schemas", () => {
  it("login needs both fields", () => {
    expect(messages(loginSchema.safeParse({ username: " ", password: "" }))).toEqual({ username: "Enter your username", password: "Enter your password" });
  });

  it("a loader code is upper snake case", () => {
    expect(loaderSchema.safeParse(loader).success).toBe(true);
    expect(messages(loaderSchema.safeParse({ ...loader, loaderCode: "daily-sales" })).loaderCode).toMatch(/Upper snake case/);
  });

  it("the loader SQL is one SELECT returning load_time_stamp", () => {
    expect(sqlProblem("")).toBe("Enter the SQL query");
    expect(sqlProblem("DELETE FROM t")).toBe("The query must be a SELECT");
    expect(sqlProblem("SELECT 1 AS load_time_stamp; DROP TABLE t")).toBe("Only one statement is allowed");
    expect(sqlProblem("SELECT 1")).toBe("The query must return a load_time_stamp column");
    expect(sqlProblem("-- daily\nWITH x AS (SELECT 1) SELECT now() AS load_time_stamp FROM x;")).toBeNull();
    expect(messages(loaderSchema.safeParse({ ...loader, loaderSql: "UPDATE t SET a = 1" })).loaderSql).toBe("The query must be a SELECT");
  });

  it("loader numbers follow the API's bounds", () => {
    const m = messages(loaderSchema.safeParse({ ...loader, intervalSeconds: 5, maxParallelism: 11, timeoutSeconds: "abc" }));
    expect(m.intervalSeconds).toBe("At least 60 seconds");
    expect(m.maxParallelism).toBe("At most 10");
    expect(m.timeoutSeconds).toBe("Enter a number of seconds");
  });

  it("a new source needs a password; an edited one keeps the stored one", () => {
    const src = { name: "db", type: "postgresql", host: "db.internal", port: "5432", dbName: "sales", userName: "ro" };
    expect(messages(sourceSchema(false).safeParse({ ...src, password: "" })).password).toBe("Enter the password");
    expect(sourceSchema(true).safeParse({ ...src, password: "" }).success).toBe(true);
    expect(messages(sourceSchema(true).safeParse({ ...src, port: 70000 })).port).toBe("Port must be 1–65535");
    expect(messages(sourceSchema(true).safeParse({ ...src, host: "bad host!" })).host).toBe("Not a valid host name or address");
  });

  it("a chart needs a name, a loader and a metric", () => {
    const m = messages(chartSchema.safeParse({ chartName: "", chartType: "line", loaderCode: "", aggregation: "avg", bucket: "5m", metrics: [], segments: [], isTemplate: false }));
    expect(m).toMatchObject({ chartName: "Give the chart a name", loaderCode: "Choose a loader", metrics: "Pick at least one metric" });
  });
});
