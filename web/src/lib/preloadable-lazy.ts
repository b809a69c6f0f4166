// React.lazy that renders synchronously once its chunk is loaded. React's lazy calls `.then` on what the
// loader returns; a native promise always answers a tick later, which flashes the Suspense fallback
// (e.g. between "waiting for approval" and "paired") even for a prefetched chunk. This thenable answers at once.
import { lazy, type ComponentType } from "react";

export interface PreloadableLazy<P> {
  Component: ComponentType<P>;
  preload(): Promise<void>;
}

export function preloadableLazy<M, P>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>): PreloadableLazy<P> {
  let loaded: { default: ComponentType<P> } | null = null;
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () => {
    pending ??= load().then(
      (module) => (loaded = { default: pick(module) }),
      (error: unknown) => {
        pending = null; // let a later render try again
        throw error;
      },
    );
    return pending;
  };
  const thenable = {
    // biome-ignore lint/suspicious/noThenProperty: React.lazy takes a thenable; this object is meant to be one
    then(onFulfilled: (value: { default: ComponentType<P> }) => unknown, onRejected?: (error: unknown) => unknown) {
      if (loaded) onFulfilled(loaded);
      else start().then(onFulfilled, onRejected);
    },
  };
  // The cast is the point of this helper: React only ever calls `.then` on it.
  const Component = lazy(() => thenable as unknown as Promise<{ default: ComponentType<P> }>);
  return { Component, preload: () => start().then(() => undefined) };
}
