/* custom-0 / custom-1 through the coprocessor port (the model in tb_core.v):
 *   custom-0 f3 0: rs1 + rs2   f3 1: acc += rs1 ^ rs2, rd = acc   f3 2: rd = the instruction
 *            f3 3: rs1 - rs2   other: ~rs1
 *   custom-1 f3 0: {rs1[15:0], rs2[15:0]}   f3 1: rd = acc, acc = 0   other: rs1 ^ rs2 */
#include "test.h"
#define C0(f3, f7, rd, rs1, rs2) .insn r CUSTOM_0, f3, f7, rd, rs1, rs2
#define C1(f3, f7, rd, rs1, rs2) .insn r CUSTOM_1, f3, f7, rd, rs1, rs2
TEST_BEGIN
    /* rs1 / rs2 values and their order */
    li a1, 0x10000003
    li a2, 0x00000005
    C0(0, 0, a0, a1, a2)
    CHECK(1, a0, 0x10000008)
    C0(3, 0, a0, a1, a2)
    CHECK(2, a0, 0x0ffffffe)
    C0(3, 0, a0, a2, a1)
    CHECK(3, a0, 0xf0000002)
    C1(0, 0, a0, a1, a2)
    CHECK(4, a0, 0x00030005)
    C0(4, 0x7f, a0, a1, zero)
    CHECK(5, a0, 0xeffffffc)
    C1(2, 0, a0, a1, a1)
    CHECK(6, a0, 0)
    /* cop_insn: the whole instruction word (read back from memory) */
i1: C0(2, 0x55, a0, s3, s4)
    LA_ABS(a3, i1)
    lw a3, 0(a3)
    CHECK_EQ(10, a0, a3)
    li a4, (0x55 << 25) | (20 << 20) | (19 << 15) | (2 << 12) | (10 << 7) | 0x0b
    CHECK_EQ(11, a0, a4)
    li t1, 0x0ff0f00f
    li t2, 0x12345678
    C1(7, 0x2a, t0, t1, t2)             /* rs1 ^ rs2 */
    C0(2, 0, a0, zero, zero)            /* echoes itself, not i2 */
    xor a5, t1, t2
    CHECK_EQ(12, t0, a5)
    li a4, (0 << 25) | (0 << 20) | (0 << 15) | (2 << 12) | (10 << 7) | 0x0b
    CHECK_EQ(13, a0, a4)
    /* accumulate: the coprocessor keeps state across instructions */
    C1(1, 0, zero, zero, zero)          /* acc = 0 */
    li a1, 1
    li a2, 2
    C0(1, 0, a0, a1, a2)                /* acc = 3 */
    CHECK(20, a0, 3)
    li a1, 0x10
    C0(1, 0, a0, a1, zero)              /* acc = 0x13 */
    CHECK(21, a0, 0x13)
    C0(1, 0, zero, a1, zero)            /* acc = 0x23, rd = x0: not written */
    CHECK(22, zero, 0)
    C1(1, 0, a0, zero, zero)            /* a0 = 0x23, acc = 0 */
    CHECK(23, a0, 0x23)
    C1(1, 0, a0, zero, zero)
    CHECK(24, a0, 0)
    /* rd = x0: nothing written, x0 still reads zero in the next instruction */
    li a0, 0x77
    C0(0, 0, zero, a1, a1)
    add a0, zero, zero
    CHECK(25, a0, 0)
    /* back to back: a coprocessor result feeds the next coprocessor op, an ALU op, a load
       address, a branch */
    li a1, 1
    C0(0, 0, a0, a1, a1)                /* 2 */
    C0(0, 0, a0, a0, a0)                /* 4 */
    C0(0, 0, a0, a0, a1)                /* 5 */
    addi a0, a0, 1                      /* 6 */
    CHECK(30, a0, 6)
    LA_ABS(s0, buf)
    C0(0, 0, a2, s0, zero)              /* a2 = buf */
    lw a3, 4(a2)
    CHECK(31, a3, 0xabcd0123)
    lw a3, 4(s0)
    C0(0, 0, a4, a3, zero)              /* load-use into the coprocessor */
    CHECK(32, a4, 0xabcd0123)
    C0(3, 0, a5, a4, a3)
    beqz a5, 1f
    j fail
1:  /* the same register as rd and rs1 */
    li a6, 100
    C0(0, 0, a6, a6, a6)
    CHECK(33, a6, 200)
    /* a loop of accumulations with a store of each partial result */
    C1(1, 0, zero, zero, zero)
    li a0, 8
    li a1, 0
2:  C0(1, 0, a2, a0, zero)              /* acc += counter */
    sw a2, 8(s0)
    addi a0, a0, -1
    bnez a0, 2b
    lw a3, 8(s0)
    CHECK(34, a3, 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1)
TEST_END
    .data
    .balign 4
buf:
    .word 0, 0xabcd0123, 0
