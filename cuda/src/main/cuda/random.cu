// Random fills with Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011), a
// counter-based generator: element i's numbers are a pure function of (key, i), so any thread can make any
// element's value and a fill is the same for every launch configuration. The key comes from one nextLong()
// of the caller's Generator, so a seeded run repeats exactly; the values differ from the CPU backend's stream.
#include "common.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

__device__ __forceinline__ uint4 philox(uint4 c, uint2 k) {
#pragma unroll
    for (int round = 0; round < 10; round++) {
        unsigned int hi0 = __umulhi(PHILOX_M0, c.x), lo0 = PHILOX_M0 * c.x;
        unsigned int hi1 = __umulhi(PHILOX_M1, c.z), lo1 = PHILOX_M1 * c.z;
        c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
        k.x += PHILOX_W0;
        k.y += PHILOX_W1;
    }
    return c;
}

// 24 random bits as a float in [0, 1), the resolution of Generator.nextFloat.
__device__ __forceinline__ float unit(unsigned int bits) {
    return (float) (bits >> 8) * 5.9604644775390625e-8f;
}

extern "C" __global__ void uniform_fill(int n, float* out, unsigned long long seed, float low, float range) {
    uint2 key = make_uint2((unsigned int) seed, (unsigned int) (seed >> 32));
    FOR_EACH_INDEX(i, n) {
        uint4 r = philox(make_uint4((unsigned int) i, (unsigned int) (i >> 32), 0u, 0u), key);
        out[i] = low + range * unit(r.x);
    }
}

// Box-Muller on two of the four words: u1 in (0, 1] keeps log away from zero.
extern "C" __global__ void normal_fill(int n, float* out, unsigned long long seed, float mean, float std) {
    uint2 key = make_uint2((unsigned int) seed, (unsigned int) (seed >> 32));
    FOR_EACH_INDEX(i, n) {
        uint4 r = philox(make_uint4((unsigned int) i, (unsigned int) (i >> 32), 0u, 0u), key);
        float u1 = ((float) (r.x >> 8) + 1.0f) * 5.9604644775390625e-8f;
        float u2 = unit(r.y);
        float z = sqrtf(-2.0f * logf(u1)) * cospif(2.0f * u2);
        out[i] = mean + std * z;
    }
}
