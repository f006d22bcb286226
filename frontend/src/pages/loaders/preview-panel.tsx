import { AlertTriangle, CheckCircle2 } from "lucide-react";
import type { Preview } from "@/api/types";
import { Alert } from "@/components/ui/alert";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDuration } from "@/lib/utils";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The first rows a loader's SQL returns, and what a run would make of them. */
export function PreviewPanel({ preview }: { preview: Preview }) {
  const problems = preview.errors ?? [];
  return (
    <div className="space-y-3" data-testid="preview-panel">
      <Alert variant={problems.length ? "warning" : "success"}>
        {problems.length ? <AlertTriangle /> : <CheckCircle2 />}
        <div>
          {preview.rows.length} row{preview.rows.length === 1 ? "" : "s"}{preview.truncated ? " (first 100 shown)" : ""}
          {preview.points ? ` → ${preview.points.length} signal point${preview.points.length === 1 ? "" : "s"}` : ""}
          {preview.skipped ? `, ${preview.skipped} outside the selected segments` : ""}
          {preview.durationMs !== undefined ? ` · ${formatDuration(preview.durationMs)}` : ""}. Nothing was written.
          {problems.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {problems.slice(0, 5).map((p, i) => <li key={i}>{p.row !== undefined ? `Row ${p.row}: ` : ""}{p.message}</li>)}
            </ul>
          )}
        </div>
      </Alert>
      {preview.rows.length > 0 && (
        <div className="max-h-72 overflow-auto rounded-md border">
          <Table>
            <TableHeader className="sticky top-0 bg-muted">
              <TableRow>{preview.columns.map((c) => <TableHead key={c} className="font-mono normal-case">{c}</TableHead>)}</TableRow>
            </TableHeader>
            <TableBody>
              {preview.rows.map((row, i) => (
                <TableRow key={i}>
                  {preview.columns.map((c) => <TableCell key={c} className="whitespace-nowrap py-1.5 font-mono text-xs">{cell(row[c])}</TableCell>)}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
