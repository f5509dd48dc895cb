#!/bin/sh
# demo.sh TOCSIN - the main job on the embedded defaults, in a scratch
# workspace: a warehouse outage from open to close, on simulated time
# (TOCSIN_NOW), delivered to the outbox (.tocsin/outbox/), journalled in
# SQLite and audited on the 'audit' branch. Called by `make demo`.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
demo=${TOCSIN_DEMO_DIR:-$(mktemp -d /tmp/tocsin-demo.XXXXXX)}
commander="Casey Commander <casey@acme.example>"
approver="Ana Li <ana@acme.example>"
id=INC-20261122-01

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    step() { printf '\n== %s\n' "$*"; }
fi
at() { TOCSIN_NOW=$1; export TOCSIN_NOW; }

at 2026-11-22T09:00:00Z
step "tocsin init $demo"
"$bin" init "$demo"
cd "$demo"

step "tocsin check"
"$bin" check

step "tocsin plan warehouse-outage (excerpt)"
"$bin" plan warehouse-outage --audience playbooks/samples/customers.csv \
    2>/dev/null | sed -n '1,/^previews/p'

step "09:00 tocsin open warehouse-outage --audience playbooks/samples/customers.csv"
"$bin" open warehouse-outage --audience playbooks/samples/customers.csv \
    --id "$id" --as "$commander" 2>/dev/null

step "09:00 tocsin run: acknowledge, banner, call-backs"
"$bin" run "$id" --as "$commander" || true

step "09:05 the social post needs comms-lead: tocsin approve"
at 2026-11-22T09:05:00Z
"$bin" approve "$id" social --as "$approver" --note "wording checked"
at 2026-11-22T09:10:00Z
"$bin" run "$id" --as "$commander" || true

for t in 2026-11-22T21:00:00Z 2026-11-23T09:00:00Z; do
    step "$t the 12-hourly update, even without news"
    at "$t"
    "$bin" run "$id" --as "$commander" || true
done

step "10:00 next day: resolved, with the credit in the same message"
at 2026-11-23T10:00:00Z
"$bin" resolve "$id" --as "$commander" --message "All delayed orders have shipped."
"$bin" run "$id" --as "$commander" || true

step "12:00 tocsin close"
at 2026-11-23T12:00:00Z
"$bin" close "$id" --as "$commander"

step "tocsin status $id"
"$bin" status "$id"

step "the outbox"
for d in .tocsin/outbox/*; do
    if [ -d "$d/new" ]; then
        printf '  %-8s %s messages (Maildir)\n' "$(basename "$d")" "$(ls "$d/new" | wc -l)"
    else
        printf '  %-8s %s messages (JSON lines)\n' "$(basename "$d")" "$(wc -l < "$d/messages.jsonl")"
    fi
done

step "tocsin audit log $id"
"$bin" audit log "$id"

step "tocsin audit verify"
"$bin" audit verify

step "done: the workspace is $demo ('git log audit' reads the history)"
