// pairgate/react: provider, hooks and ready screens over pairgate/client. React is a peer dependency.
// Styles: import "pairgate/react/styles.css" once (prefixed classes, colours as --pg-* variables, no reset).
export { PairgateProvider, usePairgate, type PairgateProviderProps } from "./context.js";
export { useDevice, usePairing } from "./use-connection.js";
export { useCall, type CallHandle, type CallState } from "./use-call.js";
export { useEvent } from "./use-event.js";
export { useDevices, usePendingApprovals, type UseDevicesOptions } from "./use-devices.js";
export { ApproveCode, DevicesPanel, PairingScreen, RequireDevice } from "./components.js";
export * from "../client/index.js";
