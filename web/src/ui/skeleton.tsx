// A placeholder block while content loads; hidden from assistive tech (the page says "Connecting").
// Sizes are classes, not inline styles: the CSP allows only same-origin stylesheets.

export type SkeletonShape = "title" | "line" | "short" | "code" | "qr";

export function Skeleton({ shape = "line" }: { shape?: SkeletonShape }) {
  return <span className={`skeleton skeleton-${shape}`} aria-hidden="true" />;
}
