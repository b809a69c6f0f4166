// The one button. Variants say what a press does; `type` defaults to "button" so forms submit only on purpose.
import type { ComponentPropsWithRef } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends ComponentPropsWithRef<"button"> {
  variant?: ButtonVariant;
  size?: "sm" | "md" | "lg";
  isBusy?: boolean;
}

export function Button({ variant = "secondary", size = "md", isBusy = false, className, type = "button", disabled, children, ...rest }: ButtonProps) {
  const classes = ["btn", `btn-${variant}`, `btn-${size}`, className].filter(Boolean).join(" ");
  return (
    <button {...rest} type={type} className={classes} disabled={disabled || isBusy} aria-busy={isBusy || undefined}>
      {children}
    </button>
  );
}
