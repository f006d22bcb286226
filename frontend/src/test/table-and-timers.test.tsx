import { describe, expect, it, vi } from "vitest";
import { act, render, renderHook, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ColumnDef } from "@tanstack/react-table";
import { DataTable } from "@/components/data-table";
import { useAgo, useTicker } from "@/lib/use-ticker";

interface Row { code: string; rows: number }
const columns: ColumnDef<Row, unknown>[] = [
  { accessorKey: "code", header: "Code" },
  { accessorKey: "rows", header: "Rows" },
];

describe("DataTable", () => {
  it("filters with the search text and sorts by a column", async () => {
    const data = [{ code: "ORDERS", rows: 5 }, { code: "PAYMENTS", rows: 50 }, { code: "LOGINS", rows: 1 }];
    const { rerender } = render(<DataTable columns={columns} data={data} globalFilter="" />);
    const cells = () => screen.getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("cell")[0].textContent);
    // Numbers sort largest first on the first click (TanStack's default), text A→Z.
    await userEvent.click(screen.getByRole("button", { name: /Rows/ }));
    expect(cells()).toEqual(["PAYMENTS", "ORDERS", "LOGINS"]);
    await userEvent.click(screen.getByRole("button", { name: /Code/ }));
    expect(cells()).toEqual(["LOGINS", "ORDERS", "PAYMENTS"]);
    rerender(<DataTable columns={columns} data={data} globalFilter="pay" />);
    expect(cells()).toEqual(["PAYMENTS"]);
  });

  it("shows the empty state when nothing matches", () => {
    render(<DataTable columns={columns} data={[]} empty={<p>Nothing here</p>} />);
    expect(screen.getByText("Nothing here")).toBeInTheDocument();
  });

  it("keeps only the visible rows of a long list in the page", () => {
    const data = Array.from({ length: 2000 }, (_, i) => ({ code: `L${i}`, rows: i }));
    render(<DataTable columns={columns} data={data} />);
    const rendered = screen.getAllByRole("row").length;
    expect(rendered).toBeLessThan(100);
    expect(screen.queryByText("L1999")).not.toBeInTheDocument();
  });
});

describe("refresh timers", () => {
  it("ticks every interval while enabled, and not when paused", () => {
    vi.useFakeTimers();
    try {
      const { result, rerender } = renderHook(({ on }) => useTicker(30_000, on), { initialProps: { on: true } });
      expect(result.current).toBe(0);
      act(() => vi.advanceTimersByTime(60_000));
      expect(result.current).toBe(2);
      rerender({ on: false });
      act(() => vi.advanceTimersByTime(60_000));
      expect(result.current).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("says how long ago the data was updated", () => {
    vi.useFakeTimers();
    try {
      const at = Date.now();
      const { result } = renderHook(() => useAgo(at));
      expect(result.current).toBe("just now");
      act(() => vi.advanceTimersByTime(42_000));
      expect(result.current).toBe("42 s ago");
      act(() => vi.advanceTimersByTime(120_000));
      expect(result.current).toBe("2 min ago");
    } finally {
      vi.useRealTimers();
    }
  });
});
