// Link to the gateway's own account of this browser's request (GET /whoami), a page with a link back here.
import { whoamiUrl } from "../gateway/whoami.js";

export function WhoamiLink() {
  return (
    <a className="small" href={whoamiUrl(location.origin)} data-testid="whoami-link">
      What the gateway sees, in detail
    </a>
  );
}
