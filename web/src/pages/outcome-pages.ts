// The screens reached only after the gateway answered (revoked, rejected, expired, limits, failures),
// bundled into one lazily loaded chunk.
export { AuthFailedPage } from "./auth-failed-page.js";
export { ExpiredPage } from "./expired-page.js";
export { FailedPage } from "./failed-page.js";
export { RateLimitedPage } from "./rate-limited-page.js";
export { RejectedPage } from "./rejected-page.js";
export { RevokedPage } from "./revoked-page.js";
