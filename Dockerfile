# syntax=docker/dockerfile:1
#
# seecovid on nginx, for the Elastic Beanstalk Docker platform or any Docker host.
#
#   docker build -t seecovid .                     default target `proxy`: nginx in front of
#                                                  the S3 bucket that `seecovid sync` fills
#                                                  (a data refresh needs no redeploy)
#   docker build --target baked -t seecovid:baked .   the site built into the image, no S3
#
# Both listen on port 80 (EXPOSEd, as Elastic Beanstalk expects) and answer /healthz
# locally. The nginx configuration is deploy/nginx/ (docs/deploy.md explains it).

ARG RUST_IMAGE=rust:1.95.0-slim-bookworm
ARG NGINX_IMAGE=nginx:1.28-bookworm

# ---- the seecovid binary ----
FROM ${RUST_IMAGE} AS builder
WORKDIR /src
# The whole crate (sources, templates, bundled data and boundaries), minus .dockerignore.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && cp target/release/seecovid /usr/local/bin/seecovid

# ---- the site, from the data bundled in assets/data ----
FROM builder AS site
RUN seecovid build --out /site

# ---- nginx with the shared configuration ----
FROM ${NGINX_IMAGE} AS nginx-common
RUN rm -f /etc/nginx/conf.d/default.conf
COPY deploy/nginx/conf.d/ /etc/nginx/conf.d/
COPY deploy/nginx/seecovid/ /etc/nginx/seecovid/
# The image's entrypoint renders /etc/nginx/templates/*.template with envsubst; only our
# variables, so nginx's own $uri and friends stay as they are.
ENV NGINX_ENVSUBST_FILTER=^SEECOVID_ \
    SEECOVID_LISTEN=80
EXPOSE 80
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1/healthz"]

# ---- baked: a self-contained image serving output/ ----
FROM nginx-common AS baked
ENV SEECOVID_ROOT=/srv/seecovid
COPY deploy/nginx/templates/seecovid-baked.conf.template /etc/nginx/templates/
COPY --from=site /site /srv/seecovid

# ---- proxy (default): the site from S3, through a small stale-tolerant cache ----
FROM nginx-common AS proxy
ENV SEECOVID_S3_BUCKET="" \
    SEECOVID_S3_REGION=us-east-1 \
    SEECOVID_S3_PREFIX=site \
    SEECOVID_S3_ORIGIN="" \
    SEECOVID_RESOLVER="" \
    SEECOVID_CACHE_DIR=/var/cache/nginx/seecovid \
    SEECOVID_CACHE_MAX_SIZE=256m \
    SEECOVID_CACHE_VALID=60s
COPY deploy/nginx/templates/seecovid-proxy.conf.template /etc/nginx/templates/
COPY --chmod=0755 deploy/nginx/docker-entrypoint.d/15-seecovid.envsh /docker-entrypoint.d/
