/* C test of mf_core (-O2): fill an array from a xorshift generator, bubble-sort it as signed
 * words, check the order, then a CRC-32 of its bytes and a sum of its signed halfwords,
 * against values computed on the host (the same source built natively: `cc -DHOST sort.c`). */
#include <stdint.h>

#define N 48

static int32_t a[N];
static uint32_t state = 0x2545f491u;

static uint32_t xorshift(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static void bubble_sort(int32_t *v, int n)
{
    for (int i = 0; i < n - 1; i++) {
        int swapped = 0;
        for (int j = 0; j < n - 1 - i; j++) {
            if (v[j] > v[j + 1]) {
                int32_t t = v[j];
                v[j] = v[j + 1];
                v[j + 1] = t;
                swapped = 1;
            }
        }
        if (!swapped) break;
    }
}

static uint32_t crc32(const uint8_t *p, int n)
{
    uint32_t crc = 0xffffffffu;
    for (int i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int32_t half_sum(const int16_t *p, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += p[i];
    return s;
}

#define EXPECTED_CRC  0x3f70c740u
#define EXPECTED_HALF 61618

#ifdef HOST
#include <stdio.h>
#endif

int main(void)
{
    for (int i = 0; i < N; i++) {
        uint32_t r = xorshift();
        a[i] = (int32_t)(r >> (r & 7u));        /* mixed magnitudes, both signs */
        if (r & 0x100u) a[i] = (int32_t)(0u - (uint32_t)a[i]);
    }
    bubble_sort(a, N);
    for (int i = 0; i < N - 1; i++)
        if (a[i] > a[i + 1]) return 1;
    uint32_t crc = crc32((const uint8_t *)a, (int)sizeof a);
    int32_t hs = half_sum((const int16_t *)a, 2 * N);
#ifdef HOST
    printf("crc 0x%08x half %d\n", crc, hs);
    return 0;
#else
    *(volatile uint32_t *)0x80000008u = crc;
    if (crc != EXPECTED_CRC) return 2;
    if (hs != EXPECTED_HALF) return 3;
    return 0;
#endif
}
