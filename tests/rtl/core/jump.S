/* JAL and JALR: link values, targets, JALR clears bit 0, rd = rs1, rd = x0. */
#include "test.h"
TEST_BEGIN
    /* jal forward: link = address of the jal + 4 */
j1: jal ra, 1f
    j fail
1:  LA_ABS(a1, j1 + 4)
    CHECK_EQ(1, ra, a1)
    /* jal backward (to a subroutine that returns) */
    j 3f
2:  addi a0, a0, 1
    ret                                 /* jalr x0, 0(ra) */
3:  li a0, 0
j2: jal ra, 2b
    CHECK(2, a0, 1)
    LA_ABS(a1, j2 + 4)
    CHECK_EQ(3, ra, a1)
    /* jal with another link register */
j3: jal s1, 4f
    j fail
4:  LA_ABS(a1, j3 + 4)
    CHECK_EQ(4, s1, a1)
    /* jalr: target = rs1 + imm, link = pc + 4 */
    LA_ABS(a2, 5f - 8)
j4: jalr s2, 8(a2)
    j fail
    j fail
5:  LA_ABS(a1, j4 + 4)
    CHECK_EQ(5, s2, a1)
    /* negative offset */
    LA_ABS(a2, 6f + 12)
    jalr s2, -12(a2)
    j fail
6:
    /* jalr clears bit 0 of the target: odd rs1 + 0, and even rs1 + odd imm */
    LA_ABS(a2, 7f)
    addi a2, a2, 1
    jalr zero, 0(a2)
    j fail
7:  LA_ABS(a2, 8f)
    jalr zero, 1(a2)
    j fail
8:  LA_ABS(a2, 9f)
    addi a2, a2, 3
    jalr zero, -2(a2)                   /* 9f + 3 - 2 = 9f + 1 -> 9f */
    j fail
9:
    /* rd = rs1: the target is computed from the old value */
    LA_ABS(a3, 10f)
j5: jalr a3, 0(a3)
    j fail
10: LA_ABS(a1, j5 + 4)
    CHECK_EQ(6, a3, a1)
    /* rd = x0 drops the link */
    jal zero, 11f
    j fail
11: CHECK(7, zero, 0)
    /* jumps skip: the slots after a taken jal / jalr are not executed */
    li a0, 0
    jal zero, 12f
    addi a0, a0, 1
    addi a0, a0, 2
12: LA_ABS(a2, 13f)
    jalr zero, 0(a2)
    addi a0, a0, 4
13: CHECK(8, a0, 0)
    /* jump table (indirect calls through a register loaded from memory) */
    LA_ABS(a4, table)
    li a0, 0
    lw a5, 0(a4)
    jalr ra, 0(a5)
    lw a5, 4(a4)
    jalr ra, 0(a5)
    CHECK(9, a0, 0x21)
    j 14f
fn1: addi a0, a0, 0x01
    ret
fn2: addi a0, a0, 0x20
    jr ra
14:
TEST_END
    .data
    .balign 4
table:
    .word fn1, fn2
