#!/bin/sh
# SPDX-License-Identifier: ISC
# Bounded resources: beyond the per-peer queue cap a submission gets a
# temporary refusal (exit 3), never a silent drop; once the peer drains
# the queue, submissions are taken again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

FED_EXTRA="queue_max_bytes = 1048576;"
fed_add LIM-A BEL - "BE:SECRET"
fed_add LIM-B BEL - "BE:SECRET"
fed_link LIM-A LIM-B
for n in LIM-A LIM-B; do
	fed_user $n "$(id -un)" "BE:SECRET" BEL - officer
done
fed_write
fed_start LIM-A || { echo "Bail out! LIM-A did not start"; exit 255; }

head -c 4000 /dev/zero | tr '\0' 'x' >"$T/body"
n=0
rc=0
while [ $n -lt 400 ]; do
	run v LIM-A send --to LIM-B --label "BE:SECRET" "$T/body"
	[ "$rc" -ne 0 ] && break
	n=$((n + 1))
done
is "$rc" 3 "with the peer down, the queue fills and send exits 3"
like "$err" "queue for LIM-B is full" "saying the queue is full"
ok "$([ $n -ge 200 ] && [ $n -lt 300 ]; echo $?)" "after about 1 MiB of messages ($n)"
run v LIM-A status --json
like "$out" "\"queued_routine\":$n" "every accepted message is still queued"

fed_start LIM-B || { echo "Bail out! LIM-B did not start"; exit 255; }
wait_for 30 sh -c "\"\$VALISE\" status -c \"$FED/LIM-A/valise.conf\" --json | grep -q '\"queued_routine\":0'"
ok $? "the queue drains to the peer"
run v LIM-B inbox --json
is "$(echo "$out" | grep -o '"id"' | wc -l | tr -d ' ')" "$n" "all $n messages arrived"
run v LIM-A send --to LIM-B --label "BE:SECRET" "$T/body"
is "$rc" 0 "submissions are taken again"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"

done_testing
