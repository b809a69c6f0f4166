// Screens outside the pairing path load on demand, keeping the first download small (docs/design.md#targets).
// The pairing, connecting, unreachable, wrong-protocol and storage screens stay in the entry chunk:
// they must render when the gateway is down or was upgraded and old chunks are gone.
import { preloadableLazy } from "./lib/preloadable-lazy.js";

const loadOutcomes = () => import("./pages/outcome-pages.js");

const home = preloadableLazy(
  () => import("./pages/paired-home-page.js"),
  (module) => module.PairedHomePage,
);
const devices = preloadableLazy(
  () => import("./pages/devices-page.js"),
  (module) => module.DevicesPage,
);
const revoked = preloadableLazy(loadOutcomes, (module) => module.RevokedPage);
const rejected = preloadableLazy(loadOutcomes, (module) => module.RejectedPage);
const expired = preloadableLazy(loadOutcomes, (module) => module.ExpiredPage);
const rateLimited = preloadableLazy(loadOutcomes, (module) => module.RateLimitedPage);
const authFailed = preloadableLazy(loadOutcomes, (module) => module.AuthFailedPage);
const failed = preloadableLazy(loadOutcomes, (module) => module.FailedPage);
const notices = preloadableLazy(
  () => import("./components/live-notices.js"),
  (module) => module.LiveNotices,
);
// Admin-only: in the Devices page's chunk, which viewers never load.
const adminAlerts = preloadableLazy(
  () => import("./pages/devices-page.js"),
  (module) => module.AdminAlerts,
);

export const PairedHomePage = home.Component;
export const DevicesPage = devices.Component;
export const RevokedPage = revoked.Component;
export const RejectedPage = rejected.Component;
export const ExpiredPage = expired.Component;
export const RateLimitedPage = rateLimited.Component;
export const AuthFailedPage = authFailed.Component;
export const FailedPage = failed.Component;
export const LiveNotices = notices.Component;
export const AdminAlerts = adminAlerts.Component;

/** Warms the lazy screens once the gateway has answered, so approval or a revoke shows without a blank frame. */
export function prefetchScreens(isAdmin: boolean): void {
  const outcomes = [home, revoked, rejected, expired, rateLimited, authFailed, failed, notices];
  for (const screen of isAdmin ? [...outcomes, devices] : outcomes) {
    // Not fatal here: rendering retries the load, and ChunkErrorBoundary explains a second failure.
    screen.preload().catch((error: unknown) => console.warn("pairgate: prefetch failed", error));
  }
}
