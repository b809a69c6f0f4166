// System notifications (the Notification API) for admins: asked for only when a person presses the button, never on
// load. On once this browser granted permission; the tag makes several admin tabs show one notification per event.

export type NotifyState = "unsupported" | NotificationPermission;

export function notifyState(): NotifyState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export async function askToNotify(): Promise<NotifyState> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

export function notify(title: string, body: string, tag: string): void {
  if (notifyState() === "granted") new Notification(title, { body, tag });
}
