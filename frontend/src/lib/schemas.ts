import { z } from "zod";

/** Form schemas: the same rules the API enforces, said in words a person can act on. */

export const loginSchema = z.object({
  username: z.string().trim().min(1, "Enter your username"),
  password: z.string().min(1, "Enter your password"),
});
export type LoginForm = z.infer<typeof loginSchema>;

const host = /^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:]+\]?$/;

export const sourceSchema = (editing: boolean) =>
  z.object({
    name: z.string().trim().min(1, "Give the source a name").max(100, "At most 100 characters"),
    type: z.enum(["postgresql", "mysql"], { errorMap: () => ({ message: "Choose PostgreSQL or MySQL" }) }),
    host: z.string().trim().min(1, "Enter the host name or address").regex(host, "Not a valid host name or address"),
    port: z.coerce.number({ invalid_type_error: "Enter a port number" }).int("Whole numbers only").min(1, "Port must be 1–65535").max(65535, "Port must be 1–65535"),
    dbName: z.string().trim().min(1, "Enter the database name"),
    userName: z.string().trim().min(1, "Enter the user name"),
    // When editing, an empty password keeps the stored one.
    password: editing ? z.string().optional() : z.string().min(1, "Enter the password"),
  });
export type SourceForm = z.infer<ReturnType<typeof sourceSchema>>;

/** A single SELECT (or WITH … SELECT): the API rejects anything else, so say so before saving. */
export function sqlProblem(sql: string): string | null {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ").trim().replace(/;\s*$/, "");
  if (!text) return "Enter the SQL query";
  if (text.includes(";")) return "Only one statement is allowed";
  if (!/^(select|with)\b/i.test(text)) return "The query must be a SELECT";
  if (!/load_time_stamp/i.test(text)) return "The query must return a load_time_stamp column";
  return null;
}

export const loaderSchema = z.object({
  loaderCode: z.string().trim().min(2, "At least 2 characters").max(64, "At most 64 characters")
    .regex(/^[A-Z][A-Z0-9_]*$/, "Upper snake case: capital letters, digits and _ (e.g. DAILY_SALES)"),
  sourceDatabaseId: z.string().min(1, "Choose a source database"),
  loaderSql: z.string().superRefine((v, ctx) => {
    const problem = sqlProblem(v);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  }),
  intervalSeconds: z.coerce.number({ invalid_type_error: "Enter a number of seconds" }).int("Whole seconds only").min(60, "At least 60 seconds").max(86400 * 7, "At most 7 days"),
  maxParallelism: z.coerce.number({ invalid_type_error: "Enter a number" }).int("Whole numbers only").min(1, "At least 1").max(10, "At most 10"),
  timeoutSeconds: z.coerce.number({ invalid_type_error: "Enter a number of seconds" }).int("Whole seconds only").min(1, "At least 1 second").max(300, "At most 300 seconds"),
  segments: z.array(z.string()),
  enabled: z.boolean(),
});
export type LoaderForm = z.infer<typeof loaderSchema>;

export const chartSchema = z.object({
  chartName: z.string().trim().min(1, "Give the chart a name").max(200, "At most 200 characters"),
  chartType: z.enum(["line", "area", "bar", "pie", "scatter"]),
  loaderCode: z.string().min(1, "Choose a loader"),
  aggregation: z.enum(["raw", "avg", "sum", "min", "max"]),
  bucket: z.enum(["1m", "5m", "15m", "1h", "1d"]),
  metrics: z.array(z.enum(["recCount", "avgVal", "sumVal", "minVal", "maxVal"])).min(1, "Pick at least one metric"),
  segments: z.array(z.string()),
  units: z.string().max(20, "At most 20 characters").optional(),
  title: z.string().max(200).optional(),
  isTemplate: z.boolean(),
});
export type ChartForm = z.infer<typeof chartSchema>;

export const dashboardSchema = z.object({
  name: z.string().trim().min(1, "Give the dashboard a name").max(200, "At most 200 characters"),
  description: z.string().max(1000, "At most 1000 characters").optional(),
  refreshSeconds: z.coerce.number().int().min(0, "0 turns auto-refresh off").max(3600, "At most one hour"),
});
export type DashboardForm = z.infer<typeof dashboardSchema>;
