import { Type, type Static } from '@sinclair/typebox';
import type { UserAbilities } from '../authz/policies/user.js';
import { RoleSchema, Timestamp } from '../http/schemas.js';
import type { UserRow } from './users.repository.js';


export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    active: Type.Boolean(),
    emailVerified: Type.Boolean({
      description: 'Whether the owner proved the address; until then no mail but the verification link is sent to it',
    }),
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
  emailVerified: row.emailVerifiedAt !== null,
  createdAt: row.createdAt.toISOString(),
});

const UserAbilitiesSchema = Type.Object(
  {
    edit: Type.Boolean({ description: 'Rename, and any change at all' }),
    changeRole: Type.Boolean({ description: 'False for the last active manager, who cannot be demoted' }),
    deactivate: Type.Boolean({ description: 'False for the last active manager' }),
  },
  { additionalProperties: false, description: 'What the caller may do with this user now' },
);

/** A user as the users routes answer: with what the caller may do with them. */
export const ManagedUserSchema = Type.Composite([UserSchema, Type.Object({ abilities: UserAbilitiesSchema })], {
  additionalProperties: false,
});
export type ManagedUserDto = Static<typeof ManagedUserSchema>;

export const presentManagedUser = (row: UserRow, abilities: UserAbilities): ManagedUserDto => ({ ...presentUser(row), abilities });
