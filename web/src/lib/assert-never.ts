// The one assertNever lives in shared/; this path stays for the dashboard's imports.
export { assertNever } from "../../../shared/assert-never.js";
