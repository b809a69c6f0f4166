// One pairgate client per React tree. Pass a client you made with createPairgateClient(), or options and the
// provider makes (and on unmount disposes) one.
import { createContext, use, useEffect, useState, type ReactNode } from "react";
import { createPairgateClient, type MethodsShape, type PairgateClient, type PairgateClientOptions } from "../client/index.js";

const PairgateContext = createContext<PairgateClient<MethodsShape> | null>(null);

export type PairgateProviderProps = { children?: ReactNode } & (
  | { client: PairgateClient<never>; options?: never }
  | { client?: never; options?: PairgateClientOptions }
);

export function PairgateProvider(props: PairgateProviderProps) {
  const [owned] = useState(() => (props.client ? null : createPairgateClient(props.options)));
  useEffect(() => (owned ? () => owned.dispose() : undefined), [owned]);
  const client = (props.client ?? owned) as PairgateClient<MethodsShape>;
  return <PairgateContext value={client}>{props.children}</PairgateContext>;
}

/** The client of the nearest <PairgateProvider>; type it with the server's method map: usePairgate<typeof methods>(). */
export function usePairgate<M extends MethodsShape = Record<never, never>>(): PairgateClient<M> {
  const client = use(PairgateContext);
  if (!client) throw new Error("pairgate: this component needs a <PairgateProvider> above it");
  return client as unknown as PairgateClient<M>;
}
