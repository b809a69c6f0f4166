// The layer boundaries, checked in `npm test` (`npm run boundaries`). shared/ is the protocol both sides import,
// so it imports neither side; the dashboard never reaches into the gateway, nor the gateway into the dashboard;
// the browser and shared code load no Node built-in; and no module imports itself round a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "shared-imports-neither-side",
      comment: "shared/ is the protocol both sides import: it must not depend on either of them",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: "^(server|web)/" },
    },
    {
      name: "web-never-imports-server",
      comment: "the browser code must not pull in the gateway; share through shared/ instead",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^server/" },
    },
    {
      name: "server-never-imports-web",
      comment: "the gateway must not pull in browser code; share through shared/ instead",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^web/" },
    },
    {
      name: "no-node-builtins-in-browser-code",
      comment: "shared/ and web/ run in browsers: no node: modules",
      severity: "error",
      from: { path: "^(shared|web)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "no-cycles",
      comment: "a cycle means two modules can't be understood, tested or changed apart (a lazy import() is a chunk boundary, not a cycle in evaluation)",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["dynamic-import"] } },
    },
    {
      name: "not-to-unresolvable",
      comment: "an import that does not resolve would hide a boundary break",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.base.json" },
    tsPreCompilationDeps: true,
  },
};
