import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { cleanVariables, variableProblems, VariablesEditor, type DashboardVariable } from "@/pages/dashboards/variables-editor";

describe("dashboard variables", () => {
  it("names what is wrong with each variable", () => {
    expect(variableProblems([
      { name: "loaderCode", default: "A", options: ["A", "B"] },
      { name: "9lives" },
      { name: "loaderCode" },
      { name: "segment", default: "EU", options: ["US"] },
    ])).toEqual({
      1: "A name starts with a letter or _ and has only letters, digits and _",
      2: "“loaderCode” is already a variable of this dashboard",
      3: "The default must be one of the options",
    });
  });

  it("sends only what was filled in", () => {
    expect(cleanVariables([{ name: "loaderCode", label: " ", default: " DEMO ", options: ["DEMO"] }]))
      .toEqual([{ name: "loaderCode", default: "DEMO", options: ["DEMO"] }]);
  });

  it("adds, edits and removes variables, saying what is wrong as one types", async () => {
    const seen = vi.fn();
    function Harness() {
      const [value, setValue] = useState<DashboardVariable[]>([]);
      return <VariablesEditor value={value} onChange={(next) => { seen(next); setValue(next); }} />;
    }
    render(<Harness />);
    expect(screen.getByText("No variables.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /add variable/i }));
    await userEvent.type(screen.getByLabelText("Variable 1 name"), "1bad");
    expect(screen.getByRole("alert")).toHaveTextContent("starts with a letter");
    await userEvent.clear(screen.getByLabelText("Variable 1 name"));
    await userEvent.type(screen.getByLabelText("Variable 1 name"), "loaderCode");
    await userEvent.type(screen.getByLabelText("Variable 1 options"), "DEMO_PAYMENTS, DEMO_LOGINS");
    await userEvent.type(screen.getByLabelText("Variable 1 default"), "DEMO_LOGINS");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(seen).toHaveBeenLastCalledWith([
      { name: "loaderCode", label: "", default: "DEMO_LOGINS", options: ["DEMO_PAYMENTS", "DEMO_LOGINS"] },
    ]);
    await userEvent.click(screen.getByRole("button", { name: "Remove variable 1" }));
    expect(seen).toHaveBeenLastCalledWith([]);
  });
});
