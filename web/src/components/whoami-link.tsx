// Link to the gateway's own account of this browser's request (GET /whoami), opened in a new tab.
import { whoamiUrl } from "../gateway/whoami.js";

export function WhoamiLink() {
  return (
    <a className="small" href={whoamiUrl(location.origin)} target="_blank" rel="noreferrer" data-testid="whoami-link">
      What the gateway sees, in detail
    </a>
  );
}
