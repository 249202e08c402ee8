// A custom domain on a Railway service. Railway cannot change a domain's DNS, so
// the resource outputs the records to create: the traffic CNAME and the TXT
// record that verifies ownership.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isAlreadyExists, railwayOperation } from "./client";
import { CheckFailure, HOSTNAME, compact, deleteIfPresent, diffOf, requireStrings, tcpPortFailure, unlessGone } from "./common";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface CustomDomainArgs {
  /** Changing it replaces the domain. */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the domain. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the domain. */
  serviceId: pulumi.Input<string>;
  /** The host name, e.g. `api.example.com`; changing it replaces the domain. */
  domain: pulumi.Input<string>;
  /** The port the service listens on. @default Railway's detected `PORT` */
  targetPort?: pulumi.Input<number>;
}

export interface CustomDomainInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  domain: string;
  targetPort?: number;
}

export interface DnsRecord {
  /** `CNAME`, `A` or `TXT`. */
  type: string;
  /** The fully qualified name to create the record at. */
  name: string;
  /** The host label relative to `zone`. */
  hostLabel: string;
  zone: string;
  value: string;
}

export interface CustomDomainOutputs extends CustomDomainInputs {
  /** The records that route traffic to Railway (DOM-2: purpose TRAFFIC_ROUTE). */
  dnsRecords: DnsRecord[];
  /** Records Railway asks for to issue the certificate (DOM-2: purpose ACME_DNS01_CHALLENGE), listed apart. */
  challengeRecords?: DnsRecord[];
  /** The TXT record that proves ownership, when Railway asks for one. */
  verificationRecord?: DnsRecord;
  verified: boolean;
}

interface CustomDomainNode {
  id: string;
  domain: string;
  targetPort?: number | null;
  status: {
    verified: boolean;
    verificationDnsHost?: string | null;
    verificationToken?: string | null;
    dnsRecords: { recordType: string; purpose?: string | null; fqdn: string; hostlabel: string; zone: string; requiredValue: string }[];
  };
}

const CUSTOM_DOMAIN_FIELDS = `id domain targetPort status {
      verified verificationDnsHost verificationToken
      dnsRecords { recordType purpose fqdn hostlabel zone requiredValue }
    }`;

const CUSTOM_DOMAIN_CREATE = railwayOperation(`
mutation customDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) { ${CUSTOM_DOMAIN_FIELDS} }
}`);

export const CUSTOM_DOMAINS = railwayOperation(`
query customDomains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    customDomains { ${CUSTOM_DOMAIN_FIELDS} }
  }
}`);

const CUSTOM_DOMAIN_UPDATE = railwayOperation(`
mutation customDomainUpdate($id: String!, $environmentId: String!, $targetPort: Int) {
  customDomainUpdate(id: $id, environmentId: $environmentId, targetPort: $targetPort)
}`);

const CUSTOM_DOMAIN_DELETE = railwayOperation(`
mutation customDomainDelete($id: String!) {
  customDomainDelete(id: $id)
}`);

function recordType(raw: string): string {
  return raw.replace(/^DNS_RECORD_TYPE_/, "");
}

function outputsOf(inputs: CustomDomainInputs, node: CustomDomainNode): CustomDomainOutputs {
  const { status } = node;
  const zone = status.dnsRecords[0]?.zone ?? "";
  const verificationRecord =
    status.verificationDnsHost && status.verificationToken
      ? {
          type: "TXT",
          name: zone ? `${status.verificationDnsHost}.${zone}` : status.verificationDnsHost,
          hostLabel: status.verificationDnsHost,
          zone,
          value: status.verificationToken,
        }
      : undefined;
  const record = (r: CustomDomainNode["status"]["dnsRecords"][number]): DnsRecord => ({
    type: recordType(r.recordType),
    name: r.fqdn,
    hostLabel: r.hostlabel,
    zone: r.zone,
    value: r.requiredValue,
  });
  const challenge = (r: { purpose?: string | null }) => r.purpose === "DNS_RECORD_PURPOSE_ACME_DNS01_CHALLENGE";
  const challengeRecords = status.dnsRecords.filter(challenge).map(record);
  return compact({
    ...inputs,
    dnsRecords: status.dnsRecords.filter((r) => !challenge(r)).map(record),
    challengeRecords: challengeRecords.length ? challengeRecords : undefined,
    verificationRecord,
    verified: status.verified,
  });
}

async function findByDomain(inputs: CustomDomainInputs): Promise<CustomDomainNode | undefined> {
  const data = await railwayClient().request<{ domains: { customDomains: CustomDomainNode[] } }>(CUSTOM_DOMAINS, {
    projectId: inputs.projectId,
    environmentId: inputs.environmentId,
    serviceId: inputs.serviceId,
  });
  return data.domains.customDomains.find((d) => d.domain === inputs.domain);
}

export const customDomainProvider: dynamic.ResourceProvider<CustomDomainInputs, CustomDomainOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = requireStrings(news as unknown as Record<string, unknown>, [
      "projectId",
      "environmentId",
      "serviceId",
      "domain",
    ]);
    if (typeof news.domain === "string" && !HOSTNAME.test(news.domain)) {
      failures.push({
        property: "domain",
        reason: `\`${news.domain}\` is not a lower-case host name such as \`api.example.com\` (no scheme, path or port)`,
      });
    }
    failures.push(...tcpPortFailure("targetPort", news.targetPort));
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return diffOf<CustomDomainInputs>(olds, news, {
      replace: ["projectId", "environmentId", "serviceId", "domain"],
      update: ["targetPort"],
      // The same host cannot be attached twice, so the old one goes first.
      deleteBeforeReplace: true,
    });
  },

  async create(inputs) {
    const adopt = async () => {
      const found = await findByDomain(inputs);
      return found ? { customDomainCreate: found } : undefined;
    };
    let node: CustomDomainNode;
    try {
      ({ customDomainCreate: node } = await railwayClient().request<{ customDomainCreate: CustomDomainNode }>(
        CUSTOM_DOMAIN_CREATE,
        {
          input: compact({
            projectId: inputs.projectId,
            environmentId: inputs.environmentId,
            serviceId: inputs.serviceId,
            domain: inputs.domain,
            targetPort: inputs.targetPort,
          }),
        },
        { adopt },
      ));
    } catch (error) {
      const adopted = isAlreadyExists(error) ? await adopt() : undefined;
      if (!adopted) throw error;
      node = adopted.customDomainCreate;
    }
    return { id: node.id, outs: outputsOf(inputs, node) };
  },

  async read(id, props) {
    const olds = props as CustomDomainOutputs;
    const node = await unlessGone(() => findByDomain(olds));
    if (!node || node.id !== id) return {};
    return {
      id,
      props: outputsOf({ ...olds, targetPort: olds.targetPort === undefined ? undefined : (node.targetPort ?? undefined) }, node),
    };
  },

  async update(id, olds, news) {
    await railwayClient().request(CUSTOM_DOMAIN_UPDATE, { id, environmentId: news.environmentId, targetPort: news.targetPort ?? null });
    return { outs: { ...olds, ...news } };
  },

  async delete(id) {
    await deleteIfPresent(() => railwayClient().request(CUSTOM_DOMAIN_DELETE, { id }));
  },
};

/**
 * A custom domain on a Railway service, with the DNS records to create.
 *
 * ```ts
 * const domain = new CustomDomain("api-domain", { projectId, environmentId, serviceId: api.serviceId, domain: "api.example.com" });
 * export const dns = domain.dnsRecords;
 * ```
 */
export class CustomDomain extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.CustomDomain;
  declare readonly domain: pulumi.Output<string>;
  declare readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  declare readonly verificationRecord: pulumi.Output<DnsRecord | undefined>;
  declare readonly verified: pulumi.Output<boolean>;

  constructor(name: string, args: CustomDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      customDomainProvider,
      name,
      { dnsRecords: undefined, verificationRecord: undefined, verified: undefined, ...args },
      opts,
      RAILWAY_MODULE,
      "CustomDomain",
    );
  }
}
