/* The six branches, taken and not taken, forward and backward, signed and unsigned. */
#include "test.h"

/* Check n: `br a1, a2` with a1 = x, a2 = y is taken (forward). */
#define TAKEN(n, br, x, y)  \
    li t5, n;               \
    li a1, x;               \
    li a2, y;               \
    br a1, a2, 1f;          \
    j fail;                 \
1:

/* Check n: not taken: falls through (and the fall-through path is the one executed). */
#define NOT_TAKEN(n, br, x, y) \
    li t5, n;               \
    li a1, x;               \
    li a2, y;               \
    li a0, 0;               \
    br a1, a2, fail;        \
    li a0, 1;               \
    CHECK(n, a0, 1)

TEST_BEGIN
    TAKEN(1, beq, 5, 5)
    TAKEN(2, beq, 0xffffffff, 0xffffffff)
    NOT_TAKEN(3, beq, 5, 6)
    NOT_TAKEN(4, beq, 0x80000000, 0)
    TAKEN(10, bne, 5, 6)
    TAKEN(11, bne, 0x80000000, 0)
    NOT_TAKEN(12, bne, 7, 7)
    TAKEN(20, blt, 0xffffffff, 1)       /* -1 < 1 */
    TAKEN(21, blt, 0x80000000, 0x7fffffff)
    TAKEN(22, blt, 0xfffffffe, 0xffffffff)
    NOT_TAKEN(23, blt, 1, 0xffffffff)
    NOT_TAKEN(24, blt, 3, 3)
    NOT_TAKEN(25, blt, 0x7fffffff, 0x80000000)
    TAKEN(30, bge, 1, 0xffffffff)
    TAKEN(31, bge, 3, 3)                /* equal: taken */
    TAKEN(32, bge, 0x7fffffff, 0x80000000)
    NOT_TAKEN(33, bge, 0xffffffff, 1)
    NOT_TAKEN(34, bge, 0x80000000, 0x7fffffff)
    TAKEN(40, bltu, 1, 0xffffffff)
    TAKEN(41, bltu, 0, 1)
    TAKEN(42, bltu, 0x7fffffff, 0x80000000)
    NOT_TAKEN(43, bltu, 0xffffffff, 1)
    NOT_TAKEN(44, bltu, 3, 3)
    TAKEN(50, bgeu, 0xffffffff, 1)
    TAKEN(51, bgeu, 3, 3)
    TAKEN(52, bgeu, 0x80000000, 0x7fffffff)
    NOT_TAKEN(53, bgeu, 1, 0xffffffff)
    NOT_TAKEN(54, bgeu, 0, 1)

    /* Backward branches: a counted loop (bne back), a bltu loop, a bge loop. */
    li t5, 60
    li a0, 0
    li a1, 10
1:  addi a0, a0, 3
    addi a1, a1, -1
    bne a1, zero, 1b
    CHECK(60, a0, 30)
    li a0, 0
    li a1, 0
    li a2, 7
2:  addi a0, a0, 1
    addi a1, a1, 1
    bltu a1, a2, 2b
    CHECK(61, a0, 7)
    li a0, 5
    li a1, 0
3:  addi a1, a1, 1
    addi a0, a0, -1
    bge a0, zero, 3b                    /* 5..0 -> six passes */
    CHECK(62, a1, 6)
    CHECK(63, a0, 0xffffffff)

    /* A taken branch skips: nothing of the skipped instructions is done. */
    li a0, 0
    beq zero, zero, 4f
    li a0, 1
    li a0, 2
4:  CHECK(70, a0, 0)
    /* Branch to the next instruction (offset 4) and a long forward branch (over 2 KiB). */
    beq zero, zero, 5f
5:  li a0, 0
    beq zero, zero, far
    .rept 600
    j fail
    .endr
far:
    li a0, 9
    CHECK(71, a0, 9)
    /* ... and a long backward one */
    j 7f
6:  li a0, 11
    j 8f
    .rept 600
    j fail
    .endr
7:  bne zero, t5, 6b
    j fail
8:  CHECK(72, a0, 11)
    /* a branch comparing a register with itself */
    li a3, 0x12345678
    beq a3, a3, 9f
    j fail
9:  bne a3, a3, fail
    blt a3, a3, fail
    bltu a3, a3, fail
    li t5, 73
    bge a3, a3, 10f
    j fail
10: bgeu a3, a3, 11f
    j fail
11:
TEST_END
