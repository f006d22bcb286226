import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { Activity, AlertTriangle, Loader2 } from "lucide-react";
import { api } from "@/api/client";
import { errorMessage } from "@/api/errors";
import { useAuth } from "@/lib/auth-store";
import { loginSchema, type LoginForm } from "@/lib/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Field } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/dashboards";
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signedIn = useAuth((s) => !!s.session);
  const expired = useAuth((s) => s.expired);
  const [failure, setFailure] = useState<string | null>(null);
  const { register, handleSubmit, formState: { errors, isSubmitting } } = useForm<LoginForm>({ resolver: zodResolver(loginSchema) });
  const next = safeNext(params.get("next"));

  if (signedIn) return <Navigate to={next} replace />;

  const onSubmit = async (values: LoginForm) => {
    setFailure(null);
    try {
      await api.login(values.username, values.password);
      navigate(next, { replace: true });
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };

  return (
    <div className="flex min-h-screen items-center justify-center bg-gradient-to-b from-slate-50 to-slate-100 p-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-xl font-semibold tracking-tight">
          <span className="flex h-9 w-9 items-center justify-center rounded-lg bg-primary text-primary-foreground"><Activity className="h-5 w-5" /></span>
          Vigil
        </div>
        <Card>
          <CardHeader>
            <CardTitle className="text-lg">Sign in</CardTitle>
            <CardDescription>Monitoring, alerting and incidents for your operations team.</CardDescription>
          </CardHeader>
          <CardContent>
            {(params.get("expired") || expired) && !failure && (
              <Alert variant="warning" className="mb-4"><AlertTriangle />Your session has ended. Please sign in again.</Alert>
            )}
            {failure && <Alert variant="destructive" className="mb-4"><AlertTriangle />{failure}</Alert>}
            <form onSubmit={handleSubmit(onSubmit)} className="space-y-4" noValidate>
              <Field label="Username" htmlFor="username" error={errors.username?.message}>
                <Input id="username" autoComplete="username" autoFocus aria-invalid={!!errors.username} {...register("username")} />
              </Field>
              <Field label="Password" htmlFor="password" error={errors.password?.message}>
                <Input id="password" type="password" autoComplete="current-password" aria-invalid={!!errors.password} {...register("password")} />
              </Field>
              <Button type="submit" className="w-full" disabled={isSubmitting}>
                {isSubmitting && <Loader2 className="animate-spin" />} Sign in
              </Button>
            </form>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
