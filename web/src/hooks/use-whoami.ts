// Loads /whoami once per unreachable episode, so the screen can say why the gateway refuses this browser.
import { useEffect, useState } from "react";
import { fetchWhoami, type WhoamiFacts } from "../gateway/whoami.js";

export function useWhoami(attempt: number): { status: "loading" | "ready" | "unavailable"; data: WhoamiFacts | null } {
  const [state, setState] = useState<{ status: "loading" | "ready" | "unavailable"; data: WhoamiFacts | null }>({ status: "loading", data: null });
  const shouldLoad = attempt <= 1 || attempt % 5 === 0; // not on every backoff tick
  useEffect(() => {
    if (!shouldLoad) return;
    let isCurrent = true;
    void fetchWhoami(location.origin).then((data) => {
      if (isCurrent) setState({ status: data ? "ready" : "unavailable", data });
    });
    return () => {
      isCurrent = false;
    };
  }, [shouldLoad, attempt]);
  return state;
}
