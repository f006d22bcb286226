import { useState } from "react";
import { Loader2, Plus } from "lucide-react";
import { useCreateSegment } from "@/api/loaders";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

/** The API's segment code pattern, checked before sending. */
export const SEGMENT_CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Add a code to the segments dictionary without leaving the editor; it is selected at once. */
export function NewSegment({ onCreated, known = [] }: { onCreated: (code: string) => void; known?: string[] }) {
  const create = useCreateSegment();
  const [code, setCode] = useState("");
  const [description, setDescription] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    const value = code.trim();
    if (!SEGMENT_CODE.test(value)) return setProblem("Letters, digits and _ . : - only, starting with a letter or digit (at most 64).");
    setProblem(null);
    if (known.includes(value)) {
      // Already in the dictionary: just select it.
      onCreated(value);
      setCode("");
      setDescription("");
      return;
    }
    create.mutate({ segmentCode: value, description: description.trim() }, {
      onSuccess: (s) => { onCreated(s.segmentCode); setCode(""); setDescription(""); },
      onError: (e) => setProblem(errorMessage(e)),
    });
  };
  return (
    <div className="space-y-1.5">
      <div className="flex gap-2">
        <Input aria-label="New segment code" className="w-28 shrink-0" placeholder="EU_WEST" value={code} onChange={(e) => setCode(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); submit(); } }} />
        <Input aria-label="New segment description" className="min-w-0 flex-1" placeholder="Description (optional)" value={description} onChange={(e) => setDescription(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); submit(); } }} />
        <Button type="button" variant="outline" size="icon" className="shrink-0" onClick={submit} disabled={create.isPending} aria-label="Add segment">
          {create.isPending ? <Loader2 className="animate-spin" /> : <Plus />}
        </Button>
      </div>
      {problem && <p className="text-xs font-medium text-destructive" role="alert">{problem}</p>}
    </div>
  );
}
