import type { Bucket } from "@/api/types";

export type Preset = "1h" | "6h" | "24h" | "7d" | "30d";
export type TimeRange = { preset: Preset } | { preset: "custom"; from: number; to: number };

export const PRESETS: Array<{ value: Preset; label: string; seconds: number }> = [
  { value: "1h", label: "Last 1 hour", seconds: 3600 },
  { value: "6h", label: "Last 6 hours", seconds: 6 * 3600 },
  { value: "24h", label: "Last 24 hours", seconds: 86400 },
  { value: "7d", label: "Last 7 days", seconds: 7 * 86400 },
  { value: "30d", label: "Last 30 days", seconds: 30 * 86400 },
];

export const BUCKETS: Bucket[] = ["1m", "5m", "15m", "1h", "1d"];

/** Absolute epoch-second bounds of a range; presets end now (rounded down to the second). */
export function resolveRange(range: TimeRange, nowMs = Date.now()): { from: number; to: number } {
  if (range.preset === "custom") return { from: range.from, to: range.to };
  const to = Math.floor(nowMs / 1000);
  const seconds = PRESETS.find((p) => p.value === range.preset)!.seconds;
  return { from: to - seconds, to };
}

export function rangeLabel(range: TimeRange): string {
  if (range.preset !== "custom") return PRESETS.find((p) => p.value === range.preset)!.label;
  const fmt = (s: number) => new Date(s * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return `${fmt(range.from)} → ${fmt(range.to)}`;
}

/** `datetime-local` input value (local time) ↔ epoch seconds. */
export function toLocalInput(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

const RELATIVE = /^now-(\d+)([mhdw])$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };

/** A dashboard's stored range (`{from: "now-24h", to: "now"}` or epochs) → a TimeRange. */
export function fromDashboardRange(value: { from: string | number; to: string | number } | null | undefined, nowMs = Date.now()): TimeRange {
  if (!value) return { preset: "24h" };
  const { from, to } = value;
  if (typeof from === "string" && to === "now") {
    const m = RELATIVE.exec(from);
    if (m) {
      const seconds = Number(m[1]) * UNIT_SECONDS[m[2]];
      const preset = PRESETS.find((p) => p.seconds === seconds);
      if (preset) return { preset: preset.value };
      const end = Math.floor(nowMs / 1000);
      return { preset: "custom", from: end - seconds, to: end };
    }
  }
  const asEpoch = (v: string | number) => (typeof v === "number" ? v : v === "now" ? Math.floor(nowMs / 1000) : Number(v));
  const f = asEpoch(from);
  const t = asEpoch(to);
  return Number.isFinite(f) && Number.isFinite(t) && f < t ? { preset: "custom", from: f, to: t } : { preset: "24h" };
}

/** A TimeRange → what a dashboard stores: presets stay relative so the dashboard keeps sliding. */
export function toDashboardRange(range: TimeRange): { from: string | number; to: string | number } {
  if (range.preset === "custom") return { from: range.from, to: range.to };
  return { from: `now-${range.preset}`, to: "now" };
}
