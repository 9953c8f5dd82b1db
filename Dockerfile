# syntax=docker/dockerfile:1
# bfd's container image, registry.gitlab.com/bfd-tools/bfd:<version>, and the default image of the CI/CD component
# (templates/bfd.yml). It installs the PACKED tarball (`npm pack` output in the build context), never the source
# tree, with the same script the packaging test runs (scripts/install-packed.sh). bfd's pipeline builds it on
# release tags; see the build-image job in .gitlab-ci.yml.
#
#   npm pack && docker build -t bfd . && docker run --rm bfd done --snapshot /opt/bfd/lib/node_modules/@bfd-tools/bfd/examples/done-pass.json
#
# Node 26 is the Active LTS line since 2026-10-28 (github.com/nodejs/Release, "Release schedule").
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-alpine AS install
WORKDIR /build
COPY scripts/install-packed.sh ./
COPY bfd-tools-bfd-*.tgz ./
# Exactly one tarball, so the image can never mix up two versions left in the build context.
RUN set -- bfd-tools-bfd-*.tgz && [ "$#" -eq 1 ] && sh install-packed.sh "$1" /opt/bfd

FROM node:${NODE_VERSION}-alpine
LABEL org.opencontainers.image.title="bfd" \
      org.opencontainers.image.description="Delivery gate: checks Linear issues and GitLab merge requests against the team's Ready and Done criteria." \
      org.opencontainers.image.source="https://gitlab.com/bfd-tools/bfd" \
      org.opencontainers.image.licenses="MIT"
COPY --from=install /opt/bfd /opt/bfd
ENV PATH=/opt/bfd/bin:$PATH \
    NODE_ENV=production \
    NO_UPDATE_NOTIFIER=1
# The node user (uid 1000) that the official image ships; bfd needs no root for anything.
USER node
WORKDIR /home/node
# `docker run <image> done …` runs bfd; a later `bfd serve` is `docker run <image> serve`. GitLab jobs override the
# entrypoint with a shell (the component sets `entrypoint: [""]`).
ENTRYPOINT ["bfd"]
CMD ["--help"]
# `bfd serve` listens here by default (PORT changes it); its probes are GET /healthz and GET /readyz (docs/serve.md).
EXPOSE 8080
