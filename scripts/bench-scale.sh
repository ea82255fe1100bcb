#!/usr/bin/env bash
# The library at scale, as whole processes: import of a generated archive of N posts
# (10000 or 100000; scripts/gen-archive.py), the library's size against the markdown, the
# first list page, a search's first page for several kinds of query, `search --json` of
# every match, and peak memory. Timing by hyperfine (`apt-get install hyperfine`): quote
# the medians; peak memory by /usr/bin/time.
#
#   scripts/bench-scale.sh N [WORK_DIR]     (WORK_DIR defaults to target/bench-scale)
#
# The archive and library are kept in WORK_DIR between runs (delete them to start again);
# nothing generated is ever committed.
set -eu
cd "$(dirname "$0")/.."
n=${1:?usage: bench-scale.sh N [WORK_DIR]}
work=${2:-target/bench-scale}
archive="$work/archive-$n"
lib="$work/library-$n"
mkdir -p "$work"
cargo build --release --quiet --bin sofa-weekly
bin=target/release/sofa-weekly
config="$work/empty.toml"
: >"$config"
export SOFA_WEEKLY_CONFIG="$config"
[ -d "$archive" ] || python3 scripts/gen-archive.py "$n" "$archive"
markdown=$(find "$archive" -name '*.md' -print0 | du -cb --files0-from=- | tail -n 1 | cut -f 1)
if [ ! -f "$lib/library.sqlite3" ]; then
    echo "import of $n posts ($markdown bytes of markdown):"
    /usr/bin/time -f '  %e s wall, %U s user, %S s system, %M KB peak' \
        $bin --library "$lib" import "$archive" >/dev/null
fi
size=$(du -cb "$lib"/library.sqlite3* | tail -n 1 | cut -f 1)
echo "library: $size bytes = $(echo "scale=3; $size / $markdown" | bc)x the markdown"
# hyperfine's median, and the peak memory of one more run.
run() {
    hyperfine --shell=bash --warmup 2 --runs 10 --export-json "$work/run.json" \
        "$(printf '%q ' $bin --library "$lib" "$@")" >/dev/null
    median=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/run.json")
    peak=$(/usr/bin/time -f %M $bin --library "$lib" "$@" 2>&1 >/dev/null | tail -n 1)
    echo "  $median ms median, peak $peak KB"
}
run list --limit 50
for query in 状态 的 分布式事务 rust graceful '"async closure"' 'async closure' gra 'mosn -istio' the con a; do
    echo "search $query --limit 50:"
    run search "$query" --limit 50 || true
done
echo "search --json of every match:"
run search 分布式 --json || true
run search rustc --json || true
