#!/bin/sh
# Compares `sofa-weekly show FILE --width 80 --plain` with `lowdown -tterm FILE` in one
# hyperfine run, on a 40 KB generated post with code blocks and on the same post with its
# code blocks removed (the highlighter must not be loaded for it).
#
#   scripts/bench-show.sh            # builds the release binary and the generator first
#
# Needs hyperfine and lowdown (Debian: apt-get install hyperfine lowdown). Nothing else in
# the project needs them.
set -eu
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench-show: hyperfine is not installed" >&2; exit 2; }
command -v lowdown >/dev/null || { echo "bench-show: lowdown is not installed" >&2; exit 2; }
cargo build --release --quiet --bin sofa-weekly --example gen-corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Post 7507 is one of the largest the generator writes (40 KB, mostly Chinese).
target/release/examples/gen-corpus 7508 "$work/corpus" >/dev/null
post=$(find "$work/corpus" -name '*-07507.md')
cp "$post" "$work/with-code.md"
awk '/^```/ { skip = !skip; next } !skip' "$post" >"$work/no-code.md"
wc -c "$work/with-code.md" "$work/no-code.md"
export SOFA_WEEKLY_CONFIG="$work/empty.toml"
: >"$SOFA_WEEKLY_CONFIG"
bin=target/release/sofa-weekly
hyperfine -N --warmup 5 --runs 50 \
    "$bin show $work/no-code.md --width 80 --plain" \
    "lowdown -tterm $work/no-code.md" \
    "$bin show $work/with-code.md --width 80 --plain" \
    "lowdown -tterm $work/with-code.md"
