import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../authz/actor.js';
import { PERMISSIONS } from '../authz/permissions.js';
import type { AppContext } from '../context.js';
import {
  bodyErrorResponses,
  Email,
  errorResponses,
  IdParams,
  ListQuery,
  listOf,
  Password,
  PermissionSchema,
  PersonName,
  rateLimitedResponses,
  RoleSchema,
} from '../http/schemas.js';
import { ManagedUserSchema } from './users.presenter.js';
import { listRoles, setRolePermissions } from './roles.service.js';
import { assignableUsers, createUserFor, getUserFor, listUsersFor, requesterChoices, updateUserFor } from './users.service.js';

const RolePermissions = Type.Object({ role: RoleSchema, permissions: Type.Array(PermissionSchema) }, { additionalProperties: false });
const RoleView = Type.Object(
  {
    role: RoleSchema,
    permissions: Type.Array(PermissionSchema),
    locked: Type.Array(PermissionSchema, { description: 'Permissions that cannot be taken from this role (PUT answers 409)' }),
  },
  { additionalProperties: false },
);
const tags = ['users'];

export const usersRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/users',
    {
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'List users, newest first (managers)',
        querystring: Type.Object(
          { role: Type.Optional(RoleSchema), q: Type.Optional(Type.String({ maxLength: 200 })), ...ListQuery },
          { additionalProperties: false },
        ),
        response: { 200: listOf(ManagedUserSchema), ...errorResponses },
      },
    },
    async (request) => listUsersFor(ctx, actorOf(request), request.query),
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        operationId: 'createUser',
        summary: 'Create a user of any role (managers)',
        body: Type.Object({ email: Email, name: PersonName, role: RoleSchema, password: Password }, { additionalProperties: false }),
        response: { 201: ManagedUserSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await createUserFor(ctx, actorOf(request), request.body)),
  );

  app.get(
    '/users/assignable',
    {
      schema: {
        tags,
        operationId: 'listAssignableUsers',
        summary: 'Active agents and managers a ticket can be assigned to',
        response: {
          200: Type.Object(
            { items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: RoleSchema }, { additionalProperties: false })) },
            { additionalProperties: false },
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => assignableUsers(ctx, actorOf(request)),
  );

  app.get(
    '/users/requesters',
    {
      schema: {
        tags,
        operationId: 'listRequesterChoices',
        summary: 'Active customers whose name or email contains q, by name, at most 20: whom staff may open a ticket for (staff with tickets.create)',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            { items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }, { additionalProperties: false })) },
            { additionalProperties: false },
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => requesterChoices(ctx, actorOf(request), request.query.q),
  );

  app.get(
    '/users/:id',
    {
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'One user (managers; anyone for themselves)',
        params: IdParams,
        response: { 200: ManagedUserSchema, ...errorResponses },
      },
    },
    async (request) => getUserFor(ctx, actorOf(request), request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Rename, change role, activate or deactivate (managers)',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(PersonName), role: Type.Optional(RoleSchema), active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ManagedUserSchema, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => updateUserFor(ctx, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/roles',
    {
      schema: {
        tags,
        operationId: 'listRoles',
        summary: 'Each role and its permissions',
        response: { 200: Type.Array(RoleView), ...errorResponses },
      },
    },
    async (request) => listRoles(ctx, actorOf(request)),
  );

  app.put(
    '/roles/:role',
    {
      schema: {
        tags,
        operationId: 'setRolePermissions',
        summary: `Replace a role's permissions (any of: ${PERMISSIONS.join(', ')})`,
        params: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        body: Type.Object(
          { permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: RolePermissions, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => setRolePermissions(ctx, actorOf(request), request.params.role, request.body.permissions),
  );
};
