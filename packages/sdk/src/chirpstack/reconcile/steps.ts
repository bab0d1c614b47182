import type {
  ApplicationSpec,
  DeviceProfileSpec,
  DeviceSpec,
  GatewaySpec,
  Plan,
  PlanChange,
  TenantSpec,
} from '@fieldops/contracts/chirpstack/v1';
import type { Clock } from '@fieldops/core';
import type { ChirpStackClient } from '../chirpstack-client.js';
import type { DesiredProblem, RegistryLink } from './desired.js';
import type { ApplyJournal } from './journal.js';
import type { ResolveSecret } from './secrets.js';

// The types shared by the planners (plan/*.ts) and the appliers (apply/*.ts).

/** What a plan step does. */
export type Action = 'create' | 'update' | 'delete' | 'unchanged';

/** The part of the client the planner reads with. */
export type PlanReader = Pick<
  ChirpStackClient,
  | 'target'
  | 'listTenants'
  | 'getTenant'
  | 'listApplications'
  | 'getApplication'
  | 'listDeviceProfiles'
  | 'getDeviceProfile'
  | 'listDevices'
  | 'listGateways'
  | 'getGateway'
>;

/** Options of `planReconcile`. */
export interface PlanOptions {
  /**
   * Delete what exists in ChirpStack, is not declared and carries the fieldops ownership tag
   * (devices in declared applications, gateways, applications, device profiles); every device a
   * delete cascades to is listed in the plan. Never a global profile or an untagged entity.
   */
  prune?: boolean;
  /**
   * The tenant's id: read it with GetTenant instead of finding it by name with ListTenants, which
   * needs an admin API key. Pass it when the reconciler runs with a tenant API key.
   */
  tenantId?: string;
  /** Resolves key SecretRefs (required when a declared device has keys); values are only fingerprinted. */
  resolveSecret?: ResolveSecret;
  /** Devices an interrupted apply left half-done get their keys rewritten. */
  journal?: ApplyJournal;
  /** Page size of the device List (default 1000). */
  pageSize?: number;
  /** The clock (core's `Clock`); time stamps and durations read it. Default: the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  /** Called for each existing device listed: `done` listed so far, `total` the devices declared. */
  onProgress?: (progress: ReconcileProgress) => void;
}

/** How far a plan (devices listed) or an apply (plan steps finished) has got. */
export interface ReconcileProgress {
  phase: 'plan' | 'apply';
  done: number;
  /** For a plan, the declared devices: a prune plan may list more than that. */
  total: number;
}

/** One unit of work for apply: one entity, or a device with its keys. Internal to the reconciler. */
export type PlanStep =
  | { kind: 'tenant'; action: 'create' | 'update' | 'unchanged'; spec: TenantSpec; change: PlanChange }
  | { kind: 'application'; action: Action; spec?: ApplicationSpec; id?: string; change: PlanChange }
  | { kind: 'device_profile'; action: Action; spec?: DeviceProfileSpec; id?: string; change: PlanChange }
  | {
      kind: 'gateway';
      action: Action;
      spec?: GatewaySpec;
      id: string;
      registry?: RegistryLink;
      writeBack?: boolean;
      change: PlanChange;
    }
  | {
      kind: 'device';
      action: Action;
      dev_eui: string;
      spec?: DeviceSpec;
      keys: 'create' | 'update' | 'none';
      registry?: RegistryLink;
      writeBack: boolean;
      change: PlanChange;
      keysChange?: PlanChange;
    };

/** The ids known when planning (entities that exist), by name. */
export interface PlanContext {
  tenantId?: string;
  applicationIds: Record<string, string>;
  deviceProfileIds: Record<string, string>;
}

/** A plan with what apply needs: the JSON plan (the contract), the steps, the ids known so far. */
export interface ReconcilePlan {
  /** The plan as the `chirpstack.v1.Plan` contract: this is what is printed and stored. */
  readonly plan: Plan;
  readonly steps: PlanStep[];
  readonly context: PlanContext;
  /**
   * What the plan could not do or found wrong: bad registry records, duplicate DevEUIs, entities
   * that exist twice under one name, prunes refused because they would take unowned entities.
   */
  readonly problems: DesiredProblem[];
  /** RPCs the plan made (for the benchmark and curious operators). */
  readonly reads: number;
  toJSON(): Plan;
}

/** What every planner shares: the client, the ids found so far, problems and a read counter. */
export interface PlanState {
  readonly client: PlanReader;
  readonly context: PlanContext;
  readonly problems: DesiredProblem[];
  reads: number;
  /** DevEUIs already planned for deletion (prune, or a cascade), so none is listed twice. */
  readonly deleting: Set<string>;
}
