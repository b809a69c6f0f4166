// pairgate/react: provider, hooks and ready screens over pairgate/client. React is a peer dependency.
// Styles: import "pairgate/react/styles.css" once (prefixed classes, colours as --pg-* variables, no reset).
export { PairgateProvider, usePairgate, type PairgateProviderProps } from "./context.js";
export { useCall, useDevice, useDevices, useEvent, usePairing, usePendingApprovals } from "./hooks.js";
export { ApproveCode, DevicesPanel, PairingScreen, RequireDevice } from "./components.js";
export * from "../client/index.js";
