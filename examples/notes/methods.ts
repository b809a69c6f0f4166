// The app's methods: everyone paired reads the notes, only admins write. The browser types its calls from
// `typeof methods` with a type-only import, so no server code reaches the page.
import { z } from "zod";
import { defineMethod, type Pairgate } from "pairgate/server";

export interface Note {
  id: number;
  text: string;
  by: string;
  atMs: number;
}

const notes: Note[] = [{ id: 1, text: "Welcome: only paired browsers can read this.", by: "server", atMs: Date.now() }];
let publish: Pairgate["publish"] = () => 0;

/** The server hands over pg.publish once pairgate is up, so a write reaches every open tab. */
export function usePublish(fn: Pairgate["publish"]): void {
  publish = fn;
}

export const methods = {
  "notes.list": defineMethod({
    role: "viewer",
    params: z.object({}),
    handler: () => ({ notes }),
  }),
  "notes.add": defineMethod({
    role: "admin",
    params: z.object({ text: z.string().trim().min(1).max(500) }),
    handler: ({ text }, { device }) => {
      const note: Note = { id: notes.length + 1, text, by: device.name, atMs: Date.now() };
      notes.push(note);
      publish("notes.added", note);
      return note;
    },
  }),
};
