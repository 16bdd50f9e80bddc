# syntax=docker/dockerfile:1
# Guichet: one static binary with every subcommand (web, worker, migrate,
# temporal-setup, temporal, reconcile, directory, token, dev, bench, generate, version);
# docker-compose.yml runs migrate, temporal-setup, web and worker.
# Build:  docker build -t guichet .
# The first build compiles the Temporal server packages: expect 10–15 minutes;
# the cache mounts make later builds take well under a minute.

# The patch version matches go.mod (the image sets GOTOOLCHAIN=local).
FROM golang:1.26.8 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/guichet .

# Alpine rather than distroless: busybox wget gives the compose health checks
# something to call. Time zones are also embedded in the binary (time/tzdata).
FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
    && adduser -D -H -u 10001 -s /sbin/nologin guichet \
    && mkdir -p /data/spool && chown -R guichet:guichet /data
COPY --from=build /out/guichet /guichet
USER 10001:10001
WORKDIR /data
ENV GUICHET_DATA_DIR=/data \
    GUICHET_WEB_ADDR=0.0.0.0:8080 \
    GUICHET_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/guichet"]
CMD ["web"]
