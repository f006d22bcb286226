#!/bin/bash
# LocalStack runs this once it is ready: create Vigil's bus, rules, queues with DLQs and state
# machines here, and its buckets on MinIO (S3_ENDPOINT_URL), with the platform's own bootstrap
# (`vigil bootstrap`, the code every other environment uses). Idempotent; the platform runs the
# same bootstrap again when it starts.
set -euo pipefail
VIGIL_SRC=${VIGIL_SRC:-/opt/vigil}
DEPS=${VIGIL_BOOTSTRAP_DEPS:-/var/lib/localstack/vigil-bootstrap-deps}
REQS="$VIGIL_SRC/localstack/init/requirements-bootstrap.txt"
STAMP="$DEPS/.installed-$(sha256sum "$REQS" | cut -c1-16)"

if [ ! -f "$STAMP" ]; then
  echo "vigil: installing the bootstrap's dependencies into $DEPS"
  rm -rf "$DEPS"
  python3 -m pip install --quiet --disable-pip-version-check --target "$DEPS" -r "$REQS"
  touch "$STAMP"
fi

export AWS_ENDPOINT_URL=${LOCALSTACK_ENDPOINT:-http://localhost:4566}
export VIGIL_STAGE=${VIGIL_STAGE:-onprem}
PYTHONPATH="$DEPS:$VIGIL_SRC/layers/core/python" \
  python3 -m vigil.cli bootstrap --definition "$VIGIL_SRC/infra/resources.yaml"
echo "vigil: resources bootstrapped with prefix ${RESOURCE_PREFIX}"
