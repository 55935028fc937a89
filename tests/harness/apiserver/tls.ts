/**
 * A throw-away CA and a server certificate for 127.0.0.1 (EC P-256, via `openssl`).
 *
 * @module
 */

/** PEM material for the HTTPS listener and the kubeconfig. */
export interface TlsMaterial {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `Cannot create certificate "${args[0]}": ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
}

/** Generates a CA and a serving certificate with SAN IP:127.0.0.1 and DNS:localhost. */
export async function generateTls(): Promise<TlsMaterial> {
  const dir = await Deno.makeTempDir({ prefix: "harness-tls-" });
  try {
    const ec = [
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "3650",
    ];
    await openssl([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-subj",
      "/CN=nmcp-harness-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ], dir);
    await openssl([
      "req",
      "-x509",
      ...ec,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-keyout",
      "tls.key",
      "-out",
      "tls.crt",
      "-subj",
      "/CN=kube-apiserver",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ], dir);
    const read = (f: string) => Deno.readTextFile(`${dir}/${f}`);
    return {
      caCertPem: await read("ca.crt"),
      certPem: await read("tls.crt"),
      keyPem: await read("tls.key"),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
