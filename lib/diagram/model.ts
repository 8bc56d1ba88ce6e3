/**
 * The topology diagram's model: plain data read from the construct tree, rendered to DOT by
 * `renderTopologyDot`. Nothing here refers to constructs, so the renderer stays pure and can be
 * tested with hand-written models.
 *
 * Order: lists keep the order they are given in (the builder decides it: members in
 * preference order, everything else as the tree defines it or sorted by name).
 *
 * Internal (not exported from lib/index.ts).
 */

/** A whole diagram: every cluster and every host that is in no cluster. */
export interface DiagramModel {
  /** Title drawn on top of the diagram. None when empty or absent. */
  readonly title?: string;
  /** CARP clusters. */
  readonly clusters: DiagramCluster[];
  /** Hosts that are members of no cluster. */
  readonly hosts: DiagramHost[];
}

/** A CARP cluster and the services that run on all its members. */
export interface DiagramCluster {
  /** The cluster's name (its construct id or path). Unique within the diagram. */
  readonly name: string;
  /** The interface that carries the cluster's VIPs, e.g. `vnet0`. */
  readonly interfaceName: string;
  /** Members in preference order. */
  readonly members: DiagramMember[];
  /** The cluster's virtual hosts. */
  readonly vips: DiagramVip[];
  /** HAProxy frontends running on every member. */
  readonly frontends: DiagramFrontend[];
  /** HAProxy backends running on every member. */
  readonly backends: DiagramBackend[];
  /**
   * Ports the firewall passes in to destinations that are no VIP address (or to any
   * destination), e.g. SSH to the hosts' own addresses.
   */
  readonly otherOpenPorts?: DiagramOpenPort[];
}

/** A member host of a cluster. */
export interface DiagramMember {
  /** The host's name (FQDN). */
  readonly hostname: string;
  /** The member's CARP advskew (lower wins). */
  readonly advskew: number;
  /** Whether this member is the preferred master. */
  readonly preferredMaster: boolean;
}

/** One CARP virtual host (vhid) and its addresses. */
export interface DiagramVip {
  /** The virtual host id. */
  readonly vhid: number;
  /** The construct name of the VIP, shown when not empty. */
  readonly name?: string;
  /** Its addresses (IPv4 first), each with the ports the firewall opens on it. */
  readonly addresses: DiagramAddress[];
}

/** An address and what the firewall lets in to it. */
export interface DiagramAddress {
  /** Canonical address text, without prefix length. */
  readonly address: string;
  /** Ports the firewall passes in to this address, in display order. */
  readonly openPorts: DiagramOpenPort[];
}

/** A port (or ports) the firewall passes in. */
export interface DiagramOpenPort {
  /** Protocol, e.g. `tcp` or `udp`. */
  readonly protocol: string;
  /** Port as written in the rule: a number or a service name such as `https`. */
  readonly port: string;
}

/** An HAProxy frontend. */
export interface DiagramFrontend {
  /** The frontend's name in haproxy.conf. */
  readonly name: string;
  /** Where it listens. */
  readonly binds: DiagramBind[];
  /** Host-header routes, in the order HAProxy evaluates them. */
  readonly routes: DiagramRoute[];
  /** Name of the default backend, when there is one. */
  readonly defaultBackend?: string;
  /** Whether plain HTTP is only redirected to HTTPS. */
  readonly redirectsToHttps?: boolean;
}

/** One bind line: address and port. */
export interface DiagramBind {
  /** Canonical address text (no brackets). */
  readonly address: string;
  /** The port. */
  readonly port: number;
  /** Whether TLS is terminated on this bind. */
  readonly tls: boolean;
}

/** Host names routed to one backend. */
export interface DiagramRoute {
  /** Host names (exact, or wildcard such as `*.example.net`). */
  readonly domains: string[];
  /** Name of the backend they go to. */
  readonly backend: string;
}

/** An HAProxy backend. */
export interface DiagramBackend {
  /** The backend's name in haproxy.conf. */
  readonly name: string;
  /** Balance algorithm, when set. */
  readonly balance?: string;
  /** Its servers, in order. */
  readonly servers: DiagramServer[];
}

/** A backend server. */
export interface DiagramServer {
  /** The server's name in haproxy.conf. */
  readonly name: string;
  /** Canonical address (or host name) of the server. */
  readonly address: string;
  /** Its port. */
  readonly port: number;
  /** Whether HAProxy only uses it when every other server is down. */
  readonly backup: boolean;
}

/** A host that is in no cluster, with what runs on it. */
export interface DiagramHost {
  /** The host's name (FQDN). */
  readonly hostname: string;
  /** The host's own addresses, each with the ports the firewall opens on it. */
  readonly addresses: DiagramAddress[];
  /** HAProxy frontends on this host. */
  readonly frontends: DiagramFrontend[];
  /** HAProxy backends on this host. */
  readonly backends: DiagramBackend[];
  /** Ports the firewall passes in that are not bound to one of the listed addresses. */
  readonly otherOpenPorts?: DiagramOpenPort[];
}
