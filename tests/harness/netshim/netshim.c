/*
 * netshim: gives a process of a harness pod its own view of "this host" without a network
 * namespace. Loaded with LD_PRELOAD by the harness kubelet, with NMCP_POD_IP=<pod IP> and
 * NMCP_NODE_IP=<node IP> (the kubelet's hostIP):
 *   - bind() to a wildcard or loopback address (0.0.0.0, 127.0.0.1, ::, ::1) binds the pod IP
 *     instead, so two pods can both listen on :8080, as on a node;
 *   - connect() to 127.0.0.1, 0.0.0.0 or ::1 goes to the pod IP, so `localhost` inside a pod
 *     means the pod (the containers of one pod share it, as in Kubernetes);
 *   - connect() of an unbound socket to any 127.0.0.0/8 address (the pod itself, another pod,
 *     the node) first binds the socket to the pod IP, so its peer sees the pod IP as source;
 *   - accept(), accept4() and getpeername() report a peer at the pod's own IP as 127.0.0.1
 *     (the pod's loopback, as in a pod network namespace) and a peer at the host's 127.0.0.1
 *     (host processes, the kubelet's probes) as the node IP, so nothing outside the pod looks
 *     like loopback to it; other peers (other pods) keep their pod IPs. v4-mapped IPv6 peers
 *     are rewritten the same way (::ffff:127.0.0.1, ::ffff:<node IP>).
 *   - with NMCP_SERVICES_FILE (written by the kubelet, kubelet/service_table.ts), cluster DNS and
 *     kube-proxy: getaddrinfo() of a listed `<svc>.<ns>.svc[.cluster.local]` name gives its
 *     ClusterIP (an unlisted name under .svc or .svc.cluster.local does not resolve), and
 *     connect() to a listed ClusterIP:port goes to a ready endpoint's podIP:targetPort (refused
 *     when the Service has none, as kube-proxy rejects it).
 * Every other address is left alone. Without NMCP_POD_IP the shim does nothing.
 * Test infrastructure only: nmcp's product code never sees it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

typedef int (*sock_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*peer_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

static int env_ip(const char *name, struct in_addr *out) {
  const char *ip = getenv(name);
  return ip != NULL && inet_pton(AF_INET, ip, out) == 1;
}

static int pod_ip(struct in_addr *out) { return env_ip("NMCP_POD_IP", out); }

static int real_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static sock_fn real;
  if (!real) real = (sock_fn)dlsym(RTLD_NEXT, "bind");
  return real(fd, addr, len);
}

static int is_local4(const struct in_addr *a, int wildcard_ok) {
  uint32_t h = ntohl(a->s_addr);
  return h == INADDR_LOOPBACK || (wildcard_ok && h == INADDR_ANY);
}

static int is_local6(const struct in6_addr *a, int wildcard_ok) {
  if (IN6_IS_ADDR_LOOPBACK(a)) return 1;
  if (wildcard_ok && IN6_IS_ADDR_UNSPECIFIED(a)) return 1;
  if (IN6_IS_ADDR_V4MAPPED(a)) {
    struct in_addr v4;
    memcpy(&v4, &a->s6_addr[12], 4);
    return is_local4(&v4, wildcard_ok);
  }
  return 0;
}

static void map_v4(struct in6_addr *out, const struct in_addr *ip) {
  memset(out, 0, sizeof(*out));
  out->s6_addr[10] = 0xff;
  out->s6_addr[11] = 0xff;
  memcpy(&out->s6_addr[12], ip, 4);
}

/* Rewrites addr into buf when it names this host; returns the address to use. */
static const struct sockaddr *rewrite(int fd, const struct sockaddr *addr, socklen_t len,
                                      struct sockaddr_storage *buf, int binding) {
  struct in_addr ip;
  if (addr == NULL || !pod_ip(&ip)) return addr;
  if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
    if (!is_local4(&in->sin_addr, 1)) return addr;
    memcpy(buf, in, sizeof(*in));
    ((struct sockaddr_in *)buf)->sin_addr = ip;
    return (const struct sockaddr *)buf;
  }
  if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
    if (!is_local6(&in6->sin6_addr, 1)) return addr;
    if (binding) {
      int off = 0; /* a v4-mapped address needs a dual-stack socket */
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    }
    memcpy(buf, in6, sizeof(*in6));
    map_v4(&((struct sockaddr_in6 *)buf)->sin6_addr, &ip);
    return (const struct sockaddr *)buf;
  }
  return addr;
}

/* The IPv4 address a destination names (plain or v4-mapped), if any. */
static int dest_v4(const struct sockaddr *addr, socklen_t len, struct in_addr *out) {
  if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    *out = ((const struct sockaddr_in *)addr)->sin_addr;
    return 1;
  }
  if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)addr)->sin6_addr;
    if (!IN6_IS_ADDR_V4MAPPED(a)) return 0;
    memcpy(out, &a->s6_addr[12], 4);
    return 1;
  }
  return 0;
}

/* Before connecting an unbound socket to 127.0.0.0/8, binds it to the pod IP (port 0). */
static void bind_source(int fd, const struct sockaddr *dst, socklen_t len) {
  struct in_addr ip, to;
  if (dst == NULL || !pod_ip(&ip) || !dest_v4(dst, len, &to)) return;
  if ((ntohl(to.s_addr) >> 24) != 127) return;
  struct sockaddr_storage cur;
  socklen_t cl = sizeof(cur);
  if (getsockname(fd, (struct sockaddr *)&cur, &cl) != 0 || cur.ss_family != dst->sa_family) return;
  if (cur.ss_family == AF_INET) {
    struct sockaddr_in *c = (struct sockaddr_in *)&cur;
    if (c->sin_port != 0 || c->sin_addr.s_addr != htonl(INADDR_ANY)) return;
    c->sin_addr = ip;
    real_bind(fd, (struct sockaddr *)c, sizeof(*c));
    return;
  }
  struct sockaddr_in6 *c6 = (struct sockaddr_in6 *)&cur;
  if (c6->sin6_port != 0 || !IN6_IS_ADDR_UNSPECIFIED(&c6->sin6_addr)) return;
  map_v4(&c6->sin6_addr, &ip);
  real_bind(fd, (struct sockaddr *)c6, sizeof(*c6));
}

/* The pod's view of a peer: its own IP is loopback, the host's loopback is the node. */
static void rewrite_v4_peer(struct in_addr *a) {
  struct in_addr ip, node;
  if (!pod_ip(&ip)) return;
  if (a->s_addr == ip.s_addr) {
    a->s_addr = htonl(INADDR_LOOPBACK);
  } else if (ntohl(a->s_addr) == INADDR_LOOPBACK && env_ip("NMCP_NODE_IP", &node)) {
    *a = node;
  }
}

/* Rewrites the peer address an accept/getpeername returned (cap: the caller's buffer size). */
static void rewrite_peer(struct sockaddr *addr, socklen_t *len, socklen_t cap) {
  if (addr == NULL || len == NULL) return;
  if (addr->sa_family == AF_INET && cap >= (socklen_t)sizeof(struct sockaddr_in)) {
    rewrite_v4_peer(&((struct sockaddr_in *)addr)->sin_addr);
  } else if (addr->sa_family == AF_INET6 && cap >= (socklen_t)sizeof(struct sockaddr_in6)) {
    struct in6_addr *a = &((struct sockaddr_in6 *)addr)->sin6_addr;
    if (!IN6_IS_ADDR_V4MAPPED(a)) return;
    struct in_addr v4;
    memcpy(&v4, &a->s6_addr[12], 4);
    rewrite_v4_peer(&v4);
    memcpy(&a->s6_addr[12], &v4, 4);
  }
}

static FILE *services_file(void) {
  const char *p = getenv("NMCP_SERVICES_FILE");
  return p ? fopen(p, "re") : NULL;
}

/* The ClusterIP of a listed Service name (into ip); 1 when listed. */
static int service_ip(const char *name, char *ip, size_t cap) {
  FILE *f = services_file();
  if (!f) return 0;
  char line[512], kind[16], host[256], addr[64];
  int found = 0;
  while (!found && fgets(line, sizeof(line), f)) {
    if (sscanf(line, "%15s %255s %63s", kind, host, addr) == 3 && strcmp(kind, "name") == 0 &&
        strcasecmp(host, name) == 0) {
      snprintf(ip, cap, "%s", addr);
      found = 1;
    }
  }
  fclose(f);
  return found;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* 1: ip:port (network order) is a ClusterIP port routed to *to; -1: it has no endpoint; 0: not one. */
static int service_route(struct in_addr ip, in_port_t port, struct sockaddr_in *to) {
  FILE *f = services_file();
  if (!f) return 0;
  char line[512], kind[16], cip[64], pip[64];
  unsigned p, tp;
  int r = 0;
  while (r != 1 && fgets(line, sizeof(line), f)) {
    struct in_addr c;
    if (sscanf(line, "%15s %63s %u %63s %u", kind, cip, &p, pip, &tp) != 5) continue;
    if (strcmp(kind, "route") != 0 || inet_pton(AF_INET, cip, &c) != 1) continue;
    if (c.s_addr != ip.s_addr || p != ntohs(port)) continue;
    r = -1;
    if (inet_pton(AF_INET, pip, &to->sin_addr) == 1) {
      to->sin_port = htons((in_port_t)tp);
      r = 1;
    }
  }
  fclose(f);
  return r;
}

/* Routes a connect() to a ClusterIP (plain or v4-mapped) into buf; see service_route. */
static int route_service(const struct sockaddr *addr, socklen_t len, struct sockaddr_storage *buf) {
  struct in_addr to;
  if (addr == NULL || !getenv("NMCP_SERVICES_FILE") || !dest_v4(addr, len, &to)) return 0;
  uint32_t h = ntohl(to.s_addr);
  if ((h >> 24) == 127 || h == INADDR_ANY) return 0;
  in_port_t port = addr->sa_family == AF_INET ? ((const struct sockaddr_in *)addr)->sin_port
                                              : ((const struct sockaddr_in6 *)addr)->sin6_port;
  struct sockaddr_in dst;
  int r = service_route(to, port, &dst);
  if (r != 1 || len > (socklen_t)sizeof(*buf)) return r == 1 ? 0 : r;
  memcpy(buf, addr, len);
  if (addr->sa_family == AF_INET) {
    ((struct sockaddr_in *)buf)->sin_addr = dst.sin_addr;
    ((struct sockaddr_in *)buf)->sin_port = dst.sin_port;
  } else {
    map_v4(&((struct sockaddr_in6 *)buf)->sin6_addr, &dst.sin_addr);
    ((struct sockaddr_in6 *)buf)->sin6_port = dst.sin_port;
  }
  return 1;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res) {
  static gai_fn real;
  if (!real) real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
  if (node != NULL && getenv("NMCP_SERVICES_FILE")) {
    char name[256], ip[64];
    snprintf(name, sizeof(name), "%s", node);
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.') name[n - 1] = 0;
    if (service_ip(name, ip, sizeof(ip))) {
      struct addrinfo h;
      memset(&h, 0, sizeof(h));
      if (hints) h = *hints;
      h.ai_flags |= AI_NUMERICHOST;
      if (h.ai_family == AF_INET6) h.ai_flags |= AI_V4MAPPED;
      return real(ip, service, &h, res);
    }
    if (ends_with(name, ".svc") || ends_with(name, ".svc.cluster.local")) return EAI_NONAME;
  }
  return real(node, service, hints, res);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  struct sockaddr_storage buf;
  return real_bind(fd, rewrite(fd, addr, len, &buf, 1), len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static sock_fn real;
  if (!real) real = (sock_fn)dlsym(RTLD_NEXT, "connect");
  struct sockaddr_storage svc, buf;
  int routed = route_service(addr, len, &svc);
  if (routed < 0) {
    errno = ECONNREFUSED;
    return -1;
  }
  if (routed > 0) addr = (const struct sockaddr *)&svc;
  const struct sockaddr *to = rewrite(fd, addr, len, &buf, 0);
  bind_source(fd, to, len);
  return real(fd, to, len);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  static peer_fn real;
  if (!real) real = (peer_fn)dlsym(RTLD_NEXT, "accept");
  socklen_t cap = len ? *len : 0;
  int r = real(fd, addr, len);
  if (r >= 0) rewrite_peer(addr, len, cap);
  return r;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  static accept4_fn real;
  if (!real) real = (accept4_fn)dlsym(RTLD_NEXT, "accept4");
  socklen_t cap = len ? *len : 0;
  int r = real(fd, addr, len, flags);
  if (r >= 0) rewrite_peer(addr, len, cap);
  return r;
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
  static peer_fn real;
  if (!real) real = (peer_fn)dlsym(RTLD_NEXT, "getpeername");
  socklen_t cap = len ? *len : 0;
  int r = real(fd, addr, len);
  if (r == 0) rewrite_peer(addr, len, cap);
  return r;
}
