package dev.jvit.core.cpu;

import dev.jvit.core.NDArray;
import dev.jvit.core.Parallel;
import dev.jvit.core.Shape;

/**
 * The walk over strided arrays that every CPU op shares. Several operands are laid over one iteration
 * shape; operand k's element at index (i0, i1, ...) sits at {@code offset[k] + i0*strides[k][0] + ...}.
 * A {@link Plan} drops size-1 dimensions and merges neighbours that are contiguous relative to each other
 * in every operand, so a contiguous array (or a contiguous array plus a broadcast scalar) becomes a single
 * long "run" that a row kernel can stream through. The loops then hand each run, with its element strides,
 * to a body; the outer dimensions are walked with an odometer, and big walks are split across
 * {@link Parallel} (whole runs when there are many, pieces of runs when there are few).
 */
final class StridedLoops {
    /**
     * Below this many elements of work an op runs inline on the calling thread: waking a worker costs about as
     * much as streaming this many floats. {@code -Djvit.parallel.grain=N} overrides it (for measuring).
     */
    static final int GRAIN = Math.max(1024, Integer.getInteger("jvit.parallel.grain", 32 * 1024));
    /** The smallest piece a long run is cut into for threading. */
    private static final int MIN_PIECE = 4096;

    private StridedLoops() {}

    /**
     * The per-run callback: {@code off[k]} is operand k's offset of the run's first element, n its length.
     * The body must not modify {@code off}.
     */
    @FunctionalInterface
    interface RunBody {
        void run(int[] off, int n);
    }

    /**
     * Operand strides for reading x as if it had the (broadcast) shape {@code shape}: dimensions x lacks
     * (on the left) or has with size 1 get stride 0.
     */
    static int[] broadcastStrides(NDArray x, int[] shape) {
        int[] xs = x.shape(), st = x.strides();
        int lead = shape.length - xs.length;
        int[] out = new int[shape.length];
        for (int i = lead; i < shape.length; i++) {
            out[i] = xs[i - lead] == 1 && shape[i] != 1 ? 0 : st[i - lead];
        }
        return out;
    }

    /** A plan for operands broadcast to {@code shape}, ordered by the memory layout of the first one. */
    static Plan plan(int[] shape, NDArray... operands) {
        Plan flat = flatPlan(shape, operands);
        if (flat != null) return flat;
        int[][] strides = new int[operands.length][];
        int[] offsets = new int[operands.length];
        for (int k = 0; k < operands.length; k++) {
            strides[k] = broadcastStrides(operands[k], shape);
            offsets[k] = operands[k].offset();
        }
        return new Plan(shape, strides, offsets, true);
    }

    /**
     * The common case without the general machinery: every operand is contiguous with the full element
     * count (then, being broadcast-compatible, it has the output's shape) or is a single element. The
     * whole walk is one run; small ops pay a few allocations and nothing else.
     */
    private static Plan flatPlan(int[] shape, NDArray[] operands) {
        long numel = Shape.numel(shape);
        if (numel == 0) return null;
        // arrays of arrays are built row by row: a two-dimensional "new int[a][b]" is a slow runtime call in C2
        int[][] strides = new int[operands.length][];
        int[] offsets = new int[operands.length];
        for (int k = 0; k < operands.length; k++) {
            NDArray x = operands[k];
            strides[k] = new int[1];
            long xn = x.numel();
            if (xn == 1) {
                strides[k][0] = 0;
            } else if (xn == numel && x.isContiguous()) {
                strides[k][0] = 1;
            } else {
                return null;
            }
            offsets[k] = x.offset();
        }
        return new Plan(new int[] {(int) numel}, strides, offsets);
    }

    /**
     * An iteration shape with one stride row per operand, coalesced. The last dimension is the run;
     * {@link #rows} counts the runs.
     */
    static final class Plan {
        final int[] shape;
        final int[][] strides;
        final int[] offsets;
        final int rank;
        final int n;
        final int rows;
        final long numel;

        /**
         * When {@code reorder} is set, dimensions are first sorted by decreasing stride of operand 0 (ties
         * broken by the next operands), so the walk follows operand 0's memory order: an output written
         * through a transposed view still gets contiguous runs. Leave it off when the row-major order of
         * the iteration itself matters (random draws).
         */
        Plan(int[] shape, int[][] strides, int[] offsets, boolean reorder) {
            int ops = strides.length;
            this.offsets = offsets.clone();
            this.numel = Shape.numel(shape);
            int[] order = new int[shape.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            if (reorder) {
                // insertion sort: stable, and ranks are tiny
                for (int i = 1; i < order.length; i++) {
                    int d = order[i], j = i - 1;
                    while (j >= 0 && comesAfter(order[j], d, strides)) {
                        order[j + 1] = order[j];
                        j--;
                    }
                    order[j + 1] = d;
                }
            }
            int[] sh = new int[Math.max(1, shape.length)];
            int[][] st = new int[ops][];
            for (int k = 0; k < ops; k++) st[k] = new int[sh.length];
            int r = 0;
            for (int i = 0; i < order.length; i++) {
                int d = order[i];
                if (shape[d] == 1) continue;
                if (r > 0 && mergeable(sh[r - 1], st, r - 1, shape[d], strides, d)) {
                    sh[r - 1] *= shape[d];
                    for (int k = 0; k < ops; k++) st[k][r - 1] = strides[k][d];
                    continue;
                }
                sh[r] = shape[d];
                for (int k = 0; k < ops; k++) st[k][r] = strides[k][d];
                r++;
            }
            if (numel == 0) {
                r = 1;
                sh[0] = 0;
            } else if (r == 0) {
                r = 1; // a single element: one run of length 1
                sh[0] = 1;
                for (int k = 0; k < ops; k++) st[k][0] = 0;
            }
            this.rank = r;
            if (r == sh.length) {
                this.shape = sh;
                this.strides = st;
            } else {
                this.shape = java.util.Arrays.copyOf(sh, r);
                this.strides = new int[ops][];
                for (int k = 0; k < ops; k++) this.strides[k] = java.util.Arrays.copyOf(st[k], r);
            }
            this.n = this.shape[r - 1];
            this.rows = n == 0 ? 0 : (int) (numel / n);
        }

        /** A one-run plan, already coalesced: shape is {numel}, strides[k] = {0 or 1}. */
        private Plan(int[] shape, int[][] strides, int[] offsets) {
            this.shape = shape;
            this.strides = strides;
            this.offsets = offsets;
            this.rank = 1;
            this.n = shape[0];
            this.rows = 1;
            this.numel = shape[0];
        }

        /** Whether dimension a belongs after (inside) dimension b in the walk. */
        private static boolean comesAfter(int a, int b, int[][] strides) {
            for (int[] s : strides) {
                if (s[a] != s[b]) return s[a] < s[b];
            }
            return false;
        }

        /** Outer dim (size outer, strides st[k][o]) followed by inner dim d merge when outer = inner * size. */
        private static boolean mergeable(int outerSize, int[][] st, int o, int innerSize, int[][] strides, int d) {
            for (int k = 0; k < st.length; k++) {
                if ((long) st[k][o] != (long) strides[k][d] * innerSize) return false;
            }
            return true;
        }

        /** Stride of operand k along the run. */
        int innerStride(int k) {
            return strides[k][rank - 1];
        }

        /** Fills off[k] with operand k's offset of the first element of run {@code row}, by division. */
        void rowOffsets(int row, int[] off) {
            for (int k = 0; k < off.length; k++) off[k] = offsets[k];
            for (int d = rank - 2; d >= 0; d--) {
                int i = row % shape[d];
                row /= shape[d];
                for (int k = 0; k < off.length; k++) off[k] += i * strides[k][d];
            }
        }

        /** Moves an odometer (idx over the outer dims, off the operands' offsets) to the next run. */
        void nextRow(int[] idx, int[] off) {
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    for (int k = 0; k < off.length; k++) off[k] += strides[k][d];
                    return;
                }
                idx[d] = 0;
                for (int k = 0; k < off.length; k++) off[k] -= (shape[d] - 1) * strides[k][d];
            }
        }

        /** Fills off[k] with operand k's offset of element i (in the plan's iteration order), by division. */
        void elementOffsets(int i, int[] off) {
            int row = i / n, j = i - row * n;
            rowOffsets(row, off);
            for (int k = 0; k < off.length; k++) off[k] += j * strides[k][rank - 1];
        }

        void rowIndex(int row, int[] idx) {
            for (int d = rank - 2; d >= 0; d--) {
                idx[d] = row % shape[d];
                row /= shape[d];
            }
        }
    }

    /** Walks every run of the plan in order on the calling thread. */
    static void walk(Plan p, RunBody body) {
        walkRows(p, 0, p.rows, body);
    }

    /** Walks runs [from, to) in order. */
    static void walkRows(Plan p, int from, int to, RunBody body) {
        if (from >= to) return;
        if (p.rank == 1) {
            body.run(p.offsets, p.n); // a single run starts at the operands' offsets
            return;
        }
        int[] idx = new int[p.rank], off = new int[p.offsets.length];
        p.rowIndex(from, idx);
        p.rowOffsets(from, off);
        for (int row = from; row < to; row++) {
            if (row > from) p.nextRow(idx, off);
            body.run(off, p.n);
        }
    }

    /**
     * Walks every run, in parallel when there are at least {@link #GRAIN} elements of work; each element is
     * taken to cost {@code workPerElement} units (1 for elementwise ops). Runs may be cut into pieces, so the
     * body must not assume it sees whole runs, and bodies on different threads must write disjoint outputs.
     */
    static void forEachRun(Plan p, long workPerElement, RunBody body) {
        long work = p.numel * Math.max(1, workPerElement);
        int threads = Parallel.threads();
        if (p.numel == 0) return;
        if (work < GRAIN || threads == 1) {
            walk(p, body);
            return;
        }
        int n = p.n, rows = p.rows;
        // enough runs for every thread: split by runs; else cut runs into pieces
        int pieces = rows >= threads ? 1 : (int) Math.min((threads + rows - 1) / rows, Math.max(1, n / MIN_PIECE));
        int pieceLen = pieces == 1 ? n : roundUp((n + pieces - 1) / pieces, 64);
        int piecesPerRow = (n + pieceLen - 1) / pieceLen;
        long units = (long) rows * piecesPerRow;
        if (units > Integer.MAX_VALUE) throw new IllegalStateException("too many runs: " + units);
        long unitWork = (long) Math.min(pieceLen, n) * Math.max(1, workPerElement);
        int grain = (int) Math.max(1, GRAIN / unitWork);
        Parallel.forRange((int) units, grain, (from, to) -> walkUnits(p, piecesPerRow, pieceLen, from, to, body));
    }

    private static void walkUnits(Plan p, int piecesPerRow, int pieceLen, int from, int to, RunBody body) {
        int ops = p.offsets.length;
        int[] idx = new int[p.rank], base = new int[ops], off = new int[ops];
        int row = from / piecesPerRow;
        p.rowIndex(row, idx);
        p.rowOffsets(row, base);
        for (int u = from; u < to; u++) {
            int r = u / piecesPerRow;
            if (r != row) {
                p.nextRow(idx, base);
                row = r;
            }
            int start = (u - r * piecesPerRow) * pieceLen;
            int len = Math.min(pieceLen, p.n - start);
            for (int k = 0; k < ops; k++) off[k] = base[k] + start * p.strides[k][p.rank - 1];
            body.run(off, len);
        }
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    /** Runs body over [0, n) split across threads when n * workPerItem is big enough. */
    static void forRange(int n, long workPerItem, Parallel.RangeBody body) {
        if (n <= 0) return;
        long w = Math.max(1, workPerItem);
        if ((long) n * w < GRAIN || Parallel.threads() == 1) {
            body.run(0, n);
            return;
        }
        Parallel.forRange(n, (int) Math.max(1, GRAIN / w), body);
    }
}
