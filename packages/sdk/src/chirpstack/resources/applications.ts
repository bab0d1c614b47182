import type { ApplicationSpec } from '@fieldops/contracts/chirpstack/v1';
import type { RpcCaller } from '../client.js';
import { fillMap, mapToRecord, toDate } from '../convert.js';
import { applicationPb } from '../proto.js';
import type { Application, ApplicationListItem, ListOptions, Page } from '../types.js';
import { paginate } from './paging.js';

type AppMsg = InstanceType<typeof applicationPb.Application>;

/** What an application is created or updated from. */
export type ApplicationInput = ApplicationSpec & { tenant_id: string; tags?: Record<string, string> };

function toPb(spec: ApplicationInput, id = ''): AppMsg {
  const a = new applicationPb.Application();
  a.setId(id);
  a.setTenantId(spec.tenant_id);
  a.setName(spec.name);
  a.setDescription(spec.description ?? '');
  fillMap(a.getTagsMap(), spec.tags);
  return a;
}

/** Application CRUD. */
export function applicationMethods(rpc: RpcCaller) {
  async function listApplicationsPage(options: {
    tenant_id: string;
    limit: number;
    offset?: number;
    search?: string;
  }): Promise<Page<ApplicationListItem>> {
    const req = new applicationPb.ListApplicationsRequest();
    req.setTenantId(options.tenant_id);
    req.setLimit(options.limit);
    req.setOffset(options.offset ?? 0);
    req.setSearch(options.search ?? '');
    const res = await rpc.call<InstanceType<typeof applicationPb.ListApplicationsResponse>>(
      'ApplicationService',
      'list',
      req,
    );
    return {
      total_count: res.getTotalCount(),
      items: res.getResultList().map((a) => ({
        id: a.getId(),
        name: a.getName(),
        description: a.getDescription(),
        created_at: toDate(a.getCreatedAt()),
        updated_at: toDate(a.getUpdatedAt()),
      })),
    };
  }
  return {
    /** Creates an application; returns its id. */
    async createApplication(spec: ApplicationInput): Promise<string> {
      const req = new applicationPb.CreateApplicationRequest();
      req.setApplication(toPb(spec));
      const res = await rpc.call<InstanceType<typeof applicationPb.CreateApplicationResponse>>(
        'ApplicationService',
        'create',
        req,
        // Never retried: a lost reply after the commit would make a second application with this name.
        { mutating: true, idempotent: false, subject: spec.name },
      );
      return res.getId();
    },
    /** Reads an application. */
    async getApplication(id: string): Promise<Application> {
      const req = new applicationPb.GetApplicationRequest();
      req.setId(id);
      const res = await rpc.call<InstanceType<typeof applicationPb.GetApplicationResponse>>(
        'ApplicationService',
        'get',
        req,
        { subject: id },
      );
      const a = res.getApplication() ?? new applicationPb.Application();
      return {
        id: a.getId(),
        tenant_id: a.getTenantId(),
        name: a.getName(),
        description: a.getDescription(),
        tags: mapToRecord(a.getTagsMap()),
      };
    },
    /**
     * Updates an application by read-modify-write (ChirpStack writes name, description and tags
     * from the request): fields not given keep their current value.
     */
    async updateApplication(id: string, patch: Partial<ApplicationInput>): Promise<void> {
      const get = new applicationPb.GetApplicationRequest();
      get.setId(id);
      const current = await rpc.call<InstanceType<typeof applicationPb.GetApplicationResponse>>(
        'ApplicationService',
        'get',
        get,
        { subject: id },
      );
      const a = current.getApplication() ?? new applicationPb.Application();
      a.setId(id);
      if (patch.name !== undefined) a.setName(patch.name);
      if (patch.description !== undefined) a.setDescription(patch.description);
      if (patch.tags !== undefined) {
        a.getTagsMap().clear();
        fillMap(a.getTagsMap(), patch.tags);
      }
      const req = new applicationPb.UpdateApplicationRequest();
      req.setApplication(a);
      await rpc.call('ApplicationService', 'update', req, { mutating: true, subject: id });
    },
    /** Deletes an application (and its devices). */
    async deleteApplication(id: string): Promise<void> {
      const req = new applicationPb.DeleteApplicationRequest();
      req.setId(id);
      await rpc.call('ApplicationService', 'delete', req, { mutating: true, subject: id });
    },
    listApplicationsPage,
    /** Every application of a tenant. */
    listApplications(tenantId: string, options: ListOptions = {}): AsyncIterable<ApplicationListItem> {
      return paginate(
        (limit, offset) =>
          listApplicationsPage({ tenant_id: tenantId, limit, offset, search: options.search }),
        options,
        (a) => a.id,
      );
    },
  };
}
