import { describe, expect, it } from "vitest";
import { fdLimitWarning, parseOpenFileLimit } from "../../server/src/config/fd-limit.js";
import { DEFAULT_LIMITS } from "../../server/src/gateway/limits.js";

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe("open-file limit", () => {
  it("reads the soft limit from /proc/self/limits", () => {
    expect(parseOpenFileLimit(PROC_LIMITS)).toBe(1024);
    expect(parseOpenFileLimit(PROC_LIMITS.replace("1024                 524288", "unlimited            unlimited"))).toBeNull();
    expect(parseOpenFileLimit("")).toBeNull();
  });

  it("warns when the default caps can reach ulimit -n 1024, naming the flags, and not at 65536", () => {
    const warning = fdLimitWarning(DEFAULT_LIMITS, 1024);
    expect(warning).toContain("ulimit -n 1024");
    expect(warning).toContain("--max-unauth-total");
    expect(fdLimitWarning(DEFAULT_LIMITS, 65_536)).toBeNull();
    expect(fdLimitWarning({ ...DEFAULT_LIMITS, unauthTotal: 256 }, 1024)).toBeNull();
    expect(fdLimitWarning(DEFAULT_LIMITS, null)).toBeNull();
  });
});
