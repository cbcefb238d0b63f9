package dev.jvit.cuda.blas;

import dev.jvit.cuda.DeviceApi;
import dev.jvit.cuda.Grid;
import dev.jvit.cuda.Ptr;

/**
 * jvit's own GEMM kernels (gemm.cu): shared-memory tiles of 64x64, 4x4 register blocks per thread, and a
 * float4 variant for row-major operands whose sizes and strides are multiples of 4. Used when cuBLAS is
 * not available; any strides are read in place, batches run along the grid's z dimension.
 */
public final class KernelGemm implements GemmEngine {
    private static final int TILE = 64;
    private static final int MAX_Z = 65535;

    private final DeviceApi api;

    public KernelGemm(DeviceApi api) {
        this.api = api;
    }

    @Override
    public String name() {
        return "jvit kernels";
    }

    @Override
    public boolean readsInPlace(int rows, int cols, int rowStride, int colStride) {
        return true;
    }

    @Override
    public void sgemm(int m, int n, int k, Ptr a, int aRow, int aCol, long aBatch, Ptr b, int bRow, int bCol,
                      long bBatch, Ptr c, long cBatch, int batch) {
        boolean vec4 = vec4(m, n, k, a, aRow, aCol, aBatch, b, bRow, bCol, bBatch, c);
        int gx = (n + TILE - 1) / TILE, gy = (m + TILE - 1) / TILE;
        if (gy > 65535) throw new IllegalArgumentException("matmul with " + m + " rows is too tall for one grid");
        for (int z0 = 0; z0 < batch; z0 += MAX_Z) {
            int count = Math.min(MAX_Z, batch - z0);
            Ptr az = a.plus(z0 * aBatch), bz = b.plus(z0 * bBatch), cz = c.plus(z0 * cBatch);
            Grid grid = new Grid(gx, gy, count, 256, 0);
            if (vec4) {
                api.launch("gemm", "sgemm_tiled_vec4", grid, m, n, k, az, aRow, aBatch, bz, bRow, bBatch, cz, cBatch);
            } else {
                api.launch("gemm", "sgemm_tiled", grid, m, n, k, az, aRow, aCol, aBatch, bz, bRow, bCol, bBatch,
                        cz, cBatch);
            }
        }
    }

    /**
     * The float4 kernel needs A and B row-major, every float4 inside one row (K and N multiples of 4) and
     * every row, matrix and base address on a 16-byte boundary.
     */
    static boolean vec4(int m, int n, int k, Ptr a, int aRow, int aCol, long aBatch, Ptr b, int bRow, int bCol,
                        long bBatch, Ptr c) {
        return aCol == 1 && bCol == 1 && k % 4 == 0 && n % 4 == 0 && aRow % 4 == 0 && bRow % 4 == 0
                && aBatch % 4 == 0 && bBatch % 4 == 0
                && a.address() % 16 == 0 && b.address() % 16 == 0 && c.address() % 16 == 0;
    }
}
