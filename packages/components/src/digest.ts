import { createHash } from "node:crypto";
import { canonical } from "@trestle/railway";

/** A short, stable digest of settings, for deployment triggers (never of secret values). */
export function digest(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex").slice(0, 16);
}
