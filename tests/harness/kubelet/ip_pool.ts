/**
 * Pod IPs: one loopback address per pod (`<prefix>.2` … `<prefix>.254`), freed on delete.
 * Pods do not get isolated ports: the netshim maps wildcard binds to the pod IP.
 *
 * @module
 */

/** Allocates loopback pod IPs by pod uid. */
export class IpPool {
  #prefix: string;
  #byUid = new Map<string, string>();
  #used = new Set<string>();
  #next = 2;

  /** `prefix` is the first three octets (a range claimed with `claimIpRange`). */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** The IP of `uid`, allocating the next free one. */
  allocate(uid: string): string {
    const have = this.#byUid.get(uid);
    if (have) return have;
    for (let i = 0; i < 253; i++) {
      const n = 2 + (this.#next - 2 + i) % 253;
      const ip = `${this.#prefix}.${n}`;
      if (this.#used.has(ip)) continue;
      this.#used.add(ip);
      this.#byUid.set(uid, ip);
      this.#next = n + 1;
      return ip;
    }
    throw new RangeError(`Cannot allocate pod IP "${uid}": ${this.#prefix}.0/24 is exhausted`);
  }

  /** Frees the IP of `uid`. */
  release(uid: string): void {
    const ip = this.#byUid.get(uid);
    if (!ip) return;
    this.#byUid.delete(uid);
    this.#used.delete(ip);
  }
}
