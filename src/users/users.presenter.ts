import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from '../http/schemas.js';
import type { UserRow } from './users.repository.js';

export const RoleSchema = Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('manager')]);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    active: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'User', additionalProperties: false },
);
export type UserDto = Static<typeof UserSchema>;

export const presentUser = (row: UserRow): UserDto => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
});
