# Veil: a static binary in a distroless, non-root image.
#   docker build -t veil .
#   docker run -p 443:8443 -v veil-data:/var/lib/veil -v $PWD/veil.yaml:/etc/veil/veil.yaml:ro veil
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/veil ./cmd/veil \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/veil /usr/local/bin/veil
COPY --from=build --chown=nonroot:nonroot /out/data /var/lib/veil
USER nonroot:nonroot
VOLUME ["/var/lib/veil"]
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/veil"]
CMD ["serve", "--config", "/etc/veil/veil.yaml"]
