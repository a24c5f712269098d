import {
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DLQ_API_CONFIG } from './tokens';
import { hashApiKey, type ApiKey, type DlqApiConfig, type Role } from './config';

const ROLE = 'junction:role';
/** The role a route needs; routes without it need any valid key (viewer or operator). */
export const RequiresRole = (role: Role) => SetMetadata(ROLE, role);

export interface AuthedRequest extends Request {
  principal?: ApiKey;
}

/** API keys in `x-api-key` (or `Authorization: Bearer <key>`); operators may do what viewers may. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** By SHA-256 of the key: looking a hash up reveals nothing about how close a guess came. */
  private readonly byHash: Map<string, ApiKey>;

  constructor(
    @Inject(DLQ_API_CONFIG) config: DlqApiConfig,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.byHash = new Map(config.keys.map((k) => [k.keyHash, k]));
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.get<boolean>('junction:public', ctx.getHandler())) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
    if (!key) throw new UnauthorizedException('an API key is required: send it in the x-api-key header');
    const principal = this.byHash.get(hashApiKey(key));
    if (!principal) throw new UnauthorizedException('unknown API key');
    const needed = this.reflector.get<Role | undefined>(ROLE, ctx.getHandler());
    if (needed === 'operator' && principal.role !== 'operator') {
      throw new ForbiddenException(
        `this needs the operator role; the key of ${principal.name} is a viewer key`,
      );
    }
    req.principal = principal;
    return true;
  }
}

export const Public = () => SetMetadata('junction:public', true);
