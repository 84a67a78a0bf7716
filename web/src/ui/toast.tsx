import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

interface Toast {
  id: number;
  text: string;
  link?: { to: string; label: string } | undefined;
}

interface ToastApi {
  show: (text: string, link?: Toast['link']) => void;
}

const ToastContext = createContext<ToastApi>({ show: () => undefined });

const TOAST_MS = 6000;

/** Short-lived messages in a polite live region, so screen readers announce them too. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);

  const show = useCallback(
    (text: string, link?: Toast['link']) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { id, text, link }]);
      window.setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div className="toast" key={toast.id}>
            <span>{toast.text}</span>
            {toast.link ? <Link to={toast.link.to}>{toast.link.label}</Link> : null}
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = (): ToastApi => useContext(ToastContext);
