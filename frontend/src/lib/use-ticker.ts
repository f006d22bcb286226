import { useEffect, useState } from "react";

/** A counter that increases every `ms` while enabled: lets relative time ranges slide forward. */
export function useTicker(ms: number, enabled: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const id = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
  return tick;
}

/** "12 s ago", refreshed every second. */
export function useAgo(timestampMs: number | undefined): string {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!timestampMs) return "never";
  const s = Math.max(0, Math.round((now - timestampMs) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  return `${Math.floor(s / 60)} min ago`;
}
