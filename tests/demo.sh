#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: a small federation of department nodes on this machine.
# The node daemon is not built yet; say so plainly instead of pretending.
echo "valise: the demo is not built yet: the node daemon (valised) does not" \
    "relay messages in this version." >&2
exit 4
