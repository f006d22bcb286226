import { useMemo, type ReactNode } from "react";
import GridLayout, { WidthProvider, type Layout } from "react-grid-layout";
import type { GridItem } from "@/api/types";

const Grid = WidthProvider(GridLayout);
export const GRID_COLUMNS = 12;
export const ROW_HEIGHT = 32;

interface Props {
  items: GridItem[];
  editable?: boolean;
  onLayoutChange?: (layout: Layout[]) => void;
  render: (item: GridItem, index: number) => ReactNode;
}

/** The 12-column grid of a dashboard (react-grid-layout); drag by the tile header, resize at the corner. */
export function DashboardGrid({ items, editable, onLayoutChange, render }: Props) {
  const layout = useMemo<Layout[]>(
    () => items.map((c, i) => ({ i: `${i}:${c.chartId}`, x: c.x, y: c.y, w: c.w, h: c.h, minW: 2, minH: 4 })),
    [items],
  );
  return (
    <Grid
      layout={layout}
      cols={GRID_COLUMNS}
      rowHeight={ROW_HEIGHT}
      margin={[12, 12]}
      containerPadding={[0, 0]}
      isDraggable={!!editable}
      isResizable={!!editable}
      draggableHandle=".drag-handle"
      compactType="vertical"
      onLayoutChange={onLayoutChange}
      useCSSTransforms
    >
      {items.map((item, i) => (
        <div key={`${i}:${item.chartId}`} data-grid-item={i}>{render(item, i)}</div>
      ))}
    </Grid>
  );
}

/** Grid positions after a drag or resize, back onto the items in their order. */
export function applyLayout(items: GridItem[], layout: Layout[]): GridItem[] {
  const byKey = new Map(layout.map((l) => [l.i, l]));
  return items.map((item, i) => {
    const l = byKey.get(`${i}:${item.chartId}`);
    return l ? { ...item, x: l.x, y: l.y, w: l.w, h: l.h } : item;
  });
}

/** Where a new chart goes: the next free half-row at the bottom. */
export function nextPlacement(items: GridItem[], w = 6, h = 8): { x: number; y: number; w: number; h: number } {
  const bottom = items.reduce((max, c) => Math.max(max, c.y + c.h), 0);
  const lastRow = items.filter((c) => c.y + c.h === bottom && bottom > 0);
  const usedRight = lastRow.reduce((max, c) => Math.max(max, c.x + c.w), 0);
  if (lastRow.length && usedRight + w <= GRID_COLUMNS) {
    const y = Math.min(...lastRow.map((c) => c.y));
    const overlaps = items.some((c) => c.x < usedRight + w && c.x + c.w > usedRight && c.y < y + h && c.y + c.h > y);
    if (!overlaps) return { x: usedRight, y, w, h };
  }
  return { x: 0, y: bottom, w, h };
}
