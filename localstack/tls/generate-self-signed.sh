#!/bin/sh
# Write a self-signed certificate and key for the proxy, unless both already exist (your own
# pair, or one generated on an earlier start). Paths: TLS_CERT_FILE, TLS_KEY_FILE; names in the
# certificate: VIGIL_HOSTNAME, localhost and 127.0.0.1. Runs in the `certs` service or by hand.
set -eu
CERT=${TLS_CERT_FILE:-/certs/tls.crt}
KEY=${TLS_KEY_FILE:-/certs/tls.key}
HOSTNAME_=${VIGIL_HOSTNAME:-vigil.localhost}
DAYS=${TLS_DAYS:-825}

if [ -s "$CERT" ] && [ -s "$KEY" ]; then
  echo "TLS: using the existing $CERT and $KEY"
  exit 0
fi
if [ -e "$CERT" ] || [ -e "$KEY" ]; then
  echo "TLS: only one of $CERT and $KEY exists; remove it or provide both" >&2
  exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
  apk add --no-cache openssl >/dev/null  # the alpine image of the `certs` service
fi
mkdir -p "$(dirname "$CERT")" "$(dirname "$KEY")"
umask 077
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days "$DAYS" \
  -keyout "$KEY" -out "$CERT" -subj "/CN=$HOSTNAME_" \
  -addext "subjectAltName=DNS:$HOSTNAME_,DNS:localhost,IP:127.0.0.1" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
  -addext "extendedKeyUsage=serverAuth" 2>/dev/null
chmod 644 "$CERT"  # readable by the proxy and the platform (its S3 client trusts it)
chmod 640 "$KEY"
echo "TLS: wrote a self-signed pair for $HOSTNAME_ to $CERT and $KEY (valid $DAYS days)"
