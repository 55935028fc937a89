/*
 * netshim: gives a process of a harness pod its own view of "this host" without a network
 * namespace. Loaded with LD_PRELOAD by the harness kubelet, with NMCP_POD_IP=127.0.1.x:
 *   - bind() to a wildcard or loopback address (0.0.0.0, 127.0.0.1, ::, ::1) binds the pod IP
 *     instead, so two pods can both listen on :8080, as on a node;
 *   - connect() to 127.0.0.1, 0.0.0.0 or ::1 goes to the pod IP, so `localhost` inside a pod
 *     means the pod (the containers of one pod share it, as in Kubernetes).
 * Every other address is left alone. Without NMCP_POD_IP the shim does nothing.
 * Test infrastructure only: nmcp's product code never sees it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*sock_fn)(int, const struct sockaddr *, socklen_t);

static int pod_ip(struct in_addr *out) {
  const char *ip = getenv("NMCP_POD_IP");
  return ip != NULL && inet_pton(AF_INET, ip, out) == 1;
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
    struct sockaddr_in6 *out = (struct sockaddr_in6 *)buf;
    memset(&out->sin6_addr, 0, sizeof(out->sin6_addr));
    out->sin6_addr.s6_addr[10] = 0xff;
    out->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&out->sin6_addr.s6_addr[12], &ip, 4);
    return (const struct sockaddr *)buf;
  }
  return addr;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static sock_fn real;
  if (!real) real = (sock_fn)dlsym(RTLD_NEXT, "bind");
  struct sockaddr_storage buf;
  return real(fd, rewrite(fd, addr, len, &buf, 1), len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static sock_fn real;
  if (!real) real = (sock_fn)dlsym(RTLD_NEXT, "connect");
  struct sockaddr_storage buf;
  return real(fd, rewrite(fd, addr, len, &buf, 0), len);
}
