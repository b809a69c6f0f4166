// Two pages after pairing, addressed by the hash: "#/devices" or home. No router library needed.
import { useCallback, useSyncExternalStore } from "react";

export type Route = "home" | "devices";

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

function readRoute(): Route {
  return window.location.hash.startsWith("#/devices") ? "devices" : "home";
}

export function useRoute() {
  const route = useSyncExternalStore(subscribe, readRoute);
  const navigate = useCallback((next: Route) => {
    window.location.hash = next === "devices" ? "#/devices" : "#/";
  }, []);
  return { route, navigate };
}
