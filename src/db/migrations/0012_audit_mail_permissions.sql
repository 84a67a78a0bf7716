-- The audit log and the failed-mail list had borrowed users.manage; each gets its own
-- permission, held by managers as before and editable through PUT /api/roles/:role.
INSERT INTO role_permissions (role, permission) VALUES
  ('manager', 'audit.read'),
  ('manager', 'mail.manage')
ON CONFLICT DO NOTHING;
