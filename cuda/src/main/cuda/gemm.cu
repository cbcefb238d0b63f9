// The backend's own SGEMM, used when cuBLAS cannot be loaded (JCublas 12.6 needs libcublas.so.12; a CUDA 13
// machine has only .13). Row-major throughout: C (M, N) = A (M, K) · B (K, N) with C contiguous, and A and
// B read through element strides, so transposed views are read in place. Batches run along gridDim.z:
// matrix z of A starts at z * aBatch (0 broadcasts one matrix to the whole batch), likewise B and C.
//
// Tiling (the classic shared-memory + register-blocking scheme): a block of 256 threads computes a 64x64 tile
// of C, stepping through K in slices of 16. Each slice of A (64x16) and B (16x64) is staged in shared memory,
// A stored k-major so both operands are read along rows; each thread then accumulates a 4x4 sub-tile in
// registers, so every shared-memory value it loads feeds four multiply-adds.
#include "common.cuh"

#define BM 64
#define BN 64
#define BK 16
#define TM 4
#define TN 4

// Any strides. Loads pick the thread-to-element mapping from which stride is 1, so a row-major or a
// transposed operand is read with coalesced accesses either way.
extern "C" __global__ void __launch_bounds__(256)
sgemm_tiled(int M, int N, int K, const float* A, int aRow, int aCol, long long aBatch, const float* B,
            int bRow, int bCol, long long bBatch, float* C, long long cBatch) {
    __shared__ float As[BK][BM];
    __shared__ float Bs[BK][BN];
    A += blockIdx.z * aBatch;
    B += blockIdx.z * bBatch;
    C += blockIdx.z * cBatch;
    int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    bool aAlongK = aCol == 1, bAlongN = bCol == 1;
    float acc[TM][TN] = {};
    for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
        for (int r = 0; r < (BM * BK) / 256; r++) {
            int e = tid + r * 256;
            int mm = aAlongK ? e / BK : e % BM, kk = aAlongK ? e % BK : e / BM;
            int gm = m0 + mm, gk = k0 + kk;
            As[kk][mm] = (gm < M && gk < K) ? A[(long long) gm * aRow + (long long) gk * aCol] : 0.0f;
        }
#pragma unroll
        for (int r = 0; r < (BK * BN) / 256; r++) {
            int e = tid + r * 256;
            int nn = bAlongN ? e % BN : e / BK, kk = bAlongN ? e / BN : e % BK;
            int gk = k0 + kk, gn = n0 + nn;
            Bs[kk][nn] = (gk < K && gn < N) ? B[(long long) gk * bRow + (long long) gn * bCol] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float a[TM], b[TN];
#pragma unroll
            for (int i = 0; i < TM; i++) a[i] = As[kk][ty * TM + i];
#pragma unroll
            for (int j = 0; j < TN; j++) b[j] = Bs[kk][tx * TN + j];
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < TM; i++) {
        int gm = m0 + ty * TM + i;
        if (gm >= M) continue;
#pragma unroll
        for (int j = 0; j < TN; j++) {
            int gn = n0 + tx * TN + j;
            if (gn < N) C[(long long) gm * N + gn] = acc[i][j];
        }
    }
}

// The same tiling for the common layout, A and B row-major (aCol == bCol == 1), with 16-byte loads and
// stores. The Java side (KernelGemm) picks it only when K, N, aRow, bRow and the batch strides are multiples
// of 4 and the base addresses are 16-byte aligned, so a float4 never straddles a matrix edge.
extern "C" __global__ void __launch_bounds__(256)
sgemm_tiled_vec4(int M, int N, int K, const float* A, int aRow, long long aBatch, const float* B, int bRow,
                 long long bBatch, float* C, long long cBatch) {
    __shared__ __align__(16) float As[BK][BM];
    __shared__ __align__(16) float Bs[BK][BN];
    A += blockIdx.z * aBatch;
    B += blockIdx.z * bBatch;
    C += blockIdx.z * cBatch;
    int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    // A slice: 64 rows of 4 float4 each; B slice: 16 rows of 16 float4 each; one float4 of each per thread
    int aRowInTile = tid / 4, aQuad = tid % 4;
    int bRowInTile = tid / 16, bQuad = tid % 16;
    float acc[TM][TN] = {};
    for (int k0 = 0; k0 < K; k0 += BK) {
        int gm = m0 + aRowInTile, gk = k0 + aQuad * 4;
        float4 av = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (gm < M && gk < K) av = *reinterpret_cast<const float4*>(A + (long long) gm * aRow + gk);
        As[aQuad * 4 + 0][aRowInTile] = av.x;
        As[aQuad * 4 + 1][aRowInTile] = av.y;
        As[aQuad * 4 + 2][aRowInTile] = av.z;
        As[aQuad * 4 + 3][aRowInTile] = av.w;
        int bk = k0 + bRowInTile, gn = n0 + bQuad * 4;
        float4 bv = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        if (bk < K && gn < N) bv = *reinterpret_cast<const float4*>(B + (long long) bk * bRow + gn);
        *reinterpret_cast<float4*>(&Bs[bRowInTile][bQuad * 4]) = bv;
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float4 a4 = *reinterpret_cast<const float4*>(&As[kk][ty * TM]);
            float4 b4 = *reinterpret_cast<const float4*>(&Bs[kk][tx * TN]);
            float a[TM] = {a4.x, a4.y, a4.z, a4.w}, b[TN] = {b4.x, b4.y, b4.z, b4.w};
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    int gn = n0 + tx * TN;
    if (gn >= N) return;
#pragma unroll
    for (int i = 0; i < TM; i++) {
        int gm = m0 + ty * TM + i;
        if (gm < M) {
            *reinterpret_cast<float4*>(C + (long long) gm * N + gn) =
                    make_float4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
        }
    }
}
