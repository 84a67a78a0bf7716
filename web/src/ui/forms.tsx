import { useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../api/errors';

/** Errors of the last submit: each field's own messages beside it, anything else above the button. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | undefined;
}

/**
 * The form field a validation detail names: `password` as it is, `conditions.minutesSinceCreated`
 * by its last name, `conditions.statuses[0]` by its list.
 */
function fieldOf(path: string, fields: readonly string[]): string | undefined {
  if (fields.includes(path)) return path;
  const last = path.replace(/\[\d+\]/g, '').split('.').at(-1);
  return last !== undefined && fields.includes(last) ? last : undefined;
}

/** Splits an error into messages for the given fields (from the API's `details`) and one for the form. */
function errorsOf(caught: unknown, fields: readonly string[]): FormErrors {
  const message = caught instanceof Error ? caught.message : 'Something went wrong';
  if (!(caught instanceof ApiError) || caught.details.length === 0) return { fields: {}, form: message };
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const detail of caught.details) {
    const field = fieldOf(detail.path, fields);
    if (field) byField[field] = byField[field] ? `${byField[field]}. ${detail.message}` : detail.message;
    else rest.push(detail.message);
  }
  return { fields: byField, form: rest.length ? rest.join('. ') : undefined };
}

export function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  return {
    errors,
    clear: () => setErrors({ fields: {}, form: undefined }),
    /** Shows each validation detail beside the field it names (one of `fields`), the rest above the button. */
    show: (caught: unknown, fields: readonly string[] = []) => setErrors(errorsOf(caught, fields)),
  };
}

interface FieldShellProps {
  id: string;
  label: ReactNode;
  error: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}

function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error: string | undefined, hint: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
}

export function TextField({ label, error, hint, id: givenId, ...input }: TextFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...input} />
    </FieldShell>
  );
}

interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
}

export function TextAreaField({ label, error, hint, id: givenId, ...textarea }: TextAreaFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...textarea} />
    </FieldShell>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}

export function SelectField({ label, error, hint, id: givenId, children, ...select }: SelectFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...select}>
        {children}
      </select>
    </FieldShell>
  );
}

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: ReactNode;
}

export function Checkbox({ label, id: givenId, ...input }: CheckboxProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" {...input} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
