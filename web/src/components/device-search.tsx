// The search box over paired devices. The gateway does the searching (name, fingerprint or id prefix), so it
// works the same at 10 devices and at 10,000.
import { DEVICE_QUERY_MAX } from "../../../shared/protocol/device-search.js";
import { Field } from "../ui/field.js";

export function DeviceSearch({ query, onQueryChange }: { query: string; onQueryChange(query: string): void }) {
  return (
    <Field label="Search devices" className="device-search">
      {({ id }) => (
        <input
          id={id}
          type="search"
          className="input"
          data-testid="device-search"
          value={query}
          maxLength={DEVICE_QUERY_MAX}
          placeholder="Name, fingerprint or id"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onQueryChange(event.target.value)}
        />
      )}
    </Field>
  );
}
