# nmcp: one image carrying the three binaries (operator, gateway sidecar, kubectl plugin)
# and a static busybox for the stdio launcher. Built where Docker and Deno's runtime download
# are available:  docker build -t ghcr.io/nwrx/nmcp:dev .
ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /src
COPY deno.json deno.lock ./
COPY lib/ lib/
COPY crds/ crds/
COPY gateway/ gateway/
COPY operator/ operator/
COPY cli/ cli/
RUN deno install --frozen
# lib/trace/_sdk.ts is imported by a computed specifier (only when tracing is on): --include it.
RUN deno compile -A --include lib/trace/_sdk.ts --output /out/nmcp-gateway gateway/main.ts \
 && deno compile -A --include lib/trace/_sdk.ts --output /out/nmcp-operator operator/main.ts \
 && deno compile -A --output /out/kubectl-nmcp cli/main.ts

# busybox built statically (musl): copied into MCP pods as the stdio launcher.
FROM busybox:1.37-musl AS busybox

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/nmcp-gateway /out/nmcp-operator /out/kubectl-nmcp /usr/local/bin/
COPY --from=busybox /bin/busybox /bin/busybox
ENV DENO_DIR=/tmp/deno NO_COLOR=1
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/nmcp-operator"]
