#!/usr/bin/env bash
# One fuzz campaign: fuzz/run.sh TARGET SECONDS [MAX_LEN]. Seeds from fuzz/make-seeds.py, the
# corpus kept in fuzz/corpus/TARGET, crashes in fuzz/artifacts/TARGET. No sanitizer: the crate
# forbids unsafe code, and what is hunted is panics, hangs and memory growth. One job: the machine has
# two cores and the other is for building.
set -euo pipefail
cd "$(dirname "$0")"
t=$1; secs=$2; max=${3:-8192}
[ -d seeds/$t ] || python3 make-seeds.py
mkdir -p corpus/$t
exec cargo +nightly fuzz run -O -s none "$t" corpus/$t seeds/$t -- -dict=tls.dict -max_total_time="$secs" -max_len="$max" \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
