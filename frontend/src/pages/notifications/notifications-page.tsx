import { useSearchParams } from "react-router-dom";
import { PageHeader } from "@/components/states";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { ContactGroupsPanel } from "./contact-groups";
import { PoliciesPanel } from "./policies";
import { DeliveryLogPanel } from "./delivery-log";
import { EscalationsPanel } from "./escalations";

const TABS = ["policies", "groups", "escalations", "log"] as const;

export default function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get("tab")) ?? "policies";
  return (
    <div>
      <PageHeader title="Notifications" description="Escalation policies, the contact groups they reach, and a log of every message sent." />
      <Tabs value={tab} onValueChange={(v) => setParams(v === "policies" ? {} : { tab: v }, { replace: true })}>
        <TabsList className="mb-3">
          <TabsTrigger value="policies">Escalation policies</TabsTrigger>
          <TabsTrigger value="groups">Contact groups</TabsTrigger>
          <TabsTrigger value="escalations">Escalations</TabsTrigger>
          <TabsTrigger value="log">Delivery log</TabsTrigger>
        </TabsList>
        <TabsContent value="policies" className="mt-0"><PoliciesPanel /></TabsContent>
        <TabsContent value="groups" className="mt-0"><ContactGroupsPanel /></TabsContent>
        <TabsContent value="escalations" className="mt-0"><EscalationsPanel /></TabsContent>
        <TabsContent value="log" className="mt-0"><DeliveryLogPanel /></TabsContent>
      </Tabs>
    </div>
  );
}
