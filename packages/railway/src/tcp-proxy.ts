// A public TCP proxy (`<name>.proxy.rlwy.net:<port>`) to a port of a service.
// Railway has no update for proxies, so every change replaces one.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, deleteIfPresent, diffOf, requireStrings, tcpPortFailure, unlessGone } from "./common";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface TcpProxyArgs {
  /** Changing it replaces the proxy. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the proxy. */
  serviceId: pulumi.Input<string>;
  /** The port inside the service (5432 for Postgres, 6379 for Redis); changing it replaces the proxy. */
  applicationPort: pulumi.Input<number>;
}

export interface TcpProxyInputs {
  environmentId: string;
  serviceId: string;
  applicationPort: number;
}

export interface TcpProxyOutputs extends TcpProxyInputs {
  /** The public host, e.g. `shuttle.proxy.rlwy.net`. */
  domain: string;
  /** The public port on `domain`. */
  proxyPort: number;
}

interface TcpProxyNode {
  id: string;
  domain: string;
  proxyPort: number;
  applicationPort: number;
}

// Deprecated in favour of staged changes, but still the one direct call; the
// proxy becomes active with the service's next deploy, which the Deployment
// resource makes after it.
const TCP_PROXY_CREATE = railwayOperation(`
mutation tcpProxyCreate($input: TCPProxyCreateInput!) {
  tcpProxyCreate(input: $input) { id domain proxyPort applicationPort }
}`);

const TCP_PROXIES = railwayOperation(`
query tcpProxies($environmentId: String!, $serviceId: String!) {
  tcpProxies(environmentId: $environmentId, serviceId: $serviceId) { id domain proxyPort applicationPort }
}`);

const TCP_PROXY_DELETE = railwayOperation(`
mutation tcpProxyDelete($id: String!) {
  tcpProxyDelete(id: $id)
}`);

async function list(inputs: TcpProxyInputs): Promise<TcpProxyNode[]> {
  const data = await railwayClient().request<{ tcpProxies: TcpProxyNode[] }>(TCP_PROXIES, {
    environmentId: inputs.environmentId,
    serviceId: inputs.serviceId,
  });
  return data.tcpProxies;
}

function outputsOf(inputs: TcpProxyInputs, node: TcpProxyNode): TcpProxyOutputs {
  // Railway sometimes returns the host with a trailing dot (alchemy TcpProxy.ts).
  return { ...inputs, domain: node.domain.replace(/\.+$/, ""), proxyPort: node.proxyPort };
}

export const tcpProxyProvider: dynamic.ResourceProvider<TcpProxyInputs, TcpProxyOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = requireStrings(news as unknown as Record<string, unknown>, ["environmentId", "serviceId"]);
    failures.push(...tcpPortFailure("applicationPort", news.applicationPort, false));
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return diffOf<TcpProxyInputs>(olds, news, {
      replace: ["environmentId", "serviceId", "applicationPort"],
      update: [],
      deleteBeforeReplace: true,
    });
  },

  async create(inputs) {
    const adopt = async () => {
      const found = (await list(inputs)).find((p) => p.applicationPort === inputs.applicationPort);
      return found ? { tcpProxyCreate: found } : undefined;
    };
    // One proxy per application port: an existing one is this resource's lost create.
    const existing = await adopt();
    const { tcpProxyCreate } =
      existing ??
      (await railwayClient().request<{ tcpProxyCreate: TcpProxyNode }>(
        TCP_PROXY_CREATE,
        { input: { environmentId: inputs.environmentId, serviceId: inputs.serviceId, applicationPort: inputs.applicationPort } },
        { adopt },
      ));
    return { id: tcpProxyCreate.id, outs: outputsOf(inputs, tcpProxyCreate) };
  },

  async read(id, props) {
    const olds = props as TcpProxyOutputs;
    const node = (await unlessGone(() => list(olds)))?.find((p) => p.id === id);
    if (!node) return {};
    return { id, props: outputsOf(olds, node) };
  },

  async delete(id) {
    await deleteIfPresent(() => railwayClient().request(TCP_PROXY_DELETE, { id }));
  },
};

/**
 * A public TCP proxy to a service port.
 *
 * ```ts
 * const proxy = new TcpProxy("db-proxy", { environmentId, serviceId: db.serviceId, applicationPort: 5432 });
 * ```
 */
export class TcpProxy extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.TcpProxy;
  declare readonly domain: pulumi.Output<string>;
  declare readonly proxyPort: pulumi.Output<number>;

  constructor(name: string, args: TcpProxyArgs, opts?: pulumi.CustomResourceOptions) {
    super(tcpProxyProvider, name, { domain: undefined, proxyPort: undefined, ...args }, opts, RAILWAY_MODULE, "TcpProxy");
  }
}
