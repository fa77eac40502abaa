/* x0 is hard-wired to zero, and each of x1..x31 is its own register. */
#include "test.h"
TEST_BEGIN
    /* writes to x0 by every kind of instruction */
    addi zero, zero, 5
    CHECK(1, zero, 0)
    lui zero, 0x12345
    CHECK(2, zero, 0)
    auipc zero, 0x1
    CHECK(3, zero, 0)
    li a1, 7
    add zero, a1, a1
    CHECK(4, zero, 0)
    jal zero, 1f
1:  CHECK(5, zero, 0)
    LA_ABS(a2, 2f)
    jalr zero, 0(a2)
2:  CHECK(6, zero, 0)
    LA_ABS(a3, word)
    lw zero, 0(a3)
    CHECK(7, zero, 0)
    lbu zero, 0(a3)
    CHECK(8, zero, 0)
    /* x0 as a source reads zero, also right after a write to it */
    addi zero, zero, 1
    addi a0, zero, 0
    CHECK(9, a0, 0)
    lw zero, 0(a3)
    add a0, zero, zero
    CHECK(10, a0, 0)
    sw zero, 4(a3)                      /* stores zero */
    lw a0, 4(a3)
    CHECK(11, a0, 0)
    sub a0, zero, a1
    CHECK(12, a0, 0xfffffff9)
    beq zero, zero, 3f
    j fail
3:
    /* x1..x29 each hold their own value: write them all, then read them all */
    li x1, 0x01010101 * 1
    li x2, 0x01010101 * 2
    li x3, 0x01010101 * 3
    li x4, 0x01010101 * 4
    li x5, 0x01010101 * 5
    li x6, 0x01010101 * 6
    li x7, 0x01010101 * 7
    li x8, 0x01010101 * 8
    li x9, 0x01010101 * 9
    li x10, 0x01010101 * 10
    li x11, 0x01010101 * 11
    li x12, 0x01010101 * 12
    li x13, 0x01010101 * 13
    li x14, 0x01010101 * 14
    li x15, 0x01010101 * 15
    li x16, 0x01010101 * 16
    li x17, 0x01010101 * 17
    li x18, 0x01010101 * 18
    li x19, 0x01010101 * 19
    li x20, 0x01010101 * 20
    li x21, 0x01010101 * 21
    li x22, 0x01010101 * 22
    li x23, 0x01010101 * 23
    li x24, 0x01010101 * 24
    li x25, 0x01010101 * 25
    li x26, 0x01010101 * 26
    li x27, 0x01010101 * 27
    li x28, 0x01010101 * 28
    li x29, 0x01010101 * 29
    CHECK(21, x1, 0x01010101 * 1)
    CHECK(22, x2, 0x01010101 * 2)
    CHECK(23, x3, 0x01010101 * 3)
    CHECK(24, x4, 0x01010101 * 4)
    CHECK(25, x5, 0x01010101 * 5)
    CHECK(26, x6, 0x01010101 * 6)
    CHECK(27, x7, 0x01010101 * 7)
    CHECK(28, x8, 0x01010101 * 8)
    CHECK(29, x9, 0x01010101 * 9)
    CHECK(30, x10, 0x01010101 * 10)
    CHECK(31, x11, 0x01010101 * 11)
    CHECK(32, x12, 0x01010101 * 12)
    CHECK(33, x13, 0x01010101 * 13)
    CHECK(34, x14, 0x01010101 * 14)
    CHECK(35, x15, 0x01010101 * 15)
    CHECK(36, x16, 0x01010101 * 16)
    CHECK(37, x17, 0x01010101 * 17)
    CHECK(38, x18, 0x01010101 * 18)
    CHECK(39, x19, 0x01010101 * 19)
    CHECK(40, x20, 0x01010101 * 20)
    CHECK(41, x21, 0x01010101 * 21)
    CHECK(42, x22, 0x01010101 * 22)
    CHECK(43, x23, 0x01010101 * 23)
    CHECK(44, x24, 0x01010101 * 24)
    CHECK(45, x25, 0x01010101 * 25)
    CHECK(46, x26, 0x01010101 * 26)
    CHECK(47, x27, 0x01010101 * 27)
    CHECK(48, x28, 0x01010101 * 28)
    CHECK(49, x29, 0x01010101 * 29)
    /* x30 and x31 (the macros' registers) */
    li x30, 0x1e1e1e1e
    li x31, 0x1f1f1f1f
    xor x1, x30, x31
    li x2, 0x01010101
    li t5, 50
    bne x1, x2, fail
TEST_END
    .data
    .balign 4
word:
    .word 0xdeadbeef, 0x55555555
