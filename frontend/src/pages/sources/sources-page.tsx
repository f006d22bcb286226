import { useMemo, useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { CheckCircle2, Database, Loader2, Pencil, PlugZap, Plus, Search, Trash2, XCircle } from "lucide-react";
import { useComplianceOverride, useDeleteSource, useSources, useTestSource } from "@/api/sources";
import { errorMessage } from "@/api/errors";
import type { ConnectionTest, Source } from "@/api/types";
import { useCan } from "@/lib/auth-store";
import { formatDateTime } from "@/lib/utils";
import { DataTable } from "@/components/data-table";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/states";
import { ConfirmAction } from "@/components/confirm-button";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { toast } from "@/components/ui/toast";
import { ComplianceBadge } from "./compliance-badge";
import { SourceDialog } from "./source-dialog";

function Override({ source }: { source: Source }) {
  const override = useComplianceOverride();
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const done = (text: string) => ({ onSuccess: () => toast.success(text), onError: (e: unknown) => setProblem(errorMessage(e)) });
  if (source.complianceOverride) {
    return (
      <div className="mt-3 space-y-2 border-t pt-3 text-sm">
        <p><span className="font-medium">Override</span> by {source.complianceOverride.by}, {formatDateTime(source.complianceOverride.at)}: “{source.complianceOverride.reason}”</p>
        <Button variant="outline" size="sm" disabled={override.isPending} onClick={() => override.mutate({ id: source.id, reason: null }, done("Override withdrawn: loaders stop using this source"))}>
          Withdraw override
        </Button>
        {problem && <p className="text-xs text-destructive" role="alert">{problem}</p>}
      </div>
    );
  }
  return (
    <div className="mt-3 space-y-2 border-t pt-3">
      <Label htmlFor={`override-${source.id}`}>Let loaders use it anyway</Label>
      <Textarea id={`override-${source.id}`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Why this is acceptable (audited)" />
      {problem && <p className="text-xs text-destructive" role="alert">{problem}</p>}
      <Button size="sm" variant="destructive" disabled={override.isPending} onClick={() => {
        if (reason.trim().length < 5) return setProblem("Give a reason of at least 5 characters.");
        setProblem(null);
        override.mutate({ id: source.id, reason: reason.trim() }, done("Override recorded"));
      }}>Record override</Button>
    </div>
  );
}

function Findings({ source }: { source: Source }) {
  const isAdmin = useCan("ADMIN");
  const findings = source.complianceFindings ?? [];
  if (findings.length === 0) return null;
  return (
    <Popover>
      <PopoverTrigger asChild>
        <button className="text-xs font-medium text-primary underline-offset-2 hover:underline">
          {findings.length} finding{findings.length === 1 ? "" : "s"}
        </button>
      </PopoverTrigger>
      <PopoverContent className="w-96">
        <p className="mb-2 text-sm font-semibold">What this user may do besides reading</p>
        <ul className="space-y-2 text-sm">
          {findings.map((f, i) => (
            <li key={i} className="rounded-md border bg-muted/40 p-2">
              <p className="font-mono text-xs text-muted-foreground">{f.code}{f.object ? ` · ${f.object}` : ""}</p>
              <p>{f.message}</p>
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs text-muted-foreground">Checked {formatDateTime(source.complianceCheckedAt)}. Loaders do not run against it{source.complianceOverride ? " unless overridden (it is)" : " without an override"}.</p>
        {isAdmin && source.readOnlyCompliant === false && <Override source={source} />}
      </PopoverContent>
    </Popover>
  );
}

export default function SourcesPage() {
  const sources = useSources();
  const canWrite = useCan("ADMIN");
  const test = useTestSource();
  const remove = useDeleteSource();
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<Source | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [results, setResults] = useState<Record<string, ConnectionTest | { error: string; ok: false }>>({});

  const runTest = async (source: Source) => {
    try {
      const result = await test.mutateAsync(source.id);
      setResults((r) => ({ ...r, [source.id]: result }));
      if (result.ok) toast.success(`Connected to ${source.name}${result.serverVersion ? ` (${result.serverVersion})` : ""}`);
      else toast.error(`Connection to ${source.name} failed: ${result.error ?? "unknown error"}`);
    } catch (err) {
      setResults((r) => ({ ...r, [source.id]: { ok: false, error: errorMessage(err) } }));
      toast.error(errorMessage(err));
    }
  };

  const columns = useMemo<ColumnDef<Source, unknown>[]>(() => [
    {
      accessorKey: "name", header: "Name",
      cell: ({ row }) => <span className="font-medium">{row.original.name}</span>,
    },
    { accessorKey: "type", header: "Type", cell: ({ row }) => (row.original.type === "mysql" ? "MySQL" : "PostgreSQL") },
    {
      id: "endpoint", header: "Connection string", accessorFn: (s) => `${s.userName}@${s.host}:${s.port}/${s.dbName}`,
      cell: ({ row }) => (
        <span className="block max-w-[22rem] truncate font-mono text-xs" title={`${row.original.userName}@${row.original.host}:${row.original.port}/${row.original.dbName}`}>
          {row.original.userName}<span className="text-muted-foreground">@</span>{row.original.host}:{row.original.port}/{row.original.dbName}
        </span>
      ),
    },
    { id: "password", header: "Password", enableSorting: false, cell: ({ row }) => <span className="font-mono text-xs text-muted-foreground">{row.original.password || "***"}</span> },
    {
      id: "compliance", header: "Compliance", accessorFn: (s) => String(s.readOnlyCompliant),
      cell: ({ row }) => <div className="flex items-center gap-2"><ComplianceBadge source={row.original} /><Findings source={row.original} /></div>,
    },
    {
      id: "test", header: "Connection", enableSorting: false,
      cell: ({ row }) => {
        const r = results[row.original.id];
        if (!r) return <span className="text-xs text-muted-foreground">Not tested</span>;
        return r.ok
          ? <span className="inline-flex items-center gap-1 text-xs text-success"><CheckCircle2 className="h-3.5 w-3.5" /> OK</span>
          : <span className="inline-flex items-center gap-1 text-xs text-destructive" title={r.error ?? ""}><XCircle className="h-3.5 w-3.5" /> Failed</span>;
      },
    },
    {
      id: "actions", header: "", enableSorting: false,
      cell: ({ row }) => {
        const s = row.original;
        const testing = test.isPending && test.variables === s.id;
        return (
          <div className="flex justify-end gap-1">
            <Button variant="outline" size="sm" onClick={() => runTest(s)} disabled={testing} aria-label={`Test connection to ${s.name}`}>
              {testing ? <Loader2 className="animate-spin" /> : <PlugZap />} Test
            </Button>
            {canWrite && (
              <>
                <Button variant="ghost" size="icon" aria-label={`Edit ${s.name}`} onClick={() => { setEditing(s); setDialogOpen(true); }}><Pencil /></Button>
                <ConfirmAction
                  title={`Delete source “${s.name}”?`}
                  description="Loaders that use it will stop running. Signals already collected are kept."
                  onConfirm={() => remove.mutate(s.id, {
                    onSuccess: () => toast.success(`Source “${s.name}” deleted`),
                    onError: (e) => toast.error(errorMessage(e)),
                  })}
                >
                  <Button variant="ghost" size="icon" aria-label={`Delete ${s.name}`}><Trash2 className="text-destructive" /></Button>
                </ConfirmAction>
              </>
            )}
          </div>
        );
      },
    },
  ], [results, test.isPending, test.variables, canWrite]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div>
      <PageHeader
        title="Source databases"
        description="The PostgreSQL and MySQL databases loaders read from. Credentials are encrypted at rest and never shown."
        actions={canWrite && <Button onClick={() => { setEditing(null); setDialogOpen(true); }}><Plus /> New source</Button>}
      />
      <Card>
        <div className="flex items-center gap-2 border-b p-3">
          <div className="relative w-72">
            <Search className="absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
            <Input placeholder="Search sources…" className="pl-8" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Search sources" />
          </div>
        </div>
        {sources.isLoading ? <LoadingState label="Loading sources…" /> : sources.isError ? (
          <ErrorState error={sources.error} onRetry={() => sources.refetch()} title="Could not load the sources" />
        ) : (
          <DataTable
            columns={columns}
            data={sources.data ?? []}
            globalFilter={filter}
            rowTestId={(s) => `source-row-${s.name}`}
            empty={<EmptyState icon={<Database className="h-6 w-6" />} title={filter ? "No source matches your search" : "No source databases yet"}
              description={filter ? undefined : "Add the database your loaders will read from."}
              action={canWrite && !filter ? <Button onClick={() => { setEditing(null); setDialogOpen(true); }}><Plus /> New source</Button> : undefined} />}
          />
        )}
      </Card>
      <SourceDialog open={dialogOpen} onOpenChange={setDialogOpen} source={editing} />
    </div>
  );
}
