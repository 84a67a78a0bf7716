import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context.js';
import { DomainError } from '../http/errors.js';
import { bodyErrorResponses, Email, errorResponses, Password, PermissionSchema, PersonName, rateLimitedResponses } from '../http/schemas.js';
import { UserSchema } from '../users/users.presenter.js';
import { actorOf } from '../authz/actor.js';
import * as auth from './auth.service.js';
import { resendVerificationMail, verifyEmail } from './email-verification.service.js';
import { changePassword } from './password-change.service.js';
import { requestPasswordReset, resetPassword } from './password-reset.service.js';

const AuthResponse = Type.Object(
  { accessToken: Type.String(), refreshToken: Type.String(), expiresIn: Type.Integer(), user: UserSchema },
  { additionalProperties: false },
);
const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/auth/register',
    {
      config: { public: true, limit: 'register' },
      schema: {
        tags,
        operationId: 'register',
        summary: 'Create a customer account',
        security: [],
        body: Type.Object({ email: Email, name: PersonName, password: Password }, { additionalProperties: false }),
        response: { 201: AuthResponse, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await auth.register(ctx, request.body)),
  );

  app.post(
    '/auth/login',
    {
      config: { public: true, limit: 'login' },
      schema: {
        tags,
        operationId: 'login',
        summary: 'Log in with email and password',
        security: [],
        body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: AuthResponse, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => auth.login(ctx, request.body),
  );

  app.post(
    '/auth/refresh',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'refreshSession',
        summary: 'Trade a refresh token for new tokens (the old one is spent)',
        security: [],
        body: RefreshBody,
        response: { 200: AuthResponse, ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request) => auth.refresh(ctx, request.body.refreshToken),
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags,
        operationId: 'logout',
        summary: 'End the session of a refresh token',
        body: RefreshBody,
        response: { 204: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await auth.logout(ctx, actorOf(request), request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags,
        operationId: 'getCurrentUser',
        summary: 'The caller and their current permissions',
        response: {
          200: Type.Composite([UserSchema, Type.Object({ permissions: Type.Array(PermissionSchema) })], {
            additionalProperties: false,
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => auth.me(ctx, actorOf(request)),
  );

  app.post(
    '/auth/password/forgot',
    {
      config: { public: true, limit: 'passwordForgot' },
      schema: {
        tags,
        operationId: 'requestPasswordReset',
        summary: 'Mail a single-use reset link (answers 202 whether or not the account exists)',
        security: [],
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.email);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/auth/password/reset',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'resetPassword',
        summary: 'Set a new password with a reset token; ends every session of the user',
        security: [],
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await resetPassword(ctx, request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password/change',
    {
      config: { limit: 'passwordChange' },
      schema: {
        tags,
        operationId: 'changePassword',
        summary: "Set a new password by proving the current one; ends the user's other sessions",
        description:
          'A wrong `currentPassword` is answered 400 `wrong_password` with `details` naming that field (the session stays). ' +
          'Every outstanding reset link of the user is spent; the calling session stays signed in, every other one is ended.',
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 200, title: 'Current password' }), newPassword: Password },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await changePassword(ctx, actorOf(request), request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/email/verify',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'verifyEmail',
        summary: 'Prove the account owns its email address with the token of a verification mail',
        description: 'Public, so the link works in any browser. A used, expired or unknown token → 400 `invalid_verification_token`.',
        security: [],
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses, ...bodyErrorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      await verifyEmail(ctx, request.body.token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/email/resend',
    {
      schema: {
        tags,
        operationId: 'resendVerificationEmail',
        summary: "Mail the caller a new verification link (the older ones stop working)",
        description:
          'At most one per `EMAIL_VERIFICATION_MAIL_INTERVAL_MS` and five a day per account; sooner → 429 with `Retry-After`. ' +
          'An account already verified → 409 `email_already_verified`.',
        response: { 202: Type.Null(), ...errorResponses, ...rateLimitedResponses },
      },
    },
    async (request, reply) => {
      const outcome = await resendVerificationMail(ctx, actorOf(request));
      if (!outcome.sent) {
        void reply.header('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
        throw new DomainError('rate_limited', 'verification_mail_recent', 'A verification mail was sent recently; check your inbox or try again later');
      }
      return reply.code(202).send(null);
    },
  );
};
