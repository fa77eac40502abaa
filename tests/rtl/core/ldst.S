/* Loads and stores of all widths: byte lanes, sign / zero extension, byte enables. */
#include "test.h"
TEST_BEGIN
    LA_ABS(s0, data)
    /* lw */
    lw a0, 0(s0)
    CHECK(1, a0, 0x8281f07f)
    lw a0, 4(s0)
    CHECK(2, a0, 0x01234567)
    /* lb / lbu at each byte lane: 7f f0 81 82 */
    lb a0, 0(s0)
    CHECK(10, a0, 0x0000007f)
    lb a0, 1(s0)
    CHECK(11, a0, 0xfffffff0)
    lb a0, 2(s0)
    CHECK(12, a0, 0xffffff81)
    lb a0, 3(s0)
    CHECK(13, a0, 0xffffff82)
    lbu a0, 0(s0)
    CHECK(14, a0, 0x7f)
    lbu a0, 1(s0)
    CHECK(15, a0, 0xf0)
    lbu a0, 2(s0)
    CHECK(16, a0, 0x81)
    lbu a0, 3(s0)
    CHECK(17, a0, 0x82)
    lb a0, 4(s0)
    CHECK(18, a0, 0x67)
    lbu a0, 7(s0)
    CHECK(19, a0, 0x01)
    /* lh / lhu at both halves */
    lh a0, 0(s0)
    CHECK(20, a0, 0xfffff07f)
    lh a0, 2(s0)
    CHECK(21, a0, 0xffff8281)
    lhu a0, 0(s0)
    CHECK(22, a0, 0x0000f07f)
    lhu a0, 2(s0)
    CHECK(23, a0, 0x00008281)
    lh a0, 4(s0)
    CHECK(24, a0, 0x00004567)
    lh a0, 6(s0)
    CHECK(25, a0, 0x00000123)
    /* negative offsets */
    addi s1, s0, 8
    lw a0, -8(s1)
    CHECK(26, a0, 0x8281f07f)
    lbu a0, -5(s1)
    CHECK(27, a0, 0x82)
    lh a0, -6(s1)
    CHECK(28, a0, 0xffff8281)

    /* sw then each byte with sb: the other bytes are untouched (byte enables) */
    LA_ABS(s2, scratch)
    li a1, 0x11223344
    sw a1, 0(s2)
    li a2, 0xaa
    sb a2, 0(s2)
    lw a0, 0(s2)
    CHECK(30, a0, 0x112233aa)
    li a2, 0xffffffbb                   /* only the low byte is stored */
    sb a2, 1(s2)
    lw a0, 0(s2)
    CHECK(31, a0, 0x1122bbaa)
    li a2, 0x123456cc
    sb a2, 2(s2)
    lw a0, 0(s2)
    CHECK(32, a0, 0x11ccbbaa)
    li a2, 0xdd
    sb a2, 3(s2)
    lw a0, 0(s2)
    CHECK(33, a0, 0xddccbbaa)
    /* the neighbouring words are untouched */
    lw a0, -4(s2)
    CHECK(34, a0, 0x5a5a5a5a)
    lw a0, 4(s2)
    CHECK(35, a0, 0xa5a5a5a5)
    /* sh to each half */
    li a2, 0xffff1234
    sh a2, 0(s2)
    lw a0, 0(s2)
    CHECK(40, a0, 0xddcc1234)
    li a2, 0x00009876
    sh a2, 2(s2)
    lw a0, 0(s2)
    CHECK(41, a0, 0x98761234)
    lh a0, 2(s2)
    CHECK(42, a0, 0xffff9876)
    lhu a0, 2(s2)
    CHECK(43, a0, 0x9876)
    lbu a0, 3(s2)
    CHECK(44, a0, 0x98)
    lb a0, 3(s2)
    CHECK(45, a0, 0xffffff98)
    /* sw with a negative offset, sb / sh with odd / non-zero offsets */
    addi s3, s2, 16
    li a2, 0xcafef00d
    sw a2, -8(s3)
    lw a0, 8(s2)
    CHECK(46, a0, 0xcafef00d)
    sb zero, -7(s3)
    lw a0, 8(s2)
    CHECK(47, a0, 0xcafe000d)
    sh zero, -6(s3)
    lw a0, 8(s2)
    CHECK(48, a0, 0x0000000d)
    /* loads into the address register itself */
    mv a3, s0
    lw a3, 4(a3)
    CHECK(49, a3, 0x01234567)
    /* a store of the stored data's own address */
    sw s2, 12(s2)
    lw a0, 12(s2)
    CHECK_EQ(50, a0, s2)
    lw a0, 4(s2)
    CHECK(51, a0, 0xa5a5a5a5)
TEST_END
    .data
    .balign 4
data:
    .word 0x8281f07f, 0x01234567
    .word 0x5a5a5a5a
scratch:
    .word 0, 0xa5a5a5a5, 0, 0, 0
