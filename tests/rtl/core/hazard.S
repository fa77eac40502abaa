/* Back-to-back dependent instructions and load-use sequences (no nops between). */
#include "test.h"
TEST_BEGIN
    /* RAW chains through rs1 and rs2 */
    li a0, 1
    addi a0, a0, 1
    addi a0, a0, 1
    add a0, a0, a0
    add a1, a0, a0
    sub a2, a1, a0
    xor a3, a2, a1
    CHECK(1, a0, 6)
    CHECK(2, a1, 12)
    CHECK(3, a2, 6)
    CHECK(4, a3, 10)
    /* WAW: the last write wins */
    li a4, 1
    li a4, 2
    addi a4, a4, 3
    CHECK(5, a4, 5)
    /* lui / auipc result used at once */
    lui a0, 0x12345
    addi a0, a0, 0x678
    CHECK(6, a0, 0x12345678)
    /* load-use: the loaded value used by the next instruction, as rs1 and as rs2 */
    LA_ABS(s0, data)
    lw a0, 0(s0)
    addi a1, a0, 1
    CHECK(10, a1, 0x11111112)
    lw a0, 4(s0)
    add a1, zero, a0
    CHECK(11, a1, 0x22222222)
    /* load-use into the next load's address (pointer chasing) */
    lw a2, 8(s0)
    lw a3, 0(a2)
    lw a4, 4(a3)
    CHECK(12, a4, 0x600dd00d)
    /* load then store of the loaded value, store then load of the stored value */
    lw a0, 0(s0)
    sw a0, 16(s0)
    lw a1, 16(s0)
    CHECK(13, a1, 0x11111111)
    li a0, 0x33
    sb a0, 17(s0)
    lbu a1, 17(s0)
    CHECK(14, a1, 0x33)
    lw a1, 16(s0)
    CHECK(15, a1, 0x11113311)
    /* load-use into a branch and into jalr */
    lw a0, 4(s0)
    li a5, 0x22222222
    beq a0, a5, 1f
    j fail
1:  lw a0, 12(s0)                       /* address of jtarget */
    jalr zero, 0(a0)
    j fail
jtarget:
    /* a loaded value overwritten at once, then used */
    lw a0, 0(s0)
    li a0, 5
    addi a0, a0, 1
    CHECK(16, a0, 6)
    /* loads back to back into the same register, then summed */
    lw a0, 0(s0)
    lw a0, 4(s0)
    add a0, a0, a0
    CHECK(17, a0, 0x44444444)
    /* load into the register the load's address came from */
    mv a1, s0
    lw a1, 4(a1)
    addi a1, a1, -2
    CHECK(18, a1, 0x22222220)
    /* link register used at once */
    jal a2, 3f
3:  LA_ABS(a3, 3b)
    CHECK_EQ(19, a2, a3)
    /* a loop: load, add, store, with the counter updated just before its branch */
    LA_ABS(s1, arr)
    li a0, 4
    li a1, 0
4:  lw a2, 0(s1)
    add a1, a1, a2
    sw a1, 0(s1)
    addi s1, s1, 4
    addi a0, a0, -1
    bnez a0, 4b
    CHECK(20, a1, 1 + 2 + 3 + 4)
    LA_ABS(s1, arr)
    lw a2, 12(s1)
    CHECK(21, a2, 10)
    lw a2, 4(s1)
    CHECK(22, a2, 3)
TEST_END
    .data
    .balign 4
data:
    .word 0x11111111, 0x22222222, ptr1, jtarget, 0
ptr1:
    .word ptr2
ptr2:
    .word 0, 0x600dd00d
arr:
    .word 1, 2, 3, 4
