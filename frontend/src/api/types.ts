/** Shapes from /work/shared/API.md and the OpenAPI document (camelCase JSON). */
import type { Role } from "@/lib/auth-store";

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

export interface User {
  id: string;
  username: string;
  role: Role;
  email?: string | null;
  disabled?: boolean;
  createdAt?: string | null;
  lastLoginAt?: string | null;
}

export type SourceType = "postgresql" | "mysql";

export interface ComplianceFinding {
  code: string;
  message: string;
  object?: string | null;
}

export interface Source {
  id: string;
  name: string;
  type: SourceType;
  host: string;
  port: number;
  dbName: string;
  userName: string;
  password: string;
  options?: { sslmode?: string | null } | null;
  readOnlyCompliant: boolean | null;
  complianceFindings: ComplianceFinding[];
  complianceCheckedAt?: string | null;
  complianceOverride?: { reason: string; by: string; at: string } | null;
  /** Compliant, or non-compliant with an ADMIN override. */
  runnable?: boolean;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface SourceInput {
  name: string;
  type: SourceType;
  host: string;
  port: number;
  dbName: string;
  userName: string;
  password?: string;
  options?: { sslmode?: string | null };
}

export interface ConnectionTest {
  ok: boolean;
  serverVersion?: string | null;
  error?: string | null;
  source?: Source;
}

export type ExecutionStatus = "RUNNING" | "SUCCESS" | "FAILED";

export interface Execution {
  id: string;
  loaderCode?: string;
  status: ExecutionStatus;
  trigger?: string;
  attempts?: number;
  startedAt: string | null;
  finishedAt?: string | null;
  durationMs: number | null;
  rows: number | null;
  rowsSkipped?: number | null;
  error: string | null;
}

export interface Loader {
  id: string;
  loaderCode: string;
  sourceDatabaseId: string;
  sourceDatabaseName?: string | null;
  /** Decrypted for OPERATOR and above; null for VIEWER. */
  loaderSql?: string | null;
  intervalSeconds: number;
  maxParallelism: number;
  segments: string[];
  timeoutSeconds: number;
  enabled: boolean;
  lastScheduledAt?: string | null;
  lastRun?: Omit<Execution, "loaderCode"> | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface LoaderInput {
  loaderCode?: string;
  sourceDatabaseId: string;
  loaderSql: string;
  intervalSeconds: number;
  maxParallelism: number;
  segments: string[];
  timeoutSeconds?: number;
  enabled?: boolean;
}

export interface PreviewPoint {
  segmentCode: string;
  loadTimeStamp: number;
  recCount: number;
  maxVal: number | null;
  minVal: number | null;
  avgVal: number | null;
  sumVal: number | null;
}

export interface Preview {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
  points?: PreviewPoint[];
  skipped?: number;
  errors?: Array<{ row?: number; message: string }>;
  durationMs?: number;
}

export interface Segment {
  id?: string;
  segmentCode: string;
  description?: string | null;
}

export type Aggregation = "raw" | "avg" | "sum" | "min" | "max";
export type Bucket = "1m" | "5m" | "15m" | "1h" | "1d";
export type Metric = "recCount" | "avgVal" | "sumVal" | "minVal" | "maxVal";

export interface DataPoint {
  timestamp: number;
  segmentCode?: string | null;
  recCount: number | null;
  avgVal: number | null;
  sumVal: number | null;
  minVal: number | null;
  maxVal: number | null;
}

export interface SignalQueryResult {
  loaderCode: string;
  timeRange: { from: number; to: number };
  aggregation: Aggregation;
  bucket: Bucket | null;
  sampled: boolean;
  originalPoints: number;
  dataPoints: DataPoint[];
}

export type ChartType = "line" | "area" | "bar" | "pie" | "scatter" | "heatmap";

export interface Threshold {
  value: number;
  label?: string | null;
  color?: string | null;
  severity?: string | null;
}

export interface ChartParameter {
  name: string;
  label?: string | null;
  default?: string | null;
  description?: string | null;
}

/** The seed's chart definition; with `extends`, only what is overridden is stored. */
export interface ChartDefinition {
  chartName: string;
  chartType?: ChartType | null;
  description?: string | null;
  dataSource?: {
    service?: string;
    endpoint?: string;
    params: Record<string, unknown>;
  } | null;
  visualization?: {
    xAxis?: string;
    yAxis: Metric[];
    title?: string | null;
    colors?: string[];
    units?: string | Record<string, string> | null;
    thresholds?: Threshold[];
    stacked?: boolean;
  } | null;
  parameters?: ChartParameter[];
  extends?: string | null;
  isTemplate?: boolean;
  tags?: string[];
  message?: string | null;
}

export interface Chart {
  id: string;
  version: number;
  parentId?: string | null;
  definition: ChartDefinition;
  createdBy?: string;
  createdAt?: string;
  updatedBy?: string;
  updatedAt?: string;
}

export interface GridItem {
  chartId: string;
  x: number;
  y: number;
  w: number;
  h: number;
  title?: string | null;
  params?: Record<string, string>;
}

export interface DashboardDefinition {
  name: string;
  description?: string | null;
  charts: GridItem[];
  /** Epoch seconds or `now-<n><m|h|d|w>`. */
  timeRange?: { from: string | number; to: string | number };
  refreshSeconds?: number | null;
  variables?: Array<{ name: string; label?: string | null; default?: string | null; options?: string[] }>;
  message?: string | null;
}

export interface ResolvedItem extends GridItem {
  chart?: ChartDefinition | null;
  error?: { code?: string; message?: string } | null;
}

export interface Dashboard {
  id: string;
  version: number;
  name: string;
  definition: DashboardDefinition;
  createdBy?: string;
  createdAt?: string;
  updatedBy?: string;
  updatedAt?: string;
  resolvedCharts?: ResolvedItem[];
  effectiveVariables?: Record<string, string>;
}

export interface Version {
  version: number;
  author: string | null;
  createdAt: string;
  message: string | null;
}

export interface Diff {
  fromVersion: number;
  toVersion: number;
  changes: Array<Record<string, unknown>>;
}
