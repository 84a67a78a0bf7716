import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AppNotification } from '../api/models';
import { EmptyState, Loading, RelativeTime } from '../ui/feedback';
import { useToast } from '../ui/toast';
import { GroupTickets } from './GroupTickets';
import { useLiveEvents } from './LiveProvider';
import { markAllRead as markAllReadOnServer, markNotificationRead, notificationKeys, recentNotificationsQuery, unreadCountQuery } from './notifications.api';

/** The bell in the header: unread count, and a panel listing recent notifications. */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  // A grouped notification opens its list of tickets in the panel rather than one ticket.
  const [group, setGroup] = useState<AppNotification | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const toast = useToast();
  const navigate = useNavigate();
  const client = useQueryClient();
  // The bell is secondary: a failed count shows nothing rather than disturbing the page.
  const unread = useQuery({ ...unreadCountQuery, retry: false }).data ?? 0;
  const recent = useQuery({ ...recentNotificationsQuery, enabled: open, staleTime: 0 });
  const items = recent.isError ? [] : recent.data;
  const refresh = () => client.invalidateQueries({ queryKey: notificationKeys.all });

  // The cache takes the event itself (live-cache.ts); the bell adds the toast.
  useLiveEvents((event) => {
    if (event.type !== 'notification') return;
    // The ticket page tells its own news; elsewhere the notification itself is the news.
    const title = typeof event.data.title === 'string' ? event.data.title : null;
    // A grouped one is about many tickets: the bell lists them, no one ticket is "the" link.
    const grouped = typeof event.data.count === 'number' && event.data.count > 1;
    const path = event.ticketId && !grouped ? `/tickets/${event.ticketId}` : null;
    if (title && window.location.pathname !== path) toast.show(title, path ? { to: path, label: 'Open' } : undefined);
  });

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        setOpen(false);
        buttonRef.current?.focus();
        return;
      }
      if (event.target instanceof Node && !panelRef.current?.contains(event.target) && !buttonRef.current?.contains(event.target)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const openNotification = async (notification: AppNotification) => {
    if (notification.count > 1) setGroup(notification);
    else setOpen(false);
    if (!notification.readAt) {
      try {
        await markNotificationRead(notification.id);
      } catch {
        // Reading it matters more than marking it.
      }
      void refresh();
    }
    if (notification.count === 1) void navigate(`/tickets/${notification.ticketId}`);
  };

  const markAllRead = async () => {
    try {
      await markAllReadOnServer();
    } finally {
      await refresh();
    }
  };

  return (
    <div className="bell">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        aria-expanded={open}
        aria-controls="notification-panel"
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => {
          setGroup(null);
          setOpen((value) => !value);
        }}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" fill="currentColor" />
        </svg>
        {unread ? (
          <span className="badge" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="bell-panel" id="notification-panel" ref={panelRef} role="region" aria-label="Notifications">
          {group ? (
            <GroupTickets notification={group} onBack={() => setGroup(null)} onOpen={() => setOpen(false)} />
          ) : (
            <>
              <div className="bell-head">
                <strong>Notifications</strong>
                <button type="button" className="link-button" onClick={() => void markAllRead()} disabled={!unread}>
                  Mark all read
                </button>
              </div>
              {items === null ? <Loading /> : null}
              {items?.length === 0 ? <EmptyState title="Nothing yet" /> : null}
              <ul>
                {(items ?? []).map((item) => (
                  <li key={item.id} className={item.readAt ? 'read' : 'unread'}>
                    <button type="button" onClick={() => void openNotification(item)}>
                      <span className="bell-title">{item.title}</span>
                      <RelativeTime value={item.createdAt} />
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          <Link to="/settings/notifications" onClick={() => setOpen(false)}>
            Notification settings
          </Link>
        </div>
      ) : null}
    </div>
  );
}
