// Loads /whoami once per unreachable episode, so the screen can say why the gateway refuses this browser.
import { useEffect, useState } from "react";
import { fetchWhoami, type WhoamiFacts } from "../gateway/whoami.js";

export function useWhoami(attempt: number): { status: "loading" | "ready" | "unavailable"; data: WhoamiFacts | null } {
  const [state, setState] = useState<{ status: "loading" | "ready" | "unavailable"; data: WhoamiFacts | null }>({ status: "loading", data: null });
  // One load for attempts 0–4, then one per five (not on every backoff tick). Keyed on that, not on the attempt, so a
  // slow answer is not dropped when the next attempt starts without a load of its own.
  const loadFor = attempt < 5 ? 0 : attempt - (attempt % 5);
  useEffect(() => {
    let isCurrent = true;
    void fetchWhoami(location.origin).then((data) => {
      if (isCurrent) setState({ status: data ? "ready" : "unavailable", data });
    });
    return () => {
      isCurrent = false;
    };
  }, [loadFor]);
  return state;
}
