// Reads #invite=TOKEN and #approve=CODE from the address and removes them at once with
// history.replaceState, so an invite token never stays in the address bar, history or a shared screenshot
// (docs/design.md#pairing). Pure apart from the two objects passed in.

export interface StartupFragment {
  invite: string | undefined;
  approveCode: string | undefined;
}

export interface FragmentLocation {
  hash: string;
  pathname: string;
  search: string;
}

export interface FragmentHistory {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | null): void;
}

export const DEVICES_ROUTE_HASH = "#/devices";

export function takeStartupFragment(location: FragmentLocation, history: FragmentHistory): StartupFragment {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const invite = params.get("invite")?.trim() || undefined;
  const approveCode = params.get("approve")?.trim() || undefined;
  if (!params.has("invite") && !params.has("approve")) return { invite: undefined, approveCode: undefined };
  // An approve link opens the Devices page with the code filled in; the admin still has to press Approve.
  const hash = approveCode !== undefined ? DEVICES_ROUTE_HASH : "";
  history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
  return { invite, approveCode };
}
