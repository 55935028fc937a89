/**
 * What the kernel knows about this process's accepted TCP sockets, read beside `Deno.serve`
 * without touching its data path: the sockets of a listening port (`/proc/self/fd`, then
 * `getsockname`/`getpeername`), the bytes each has received (`getsockopt(TCP_INFO)`), and a way to
 * end one (`write` a last answer, then `shutdown`; the server sees EOF and drops it). Linux and
 * FFI only: {@linkcode openSocketWatch} returns null elsewhere. (`/proc/self/net/tcp` lists the
 * whole network namespace: 15–26 ms per read here, too slow for a sweep every second.)
 */

/** One established connection to the watched port. */
export interface WatchedSocket {
  fd: number;
  /** The fd and the client's port: what a reused fd would not share. */
  id: string;
  /** The client's port (how the server's handler info names the connection). */
  remotePort: number;
  /** Bytes received on the socket so far (`tcpi_bytes_received`). */
  bytesReceived: bigint;
}

/** Reads and ends this process's sockets on one local port. */
export interface SocketWatch {
  /** Established sockets whose local port is `port`. */
  list(port: number): WatchedSocket[];
  /** Writes `answer` (best effort) and shuts the socket down, unless its fd changed meanwhile. */
  end(sock: WatchedSocket, answer: Uint8Array): void;
}

const SYMBOLS = {
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
} as const;

const IPPROTO_TCP = 6;
const TCP_INFO = 11;
const TCP_ESTABLISHED = 1;
const SHUT_RDWR = 2;
const INFO_SIZE = 232;
const BYTES_RECEIVED_AT = 128;
const SOCKADDR_SIZE = 128;

/** The socket watch of this process, or null without Linux `/proc` and FFI (libc). */
export function openSocketWatch(): SocketWatch | null {
  if (Deno.build.os !== "linux") return null;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    Deno.readDirSync("/proc/self/fd");
    lib = Deno.dlopen("libc.so.6", SYMBOLS);
  } catch {
    return null;
  }
  const info = new Uint8Array(INFO_SIZE);
  const addr = new Uint8Array(SOCKADDR_SIZE);
  const len = new Uint32Array(1);
  const lenBytes = new Uint8Array(len.buffer);
  const view = new DataView(info.buffer);
  /** The port of the socket's own (or peer) address; -1 when it has none. */
  const portOf = (fd: number, peer: boolean): number => {
    len[0] = SOCKADDR_SIZE;
    const call = peer ? lib.symbols.getpeername : lib.symbols.getsockname;
    if (call(fd, addr, lenBytes) !== 0) return -1;
    return (addr[2] << 8) | addr[3]; // sin_port / sin6_port, network order, same offset
  };
  const tcpInfo = (fd: number): bigint | null => {
    len[0] = INFO_SIZE;
    if (lib.symbols.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, lenBytes) !== 0) return null;
    return info[0] === TCP_ESTABLISHED ? view.getBigUint64(BYTES_RECEIVED_AT, true) : null;
  };
  return {
    list(port) {
      const out: WatchedSocket[] = [];
      for (const e of Deno.readDirSync("/proc/self/fd")) {
        const fd = Number(e.name);
        const bytesReceived = tcpInfo(fd);
        if (bytesReceived === null || portOf(fd, false) !== port) continue;
        const remotePort = portOf(fd, true);
        if (remotePort > 0) out.push({ fd, id: `${fd}:${remotePort}`, remotePort, bytesReceived });
      }
      return out;
    },
    end(sock, answer) {
      if (portOf(sock.fd, true) !== sock.remotePort) return;
      lib.symbols.write(sock.fd, answer, BigInt(answer.length));
      lib.symbols.shutdown(sock.fd, SHUT_RDWR);
    },
  };
}
