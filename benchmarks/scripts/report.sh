#!/usr/bin/env bash
# Regenerates BENCHMARKS.md and its plots (benchmarks/report/*.png) from fresh measurements:
#   1. ./jvit bench compare on every preset at all cores, and on the small presets at one thread, writing
#      benchmarks/report/compare-cpu-threads<T>.json (jvit and PyTorch alternating; SGEMM per size);
#   2. with --jmh, a pass of the JMH suite (the kernels, autograd, attention and training steps; the GEMM has its
#      own numbers in the tables) into benchmarks/report/jmh.json; JMH_ARGS replaces its default selection;
#   3. ./jvit bench report, which writes BENCHMARKS.md from those files and benchmarks/report/NOTES.md.
#
# usage: benchmarks/scripts/report.sh [--report-only] [--jmh] [-- extra 'bench compare' options]
#   --report-only   skip the measurements; rebuild the page and plots from the JSON already there
#   --jmh           also run the JMH pass (about 10 minutes on 2 cores)
# Environment: JVIT_BENCH, the command that runs 'jvit bench' (default: ./jvit bench); JVIT_PYTHON, the Python
# with PyTorch (default python3). Without PyTorch the page still gets jvit's figures, and says so.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=benchmarks/report
measure=1 jmh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --report-only) measure=0 ;;
    --jmh) jmh=1 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "report.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
read -r -a bench <<< "${JVIT_BENCH:-./jvit bench}"
cores=$(nproc)
mkdir -p "$out"

if [ "$measure" = 1 ]; then
  "${bench[@]}" compare --config all --threads "$cores" --json "$out/compare-cpu-threads$cores.json" "$@"
  if [ "$cores" -gt 1 ]; then
    "${bench[@]}" compare --config mnist-tiny,mnist-small,hybrid-mnist --threads 1 \
        --json "$out/compare-cpu-threads1.json" "$@"
  fi
fi
jmh_cmd="${JMH_ARGS:-^(?!.*Gemm) -p threads=$cores --wi 2 --i 3 --time 1}"
if [ "$jmh" = 1 ]; then
  read -r -a jmh_args <<< "$jmh_cmd"
  "${bench[@]}" jmh "${jmh_args[@]}" -o "$out/jmh.json"
fi

inputs=()
for f in "$out/compare-cpu-threads$cores.json" "$out"/compare-cpu-threads1.json; do
  [ -f "$f" ] && inputs+=(--input "$f")
done
[ ${#inputs[@]} -gt 0 ] || { echo "report.sh: no results in $out; run it without --report-only first" >&2; exit 1; }
extra=()
[ -f "$out/jmh.json" ] && extra+=(--jmh "$out/jmh.json" --jmh-command "./jvit bench jmh $jmh_cmd")
[ -f "$out/NOTES.md" ] && extra+=(--notes "$out/NOTES.md")
"${bench[@]}" report "${inputs[@]}" "${extra[@]}" --output BENCHMARKS.md --plots "$out" \
    --regenerate "benchmarks/scripts/report.sh"
