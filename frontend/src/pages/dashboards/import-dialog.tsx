import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { Loader2, Upload } from "lucide-react";
import { useImportDashboard } from "@/api/dashboards";
import { errorMessage } from "@/api/errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea, NativeSelect } from "@/components/ui/input";

/** Parse an exported dashboard document, saying what is wrong with it before sending. */
export function parseDashboardDocument(text: string): { document?: Record<string, unknown>; error?: string } {
  if (!text.trim()) return { error: "Paste or choose an exported dashboard JSON file." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `This is not valid JSON: ${(e as Error).message}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { error: "The document must be a JSON object (a dashboard export)." };
  return { document: value as Record<string, unknown> };
}

export function ImportDialog() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [mode, setMode] = useState<"new" | "overwrite">("new");
  const [problem, setProblem] = useState<string | null>(null);
  const importer = useImportDashboard();
  const navigate = useNavigate();

  const onFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  const submit = () => {
    const parsed = parseDashboardDocument(text);
    setProblem(parsed.error ?? null);
    if (!parsed.document) return;
    importer.mutate({ document: parsed.document, mode }, {
      onSuccess: (d) => { setOpen(false); setText(""); navigate(`/dashboards/${d.id}`); },
    });
  };

  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); setProblem(null); importer.reset(); }}>
      <DialogTrigger asChild><Button variant="outline"><Upload /> Import</Button></DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Import a dashboard</DialogTitle>
          <DialogDescription>A JSON document exported from Vigil: the dashboard with its charts, as kept in git.</DialogDescription>
        </DialogHeader>
        <input type="file" accept="application/json,.json" aria-label="Dashboard file" onChange={(e) => onFile(e.target.files?.[0])} className="text-sm file:mr-3 file:rounded-md file:border file:bg-background file:px-3 file:py-1.5 file:text-sm" />
        <Field label="Document" htmlFor="import-json" error={problem ?? undefined}>
          <Textarea id="import-json" value={text} onChange={(e) => setText(e.target.value)} rows={12} className="font-mono text-xs" placeholder='{"dashboard": {...}, "charts": [...]}' />
        </Field>
        <Field label="Ids" htmlFor="import-mode" hint={mode === "new" ? "Creates a new dashboard and new charts." : "Replaces the dashboard and charts with the same ids (a new version of each)."}>
          <NativeSelect id="import-mode" value={mode} onChange={(e) => setMode(e.target.value as "new" | "overwrite")}>
            <option value="new">Create new copies</option>
            <option value="overwrite">Overwrite existing</option>
          </NativeSelect>
        </Field>
        {importer.error && <Alert variant="destructive">{errorMessage(importer.error)}</Alert>}
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)}>Cancel</Button>
          <Button onClick={submit} disabled={importer.isPending}>{importer.isPending && <Loader2 className="animate-spin" />} Import</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
