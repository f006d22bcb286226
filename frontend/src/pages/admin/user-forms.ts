import { z } from "zod";

/** The identity API's rules for users (vigil/identity/schemas.py), in words. */
export const passwordRule = z.string().min(8, "At least 8 characters").max(200, "At most 200 characters");

export const newUserSchema = z.object({
  username: z.string().trim().min(3, "At least 3 characters").max(64, "At most 64 characters")
    .regex(/^[A-Za-z0-9._@-]+$/, "Letters, digits and . _ @ - only"),
  email: z.string().trim().refine((v) => !v || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "Not an e-mail address"),
  role: z.enum(["ADMIN", "OPERATOR", "VIEWER"]),
  password: passwordRule,
  confirm: z.string(),
}).refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match" });
export type NewUserForm = z.infer<typeof newUserSchema>;
