#!/bin/sh
# demo.sh TOCSIN - the main job on the embedded defaults, in a scratch
# workspace: init, check every bundled playbook, plan the warehouse outage
# against the bundled sample audience. Called by `make demo`.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
demo=${TOCSIN_DEMO_DIR:-$(mktemp -d /tmp/tocsin-demo.XXXXXX)}
export TOCSIN_NOW=${TOCSIN_NOW:-2026-11-22T09:00:00Z}
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-Casey Commander}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-casey@acme.example}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "tocsin init $demo"
"$bin" init "$demo"
cd "$demo"

step "tocsin check"
"$bin" check

step "tocsin plan warehouse-outage --audience playbooks/samples/customers.csv"
"$bin" plan warehouse-outage --audience playbooks/samples/customers.csv

step "done: the workspace is $demo (git log audit shows its history)"
