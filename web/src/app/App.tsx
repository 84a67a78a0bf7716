import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { queryClient } from '../api/query-client';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { Loading } from '../ui/feedback';
import { ToastProvider } from '../ui/toast';
import { AppRoutes } from './routes';

function Gate() {
  const { status } = useAuth();
  if (status === 'loading') return <Loading label="Signing you in…" />;
  return <AppRoutes />;
}

export function App() {
  return (
    <BrowserRouter>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <AuthProvider>
            <Gate />
          </AuthProvider>
        </ToastProvider>
      </QueryClientProvider>
    </BrowserRouter>
  );
}
