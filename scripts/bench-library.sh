#!/bin/sh
# Whole-process figures on the 10,000-post library the benches build (run
# `cargo bench --bench library` once first): start to first list page, tag filter, search,
# and peak memory of `list --limit 1`.
#
# Needs hyperfine (Debian: apt-get install hyperfine) and GNU time (/usr/bin/time).
set -eu
cd "$(dirname "$0")/.."
lib=$(ls -d target/bench-library/*-10000/library 2>/dev/null | tail -n 1)
[ -n "$lib" ] || { echo "bench-library: run 'cargo bench --bench library' first" >&2; exit 2; }
cargo build --release --quiet --bin sofa-weekly
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOFA_WEEKLY_CONFIG="$work/empty.toml"
: >"$SOFA_WEEKLY_CONFIG"
bin="target/release/sofa-weekly --library $lib"
hyperfine -N --warmup 3 --runs 20 \
    "$bin list --limit 50" \
    "$bin list --limit 50 --tag Release" \
    "$bin search 状态 --limit 50" \
    "$bin search 分布式事 --limit 50" \
    "$bin search graceful --limit 50"
/usr/bin/time -v $bin list --limit 1 2>&1 >/dev/null | grep 'Maximum resident'
