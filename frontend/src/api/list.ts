import type { Page } from "./types";

/** Lists come as `{items,total,page,size}`; tolerate a bare array too. */
export function itemsOf<T>(value: Page<T> | T[] | undefined | null): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.items ?? [];
}

/** Big enough to show every row of the small dictionaries in one page. */
export const ALL = { page: 0, size: 200 };
