// Just enough of the Dockerfile and Compose formats to check the facts the deployment depends on, since
// `docker build` can't run on the test machine. Both parsers refuse what they don't understand.

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** Stages of a Dockerfile, with ARG defaults substituted into FROM. Continuation lines are joined; comments dropped. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, " ").split("\n");
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unreadable Dockerfile line: ${line}`);
    const [, op, rest] = m as unknown as [string, string, string];
    if (op === "ARG" && stages.length === 0) {
      const [k, v = ""] = rest.split("=");
      args[k!.trim()] = v.trim();
      continue;
    }
    if (op === "FROM") {
      const fm = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!fm) throw new Error(`unreadable FROM: ${rest}`);
      stages.push({ from: fm[1]!.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? ""), name: fm[2] ?? null, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`${op} before FROM`);
    stages[stages.length - 1]!.instructions.push({ op, args: rest });
  }
  return { args, stages };
}

export function all(stage: Stage, op: string): string[] {
  return stage.instructions.filter((i) => i.op === op).map((i) => i.args);
}

export function last(stage: Stage, op: string): string | null {
  const found = all(stage, op);
  return found.length ? found[found.length - 1]! : null;
}

/** ENV key=value pairs (values may be double-quoted). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const a of all(stage, "ENV"))
    for (const m of a.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) env[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return env;
}

/** An exec-form instruction (JSON array); throws on shell form, which would put /bin/sh between docker and node. */
export function execForm(value: string | null, what: string): string[] {
  if (!value?.trim().startsWith("[")) throw new Error(`${what} must be in exec form (a JSON array), got: ${value}`);
  return JSON.parse(value) as string[];
}

export type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

/**
 * A YAML subset: nested maps by indentation, block lists of scalars, quoted or plain scalars, comments.
 * Enough for compose.yaml; anything else (anchors, flow maps, multi-line strings) throws.
 */
export function parseSimpleYaml(text: string): Yaml {
  const lines = text
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").replace(/^\s*#.*$/, ""))
    .filter((l) => l.trim() !== "")
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (s: string): Yaml => {
    if (/^".*"$/.test(s)) return JSON.parse(s) as string;
    if (/^'.*'$/.test(s)) return s.slice(1, -1).replace(/''/g, "'");
    if (/^[&*!|>{]/.test(s)) throw new Error(`unsupported YAML: ${s}`);
    if (s === "true" || s === "false") return s === "true";
    if (/^-?\d+$/.test(s)) return Number(s);
    if (s === "null" || s === "~") return null;
    return s;
  };
  const block = (indent: number): Yaml => {
    if (lines[i]!.text.startsWith("- ")) {
      const list: Yaml[] = [];
      while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith("- ")) list.push(scalar(lines[i++]!.text.slice(2).trim()));
      return list;
    }
    const map: { [k: string]: Yaml } = {};
    while (i < lines.length && lines[i]!.indent === indent) {
      const m = /^("[^"]*"|[^:]+):(?:\s+(.*))?$/.exec(lines[i]!.text);
      if (!m) throw new Error(`unreadable YAML line: ${lines[i]!.text}`);
      const key = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!.trim();
      i++;
      if (m[2] !== undefined) map[key] = scalar(m[2].trim());
      else if (i < lines.length && lines[i]!.indent > indent) map[key] = block(lines[i]!.indent);
      else if (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith("- ")) map[key] = block(indent);
      else map[key] = null;
    }
    return map;
  };
  const doc = block(0);
  if (i !== lines.length) throw new Error(`unexpected YAML at: ${lines[i]!.text}`);
  return doc;
}
