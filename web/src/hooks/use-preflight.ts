// The pre-flight result started at boot, as plain notes for the pairing screen.
import { useEffect, useState } from "react";
import type { KeyStorage } from "../../../shared/protocol/views.js";
import { describePreflight, type PreflightNote, type PreflightResult } from "../preflight.js";
import { useAppServices } from "./app-services.js";

export function usePreflight(keyStorage: KeyStorage | null) {
  const { preflight } = useAppServices();
  const [result, setResult] = useState<PreflightResult | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void preflight.then((value) => {
      if (isCurrent) setResult(value);
    });
    return () => {
      isCurrent = false;
    };
  }, [preflight]);
  const notes: PreflightNote[] = result ? describePreflight(result, keyStorage) : [];
  return { status: result ? ("ready" as const) : ("loading" as const), data: notes, error: null };
}
