/* fence, fence.i and ecall are no-ops: execution goes on after them, registers unchanged
 * (ebreak, which halts, ends every test). */
#include "test.h"
TEST_BEGIN
    li a0, 1
    li a1, 0x1234
    fence
    addi a0, a0, 1
    fence rw, rw
    fence i, o
    addi a0, a0, 1
    fence.i
    addi a0, a0, 1
    ecall
    addi a0, a0, 1
    ecall
    ecall
    CHECK(1, a0, 5)
    CHECK(2, a1, 0x1234)
    /* a store before and a load after a fence */
    LA_ABS(s0, word)
    sw a1, 0(s0)
    fence
    lw a2, 0(s0)
    CHECK(3, a2, 0x1234)
TEST_END
    .data
    .balign 4
word:
    .word 0
