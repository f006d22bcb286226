import CodeMirror from "@uiw/react-codemirror";
import { sql, PostgreSQL, MySQL } from "@codemirror/lang-sql";
import { useMemo } from "react";

interface Props {
  value: string;
  onChange?: (value: string) => void;
  dialect?: "postgresql" | "mysql";
  readOnly?: boolean;
  height?: string;
  id?: string;
  invalid?: boolean;
}

/** CodeMirror 6 with SQL highlighting in the source's dialect. */
export default function SqlEditor({ value, onChange, dialect = "postgresql", readOnly, height = "220px", id, invalid }: Props) {
  const extensions = useMemo(() => [sql({ dialect: dialect === "mysql" ? MySQL : PostgreSQL, upperCaseKeywords: true })], [dialect]);
  return (
    <div
      id={id}
      data-testid="sql-editor"
      className={`overflow-hidden rounded-md border text-[13px] ${invalid ? "border-destructive" : "border-input"}`}
    >
      <CodeMirror
        value={value}
        height={height}
        extensions={extensions}
        editable={!readOnly}
        readOnly={readOnly}
        basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: !readOnly }}
        onChange={onChange}
      />
    </div>
  );
}
