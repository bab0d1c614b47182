import type { z } from 'zod';
import type { Deprecation } from '../lifecycle.js';

/** A parameter of an HTTP operation. */
export interface ApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: z.ZodType;
  readonly description?: string;
}

/** One response of an HTTP operation: a body schema (or none) and the headers it carries. */
export interface ApiResponse {
  readonly description: string;
  readonly body?: z.ZodType;
  readonly headers?: readonly string[];
}

/** One HTTP operation of a contract. */
export interface ApiOperation {
  readonly operationId: string;
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/api/v1/stations/{id}/status`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly parameters?: readonly ApiParameter[];
  readonly requestBody?: z.ZodType;
  readonly responses: Readonly<Record<number, ApiResponse>>;
  /** False for operations that need no bearer token. */
  readonly auth?: boolean;
  /** True when a retry is safe: idempotent method, or the operation honours `Idempotency-Key`. */
  readonly idempotent: boolean;
}

/** An HTTP API contract: its name, version and operations. */
export interface ApiContract {
  readonly point: string;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly operations: readonly ApiOperation[];
  /** Set when this version is deprecated: servers send `Deprecation`, `Sunset` and `Link` headers from it. */
  readonly deprecation?: Deprecation | undefined;
}
