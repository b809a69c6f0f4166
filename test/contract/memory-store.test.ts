// The DeviceStore contract against the in-memory store that unit tests use.
import { MemoryStore } from "../../server/src/store/memory-store.js";
import { runDeviceStoreContract } from "./device-store.contract.js";

runDeviceStoreContract("MemoryStore", {
  open: async () => new MemoryStore(),
});
